"""The demo's dish pictures: each dish of the demo menu drawn as a plate, a bowl or a
steamer seen from above, in the dish's own colours (:func:`linli.kit.illustration`).

They are illustrations, not photographs: no text, no people, the same bytes at every
build. The demo stores them the way a kitchen worker's upload is stored.
"""

from __future__ import annotations

from linli.kit import illustration

Shape = tuple[str, tuple[float, ...], str]

#: Pixels of a side: twice the 64 CSS pixels of the menu's pictures.
SIZE = 128

PLATE = "#fbfaf6"
RIM = "#e4ded2"
GREEN = "#4f9a3c"
DARK_GREEN = "#2f6b2a"


def _plate(oval: bool = False) -> list[Shape]:
    if oval:
        return [("ellipse", (6, 20, 94, 82), RIM), ("ellipse", (12, 25, 88, 77), PLATE)]
    return [("ellipse", (8, 8, 92, 92), RIM), ("ellipse", (15, 15, 85, 85), PLATE)]


def _bowl(broth: str) -> list[Shape]:
    return [
        ("ellipse", (8, 8, 92, 92), "#2f6fb0"),
        ("ellipse", (12, 12, 88, 88), PLATE),
        ("ellipse", (19, 19, 81, 81), broth),
    ]


def _steamer() -> list[Shape]:
    return [
        ("ellipse", (7, 7, 93, 93), "#b07a3c"),
        ("ellipse", (13, 13, 87, 87), "#d9aa6a"),
        ("line", (18, 50, 82, 50, 1.2), "#c39253"),
        ("line", (50, 18, 50, 82, 1.2), "#c39253"),
    ]


def _fish(body: str, fin: str) -> list[Shape]:
    return [
        ("polygon", (72, 51, 88, 38, 88, 64), fin),
        ("ellipse", (16, 38, 78, 64), body),
        ("ellipse", (24, 45, 29, 50), "#2b2b2b"),
        ("polygon", (44, 39, 54, 31, 60, 40), fin),
    ]


def _greens(*points: tuple[float, float]) -> list[Shape]:
    return [("ellipse", (x - 3, y - 2, x + 3, y + 2), GREEN) for x, y in points]


def _lotus(x: float, y: float, r: float) -> list[Shape]:
    hole = r / 4
    shapes: list[Shape] = [("ellipse", (x - r, y - r, x + r, y + r), "#f2e6c9")]
    for dx, dy in ((0, -0.5), (0.5, 0), (0, 0.5), (-0.5, 0), (0, 0)):
        cx, cy = x + dx * r, y + dy * r
        shapes.append(("ellipse", (cx - hole, cy - hole, cx + hole, cy + hole), "#c9b58c"))
    return shapes


def _balls(colour: str, dot: str) -> list[Shape]:
    shapes: list[Shape] = []
    for x, y in ((38, 36), (62, 36), (28, 58), (50, 56), (72, 58), (50, 76)):
        shapes += [
            ("ellipse", (x - 10, y - 9, x + 10, y + 11), "#d8cdb4"),
            ("ellipse", (x - 10, y - 10, x + 10, y + 10), colour),
            ("ellipse", (x - 3, y - 5, x + 1, y - 1), dot),
        ]
    return shapes


def _pieces(colour: str, edge: str, rows: tuple[float, ...] = (34, 50, 66)) -> list[Shape]:
    shapes: list[Shape] = []
    for i, y in enumerate(rows):
        x = 26 + (i % 2) * 8
        shapes += [
            ("round", (x, y - 6, x + 18, y + 6, 3), colour),
            ("round", (x + 22, y - 6, x + 40, y + 6, 3), colour),
            ("rect", (x, y - 6, x + 18, y - 3), edge),
            ("rect", (x + 22, y - 6, x + 40, y - 3), edge),
        ]
    return shapes


