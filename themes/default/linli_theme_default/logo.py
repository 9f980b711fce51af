"""linli's mark (邻里, neighbours): two houses side by side, red on a white tile. This
module draws it once, from the shapes below, as the SVG the header and modern browsers
use and as the pictures older ones ask for: ``favicon.ico`` (16, 32 and 48 px) and
``apple-touch-icon.png`` (180 px, what a phone puts on its home screen).

Run it after changing a shape, and commit what it writes::

    uv run python -m linli_theme_default.logo
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

STATIC = Path(__file__).parent / "static"
RED = "#b3261e"
WHITE = "#ffffff"
#: The drawing is on a 32 × 32 grid.
GRID = 32
CORNER = 7
#: Each house's outline is stroked in white, so the nearer house stands off the other.
GAP = 1.5
#: (outline, door): the smaller house behind, on the left, then the taller one.
HOUSES: tuple[tuple[list[tuple[float, float]], tuple[float, float, float, float]], ...] = (
    (
        [(5, 27), (5, 17), (3, 17), (10.5, 9.5), (18, 17), (16, 17), (16, 27)],
        (9, 21, 12, 27),
    ),
    (
        [(15.5, 27), (15.5, 14), (13.5, 14), (21.5, 5.5), (29.5, 14), (27.5, 14), (27.5, 27)],
        (20, 19.5, 23, 27),
    ),
)


def _number(value: float) -> str:
    return f"{value:g}"


def svg() -> str:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {GRID} {GRID}">',
        f'<rect width="{GRID}" height="{GRID}" rx="{CORNER}" fill="{WHITE}"/>',
    ]
    for outline, (x0, y0, x1, y1) in HOUSES:
        points = " ".join(f"{_number(x)},{_number(y)}" for x, y in outline)
        parts.append(
            f'<polygon points="{points}" fill="{RED}" stroke="{WHITE}" '
            f'stroke-width="{_number(GAP)}" stroke-linejoin="round"/>'
        )
        parts.append(
            f'<rect x="{_number(x0)}" y="{_number(y0)}" width="{_number(x1 - x0)}" '
            f'height="{_number(y1 - y0)}" fill="{WHITE}"/>'
        )
    parts.append("</svg>")
    return "".join(parts) + "\n"


def picture(size: int, *, tile: bool = True) -> Image.Image:
    """The mark at ``size`` pixels, drawn 8 times larger and reduced (smooth edges).
    ``tile=False`` fills the corners too (a phone rounds the home-screen icon itself)."""
    scale = size * 8 / GRID
    big = Image.new("RGBA", (size * 8, size * 8), (0, 0, 0, 0))
    draw = ImageDraw.Draw(big)
    edge = size * 8 - 1
    if tile:
        draw.rounded_rectangle((0, 0, edge, edge), radius=CORNER * scale, fill=WHITE)
    else:
        draw.rectangle((0, 0, edge, edge), fill=WHITE)
    for outline, door in HOUSES:
        points = [(x * scale, y * scale) for x, y in outline]
        draw.polygon(points, fill=RED)
        draw.line([*points, points[0]], fill=WHITE, width=round(GAP * scale), joint="curve")
        draw.rectangle(tuple(v * scale for v in door), fill=WHITE)
    return big.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    (STATIC / "default" / "logo.svg").write_text(svg(), encoding="utf-8")
    icon = picture(48)
    icon.save(STATIC / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    picture(180, tile=False).convert("RGB").save(STATIC / "apple-touch-icon.png", optimize=True)
    for name in ("default/logo.svg", "favicon.ico", "apple-touch-icon.png"):
        print(f"{STATIC / name}: {(STATIC / name).stat().st_size} bytes")


if __name__ == "__main__":
    main()
