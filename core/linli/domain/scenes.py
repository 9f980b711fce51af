"""Pieces of a neighbourhood scene for :func:`linli.domain.illustrations.illustration`:
the colours the demo's pictures share and the things several plugins draw (a block of
flats, the ground, an e-bike, a dog, a drop of water, a bad smell), so that a need's
photo and a request's photo of the same corridor look like one community. Plugins reach
it as ``linli.kit.scenes``; everything is on the 0–100 canvas of an illustration.
"""

from __future__ import annotations

from linli.domain.illustrations import Shape

INK = "#3b3f45"
WHITE = "#fbfaf6"
SKY = "#dcecf7"
NIGHT = "#2c3650"
FACADE = "#e9dcc6"
WINDOW = "#9cc3e4"
CONCRETE = "#c9c6bf"
ASPHALT = "#9a9ea3"
GRASS = "#a9d18e"
LEAF = "#4f9a3c"
LIGHT_LEAF = "#7cb84f"
WOOD = "#b57a3e"
DARK_WOOD = "#7a5230"
RED = "#d9412b"
YELLOW = "#f2c94c"
BLUE = "#5b8fd1"
ORANGE = "#e07b39"
STEEL = "#aab4bf"
WATER = "#5aa7d6"

_BALCONY = "#b9ab94"
_SMELL = "#7d8b4a"
_DOG_EAR = "#8a5a2b"


def facade(x0: float = 8, x1: float = 92, colour: str = FACADE) -> list[Shape]:
    """The face of a residential block between ``x0`` and ``x1``: rows of windows with
    balconies."""
    shapes: list[Shape] = [("rect", (x0, 0, x1, 100), colour)]
    for row in range(3):
        top = 6 + row * 26
        for left in (x0 + 8, (x0 + x1) / 2 + 4):
            right = left + (x1 - x0) / 2 - 12
            shapes += [
                ("rect", (left, top, right, top + 14), WINDOW),
                ("rect", (left - 2, top + 14, right + 2, top + 18), _BALCONY),
            ]
    return shapes


def ground(top: float, colour: str = ASPHALT) -> list[Shape]:
    """The ground from ``top`` to the picture's bottom edge."""
    return [("rect", (0, top, 100, 100), colour)]


def ebike(x: float, ground: float, colour: str, *, basket: bool = False) -> list[Shape]:
    """An electric bicycle seen from the side, its rear wheel's centre at ``x``, its
    wheels on ``ground``; ``basket`` hangs a basket on its handlebar."""
    r = 7
    hub = ground - r
    frame: tuple[float, ...] = (x - 4, hub - 10, x + 14, hub - 10, x + 20, hub - 2)
    frame += (x + 26, hub - 2, x + 26, hub + 1, x + 8, hub + 1, x, hub - 4)
    shapes: list[Shape] = [
        ("ellipse", (x - r, hub - r, x + r, hub + r), INK),
        ("ellipse", (x + 30 - r, hub - r, x + 30 + r, hub + r), INK),
        ("ellipse", (x - 3, hub - 3, x + 3, hub + 3), STEEL),
        ("ellipse", (x + 27, hub - 3, x + 33, hub + 3), STEEL),
        ("polygon", frame, colour),
        ("round", (x - 2, hub - 15, x + 12, hub - 10, 2), INK),
        ("line", (x + 30, hub, x + 24, hub - 22, 2.5), colour),
        ("line", (x + 20, hub - 22, x + 28, hub - 22, 2.5), INK),
    ]
    if basket:
        shapes.append(("rect", (x + 26, hub - 20, x + 34, hub - 14), STEEL))
    return shapes


def dog(
    x: float, y: float, coat: str = "#c8894e", leash: float | None = None, *, collar: bool = False
) -> list[Shape]:
    """A dog facing right, ``(x, y)`` the top left of its body; on a leash rising to
    ``(leash, 0)`` (the hand that holds it is out of the picture) unless ``leash`` is
    None; ``collar`` puts a red collar on it."""
    shapes: list[Shape] = [
        ("line", (x + 3, y + 5, x - 5, y - 5, 3), coat),
        ("rect", (x + 4, y + 10, x + 8, y + 26), coat),
        ("rect", (x + 22, y + 10, x + 26, y + 26), coat),
        ("ellipse", (x, y, x + 32, y + 16), coat),
        ("ellipse", (x + 24, y - 10, x + 40, y + 6), coat),
        ("ellipse", (x + 34, y - 3, x + 45, y + 5), coat),
        ("polygon", (x + 25, y - 8, x + 29, y - 14, x + 31, y - 2), _DOG_EAR),
        ("ellipse", (x + 42, y - 3, x + 46, y + 1), INK),
        ("ellipse", (x + 32, y - 5, x + 35, y - 2), INK),
    ]
    if collar:
        shapes.append(("line", (x + 25, y + 2, x + 30, y + 6, 2.5), RED))
    if leash is not None:
        shapes.append(("line", (x + 28, y + 4, leash, 0, 1.2), RED))
    return shapes


def drop(x: float, y: float) -> list[Shape]:
    """A drop of water, its top at ``(x, y)``."""
    return [
        ("polygon", (x, y, x - 3, y + 6, x + 3, y + 6), WATER),
        ("ellipse", (x - 3, y + 3, x + 3, y + 9), WATER),
    ]


def stink(x: float, y: float) -> list[Shape]:
    """Wavy lines of a bad smell rising from ``(x, y)``."""
    return [
        ("arc", (x - 4, y - 10, x + 4, y, 90, 270, 1.5), _SMELL),
        ("arc", (x - 4, y - 20, x + 4, y - 10, 270, 450, 1.5), _SMELL),
    ]
