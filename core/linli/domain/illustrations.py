"""Small flat illustrations drawn by code: the demo's pictures of dishes, of the street
bank's catalogue and of the community's activities (a resident's idea for the garden, a
need's photo of a dark stairwell, a request's of a leaking ceiling), so that a demo
community looks lived in without shipping a single photograph of a real person, a real
meal or a real home.

An illustration is a list of shapes on a square canvas whose sides run from 0 to 100,
drawn in order over a tile of one colour with rounded corners::

    bowl = [
        ("ellipse", (14, 40, 86, 62), "#fff8ee"),       # the rice's top
        ("chord", (12, 22, 88, 92, 0, 180), "#c8553d"),  # the bowl
    ]
    png = illustration(bowl, background="#fde8c8")

It comes back as a palette PNG of at most :data:`COLOURS` colours (about 0.5 KB at 112 px),
the same bytes for the same shapes every time, ready for :func:`save_image` like a
photo a worker uploads. The tile's corners are transparent and clip the shapes (a
scene's ground may run to the edges), so the stored picture stays a PNG with rounded
corners. No text is drawn in: names are next to pictures, in the reader's language.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image, ImageDraw

#: ``(kind, numbers, colour)``; the kinds and their numbers (0–100 on both axes):
#: ``ellipse`` and ``rect`` (x0, y0, x1, y1); ``round`` (x0, y0, x1, y1, radius);
#: ``chord`` and ``pie`` (x0, y0, x1, y1, start, end: degrees clockwise from three
#: o'clock); ``polygon`` (x, y, x, y, …); ``line`` (x0, y0, x1, y1, width); ``ring``, an
#: ellipse's outline (x0, y0, x1, y1, width); ``arc``, a part of one (x0, y0, x1, y1,
#: start, end, width).
Shape = tuple[str, tuple[float, ...], str]

#: Pixels of a side: twice the 56 CSS pixels of a catalogue card's picture, so that the
#: edges are sharp on a phone's double-density screen. Draw at twice the size shown.
SIZE = 112
#: Colours of the palette; flat shapes need few, and each costs bytes.
COLOURS = 32
_KINDS = frozenset({"ellipse", "rect", "round", "chord", "pie", "polygon", "line", "ring", "arc"})


def illustration(shapes: Sequence[Shape], *, background: str, size: int = SIZE) -> bytes:
    """A square PNG of ``shapes`` drawn over a rounded tile of ``background``."""
    # Drawn at the size stored, without smoothing: the flat colours stay few and repeat,
    # which is what PNG compresses best (half the bytes of smoothed edges), and at twice
    # the size shown the steps are finer than a phone's pixels.
    scale = size / 100
    canvas = Image.new("RGBA", (size, size), background)
    draw = ImageDraw.Draw(canvas)
    for kind, numbers, colour in shapes:
        if kind not in _KINDS:
            raise ValueError(f"unknown shape {kind!r}")
        _draw(draw, kind, numbers, colour, scale)
    # The tile's rounded corners clip whatever reaches them: a scene's ground or sky may
    # run to the edges and the corners stay see-through.
    tile = Image.new("L", (size, size), 0)
    ImageDraw.Draw(tile).rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 7, fill=255)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    image.paste(canvas, mask=tile)
    palette = image.quantize(
        colors=COLOURS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
    )
    out = io.BytesIO()
    palette.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _draw(
    draw: ImageDraw.ImageDraw,
    kind: str,
    numbers: tuple[float, ...],
    colour: str,
    scale: float,
) -> None:
    if kind == "polygon":
        points = [(x * scale, y * scale) for x, y in zip(numbers[::2], numbers[1::2], strict=True)]
        draw.polygon(points, fill=colour)
        return
    box = (numbers[0] * scale, numbers[1] * scale, numbers[2] * scale, numbers[3] * scale)
    if kind == "ellipse":
        draw.ellipse(box, fill=colour)
    elif kind == "rect":
        draw.rectangle(box, fill=colour)
    elif kind == "round":
        draw.rounded_rectangle(box, radius=numbers[4] * scale, fill=colour)
    elif kind == "chord":
        draw.chord(box, numbers[4], numbers[5], fill=colour)
    elif kind == "pie":
        draw.pieslice(box, numbers[4], numbers[5], fill=colour)
    elif kind == "ring":
        draw.ellipse(box, outline=colour, width=round(numbers[4] * scale))
    elif kind == "arc":
        draw.arc(box, numbers[4], numbers[5], fill=colour, width=round(numbers[6] * scale))
    else:  # line
        draw.line(box, fill=colour, width=round(numbers[4] * scale))