#: The demo's dishes by their Chinese name: (tile colour, shapes).
DISHES: dict[str, tuple[str, list[Shape]]] = {
    "红烧武昌鱼": (
        "#fde3cf",
        _plate(oval=True)
        + _fish("#a8472a", "#8a3820")
        + _greens((36, 44), (48, 58), (60, 46), (30, 56)),
    ),
    "清蒸鳊鱼": (
        "#dcefe9",
        _plate(oval=True)
        + _fish("#c9ccc8", "#a5aaa5")
        + [("rect", (38, 47, 58, 49), "#e8b04b"), ("rect", (40, 53, 62, 55), "#e8b04b")]
        + _greens((34, 42), (52, 60), (64, 44)),
    ),
    "排骨莲藕汤": (
        "#e3eefb",
        _bowl("#e2b86f")
        + _lotus(38, 40, 11)
        + _lotus(60, 60, 10)
        + [("round", (56, 28, 72, 40, 4), "#9c5a35"), ("round", (28, 58, 44, 70, 4), "#9c5a35")],
    ),
    "珍珠圆子": ("#fdf0d5", _plate() + _balls("#f3e6c8", "#e0a43a")),
    "沔阳三蒸": (
        "#f6ead9",
        [
            *_steamer(),
            ("pie", (16, 16, 84, 84, 200, 320), "#e7d7b5"),
            ("pie", (16, 16, 84, 84, 320, 80), "#c7744a"),
            ("pie", (16, 16, 84, 84, 80, 200), "#88b04b"),
        ],
    ),
    "粉蒸肉": (
        "#fbe7de",
        _steamer() + _pieces("#e4b99b", "#b9774f") + _greens((50, 28), (40, 74)),
    ),
    "腊肉炒菜薹": (
        "#e6f3dc",
        _plate()
        + [
            ("line", (24, 34, 70, 64, 4), GREEN),
            ("line", (30, 66, 74, 38, 4), DARK_GREEN),
            ("line", (36, 26, 54, 76, 4), GREEN),
            ("ellipse", (62, 30, 72, 38), "#e8c547"),
        ]
        + [
            ("round", (x, y, x + 14, y + 8, 2), "#a63d2a")
            for x, y in ((28, 44), (50, 56), (54, 40))
        ],
    ),
    "鱼糕": (
        "#fff4d6",
        [
            *_plate(),
            ("ellipse", (20, 20, 80, 80), "#cfe3c2"),
            *_pieces("#fbf8f0", "#f0c040"),
            *_greens((50, 26), (36, 76), (64, 76)),
        ],
    ),
    "糍粑鱼": (
        "#fde3cf",
        _plate()
        + [
            ("round", (x, y, x + 16, y + 12, 4), "#b5532e")
            for x, y in ((26, 32), (48, 30), (32, 50), (54, 50), (40, 66))
        ]
        + _greens((46, 46), (64, 64), (30, 66)),
    ),
    "藕夹": (
        "#fff0d2",
        _plate()
        + [
            shape
            for x, y in ((36, 38), (62, 40), (48, 62))
            for shape in [
                ("ellipse", (x - 13, y - 13, x + 13, y + 13), "#d99a3c"),
                *_lotus(x, y, 8)[1:],
            ]
        ],
    ),
    "香菇蒸鸡": (
        "#eef0df",
        _bowl("#f1e2bf")
        + [
            ("round", (x, y, x + 16, y + 12, 5), "#f3d9a8")
            for x, y in ((28, 30), (54, 34), (34, 56), (56, 58))
        ]
        + [
            ("ellipse", (x - 6, y - 6, x + 6, y + 6), "#5b3a24")
            for x, y in ((48, 48), (30, 46), (66, 50), (46, 74))
        ],
    ),
    "番茄炒蛋配时蔬": (
        "#fdeede",
        [
            *_plate(),
            ("ellipse", (24, 26, 50, 46), "#f6d04d"),
            ("ellipse", (44, 34, 68, 56), "#f6d04d"),
            ("pie", (26, 40, 52, 66, 180, 360), "#d9412b"),
            ("pie", (46, 22, 70, 46, 0, 180), "#d9412b"),
            *_greens((40, 70), (56, 68), (66, 62), (48, 74), (62, 72)),
        ],
    ),
    "三鲜豆皮": (
        "#fff1d0",
        _plate()
        + [("round", (22, 24, 78, 76, 4), "#e0a23b")]
        + [("line", (22 + i * 14, 24, 22 + i * 14, 76, 1.2), "#b67a22") for i in range(1, 4)]
        + [("line", (22, 50, 78, 50, 1.2), "#b67a22")],
    ),
    "小米南瓜粥套餐": (
        "#fff3dc",
        _bowl("#f2b233")
        + [
            ("round", (x, y, x + 10, y + 10, 2), "#e2751e")
            for x, y in ((34, 34), (54, 40), (40, 58), (60, 60))
        ],
    ),
}


def dish_picture(name: str) -> bytes | None:
    """The PNG of the demo dish called ``name``, or ``None`` for a dish the demo lacks."""
    found = DISHES.get(name)
    if found is None:
        return None
    background, shapes = found
    return illustration(shapes, background=background, size=SIZE)
