"""The demo's need photos: what a resident would photograph and attach to a need (e-bikes
across the fire lane, a cable hanging from a window to charge one, the lift's dead
buttons, a bag thrown from a balcony, a dark stairwell, a dog without its leash), drawn
flat by :func:`linli.kit.illustration`.

Illustrations, not photographs: no text, no people, the same bytes at every build. The
demo attaches them to some needs only, as residents attach photos to some, and stores
them the way an uploaded photo is stored.
"""

from __future__ import annotations

from linli.kit import illustration, scenes

Shape = tuple[str, tuple[float, ...], str]

#: Pixels of a side: twice the 64 CSS pixels of a list's picture (a need's page shows it
#: at its own size).
SIZE = 128

WALL = "#ece4d6"
DARK_WALL = "#414859"


# -- places


def _stairs(colour: str, step: str) -> list[Shape]:
    """A flight of stairs rising to the right, with its handrail."""
    points: list[float] = [10, 100, 10, 88]
    for i in range(5):
        x, y = 10 + i * 16, 88 - i * 12
        points += [x + 16, y, x + 16, y - 12]
    points += [100, 28, 100, 100]
    return [
        ("polygon", tuple(points), colour),
        *[("rect", (10 + i * 16, 88 - i * 12, 26 + i * 16, 90 - i * 12), step) for i in range(5)],
        ("line", (14, 66, 92, 8, 2), step),
    ]


# -- things


def _motion(x: float, y: float) -> list[Shape]:
    """Short lines above something falling."""
    return [
        ("line", (x - 4, y - 14, x - 4, y - 4, 1.5), scenes.INK),
        ("line", (x + 4, y - 18, x + 4, y - 6, 1.5), scenes.INK),
    ]


def _lift_doors() -> list[Shape]:
    return [
        ("rect", (14, 8, 86, 90), "#c5ccd3"),
        ("rect", (18, 12, 49.5, 90), scenes.STEEL),
        ("rect", (50.5, 12, 82, 90), scenes.STEEL),
        ("rect", (0, 90, 100, 100), scenes.ASPHALT),
    ]


def _cone(x: float, ground: float) -> list[Shape]:
    """A traffic cone standing on the ground."""
    return [
        ("rect", (x - 12, ground - 4, x + 12, ground), scenes.ORANGE),
        (
            "polygon",
            (x - 9, ground - 4, x - 2, ground - 34, x + 2, ground - 34, x + 9, ground - 4),
            scenes.ORANGE,
        ),
        (
            "polygon",
            (
                x - 6.5,
                ground - 14,
                x - 4.5,
                ground - 22,
                x + 4.5,
                ground - 22,
                x + 6.5,
                ground - 14,
            ),
            scenes.WHITE,
        ),
    ]


def _bins(ground: float) -> list[Shape]:
    """Four sorting bins in their colours, lids on."""
    shapes: list[Shape] = []
    for i, colour in enumerate(("#2f6fb0", "#4f9a3c", "#8e9196", scenes.RED)):
        x = 8 + i * 22
        shapes += [
            (
                "polygon",
                (x, ground - 30, x + 20, ground - 30, x + 18, ground, x + 2, ground),
                colour,
            ),
            ("rect", (x - 1, ground - 34, x + 21, ground - 29), colour),
            ("rect", (x + 7, ground - 36, x + 13, ground - 34), scenes.INK),
        ]
    return shapes


def _fly(x: float, y: float) -> list[Shape]:
    return [("ellipse", (x - 1.5, y - 1.5, x + 1.5, y + 1.5), scenes.INK)]


def _box(x0: float, y0: float, x1: float, y1: float) -> list[Shape]:
    """A cardboard box with its tape."""
    mid = (x0 + x1) / 2
    return [("rect", (x0, y0, x1, y1), "#c99a5b"), ("rect", (mid - 2, y0, mid + 2, y1), "#e3c48f")]


def _flame(x: float, y: float) -> list[Shape]:
    """A small fire, its base at ``(x, y)``."""
    return [
        (
            "polygon",
            (x - 7, y, x - 8, y - 8, x - 3, y - 6, x, y - 16, x + 3, y - 6, x + 8, y - 9, x + 7, y),
            scenes.ORANGE,
        ),
        ("polygon", (x - 3, y, x - 3, y - 5, x, y - 9, x + 3, y - 5, x + 3, y), scenes.YELLOW),
    ]


def _moon(x: float, y: float, r: float, sky: str = scenes.NIGHT) -> list[Shape]:
    """A crescent moon."""
    return [
        ("ellipse", (x - r, y - r, x + r, y + r), "#f6e7a8"),
        ("ellipse", (x - r + r * 0.6, y - r - r * 0.2, x + r + r * 0.6, y + r - r * 0.2), sky),
    ]


def _door(x0: float, x1: float, ground: float, colour: str) -> list[Shape]:
    """A building's entrance door with its frame."""
    return [
        ("rect", (x0 - 4, 14, x1 + 4, ground), "#8e9196"),
        ("rect", (x0, 18, x1, ground), colour),
        ("rect", (x0 + 4, 24, x1 - 4, 48), "#9cc3e4"),
        ("rect", (x1 - 8, 58, x1 - 5, 70), scenes.STEEL),
    ]


# -- the pictures, by the demo's need texts

NEEDS: dict[str, tuple[str, list[Shape]]] = {
    "楼下电动车乱停,挡住了消防通道": (
        scenes.SKY,
        scenes.facade()
        + scenes.ground(58)
        + [("rect", (0, 62, 100, 100), "#d9796a")]
        + [("line", (x, 62, x + 16, 100, 3), scenes.YELLOW) for x in range(-10, 100, 14)]
        + scenes.ebike(12, 86, scenes.BLUE, basket=True)
        + scenes.ebike(52, 96, scenes.WHITE, basket=True),
    ),
    "希望增加电动车集中充电桩,不要再飞线充电": (
        scenes.SKY,
        scenes.facade(20, 100)
        + scenes.ground(86)
        + [
            ("line", (36, 22, 28, 46, 1.5), scenes.INK),
            ("line", (28, 46, 34, 70, 1.5), scenes.INK),
            ("line", (34, 70, 42, 80, 1.5), scenes.INK),
            ("rect", (40, 78, 46, 82), scenes.INK),
        ]
        + scenes.ebike(52, 96, scenes.RED, basket=True),
    ),
    "电动车棚太小,晚上停不下": (
        scenes.NIGHT,
        _moon(84, 14, 8)
        + scenes.ground(80, "#5d6473")
        + [
            ("polygon", (0, 28, 70, 20, 70, 27, 0, 35), "#6f8aa3"),
            ("rect", (4, 33, 7, 84), scenes.STEEL),
            ("rect", (63, 26, 66, 84), scenes.STEEL),
        ]
        + scenes.ebike(12, 84, scenes.BLUE, basket=True)
        + scenes.ebike(24, 88, scenes.RED, basket=True)
        + scenes.ebike(36, 92, "#3fa07a", basket=True)
        + scenes.ebike(62, 98, scenes.YELLOW, basket=True),
    ),
    "电动车进楼道充电,担心起火": (
        WALL,
        [
            *scenes.ground(84, scenes.CONCRETE),
            ("rect", (80, 50, 90, 60), scenes.WHITE),
            ("rect", (83, 53, 84.5, 57), scenes.INK),
            ("rect", (85.5, 53, 87, 57), scenes.INK),
            ("line", (84, 60, 82, 76, 1.5), scenes.INK),
            ("line", (82, 76, 56, 80, 1.5), scenes.INK),
            *_flame(30, 70),
            *scenes.ebike(14, 92, scenes.BLUE, basket=True),
        ],
    ),
    "10栋电梯经常停运,老人上下楼困难": (WALL, _lift_doors() + _cone(34, 90) + _cone(66, 90)),
    "电梯按钮失灵,请物业尽快维修": (
        "#c5ccd3",
        [("round", (26, 8, 74, 92, 4), scenes.STEEL), ("round", (30, 12, 70, 88, 3), "#d9dee3")]
        + [
            ("ellipse", (x - 6, y - 6, x + 6, y + 6), colour)
            for (x, y), colour in zip(
                [(40, 24), (60, 24), (40, 42), (60, 42), (40, 60), (60, 60), (40, 78), (60, 78)],
                [
                    scenes.WHITE,
                    scenes.WHITE,
                    scenes.WHITE,
                    scenes.INK,
                    scenes.WHITE,
                    scenes.WHITE,
                    scenes.RED,
                    scenes.WHITE,
                ],
                strict=True,
            )
        ]
        + [
            ("line", (54, 36, 66, 48, 1.5), scenes.INK),
            ("line", (66, 36, 54, 48, 1.5), scenes.INK),
        ],
    ),
    "楼上经常往下扔垃圾,差点砸到人": (
        scenes.SKY,
        scenes.facade()
        + scenes.ground(88)
        + [
            ("ellipse", (40, 50, 58, 68), "#3d4a3f"),
            ("polygon", (46, 52, 49, 44, 52, 52), "#3d4a3f"),
        ]
        + _motion(49, 44)
        + [("ellipse", (30, 90, 38, 94), "#8a8f55"), ("ellipse", (60, 91, 66, 95), "#c99a5b")],
    ),
    "高空抛物太危险,希望装监控": (
        scenes.SKY,
        scenes.facade()
        + scenes.ground(88)
        + [
            ("polygon", (44, 44, 50, 44, 52, 64, 42, 64), "#3fa07a"),
            ("rect", (45, 38, 49, 45), "#3fa07a"),
        ]
        + _motion(47, 38)
        + [
            ("line", (80, 62, 88, 62, 2), scenes.INK),
            ("polygon", (66, 62, 82, 60, 83, 68, 67, 71), scenes.WHITE),
            ("ellipse", (64, 64, 70, 70), scenes.INK),
        ],
    ),
    "阳台花盆没有固定,刮风怕掉下来": (
        scenes.SKY,
        [
            ("rect", (0, 0, 100, 60), scenes.FACADE),
            ("rect", (12, 8, 88, 56), scenes.WINDOW),
            ("line", (50, 8, 50, 56, 2), scenes.WHITE),
            ("rect", (0, 60, 100, 64), "#b9ab94"),
            *[("rect", (x, 64, x + 2.5, 96), "#8e9196") for x in range(4, 100, 10)],
            ("rect", (0, 94, 100, 100), "#8e9196"),
            ("polygon", (22, 48, 36, 48, 34, 60, 24, 60), scenes.ORANGE),
            ("ellipse", (18, 32, 40, 50), scenes.LEAF),
            ("polygon", (56, 46, 70, 48, 66, 60, 56, 58), scenes.ORANGE),
            ("ellipse", (52, 30, 72, 48), scenes.LIGHT_LEAF),
            ("arc", (72, 20, 100, 44, 200, 340, 2), scenes.WHITE),
            ("arc", (74, 34, 100, 56, 200, 340, 2), scenes.WHITE),
        ],
    ),
    "垃圾分类点气味大,希望每天清运两次": (
        scenes.SKY,
        scenes.ground(80, scenes.CONCRETE)
        + _bins(90)
        + scenes.stink(30, 50)
        + scenes.stink(62, 48)
        + _fly(44, 40)
        + _fly(80, 34)
        + _fly(20, 30),
    ),
    "小区绿化带被占用种菜": (
        scenes.SKY,
        scenes.ground(44, "#8a6a48")
        + [("rect", (0, 40, 100, 46), "#6b9e4f")]
        + [("line", (x, 34, x, 96, 1.5), scenes.WOOD) for x in (6, 94)]
        + [("line", (6, 40, 94, 40, 1.5), scenes.WOOD)]
        + [
            shape
            for row, y in enumerate((58, 74, 90))
            for x in range(14 + row % 2 * 6, 92, 14)
            for shape in (
                (
                    "ellipse",
                    (x - 5, y - 8, x + 5, y + 2),
                    scenes.LEAF if row != 1 else scenes.LIGHT_LEAF,
                ),
            )
        ],
    ),
    "楼道堆放杂物,影响通行": (
        WALL,
        _stairs("#d8cfc0", "#b5aa97")
        + _box(4, 66, 30, 100)
        + _box(8, 44, 28, 66)
        + [("round", (30, 78, 50, 100, 4), "#5b6f8a"), ("rect", (34, 72, 46, 78), "#5b6f8a")]
        + [("ellipse", (50, 86, 62, 100), scenes.RED)],
    ),
    "楼道灯坏了很久没人修": (
        DARK_WALL,
        [
            *_stairs("#626a7d", "#8a92a5"),
            ("rect", (48, 0, 52, 6), "#5a6172"),
            ("rect", (46, 6, 54, 10), "#6b7385"),
            ("ellipse", (43, 9, 57, 23), "#8e9196"),
        ],
    ),
    "雨天地下室漏水": (
        scenes.CONCRETE,
        [
            ("rect", (0, 0, 100, 10), "#8e9196"),
            ("rect", (0, 14, 100, 20), "#7d8b99"),
            ("rect", (0, 80, 100, 100), "#a8a49b"),
            ("ellipse", (20, 84, 86, 96), scenes.WATER),
            ("ellipse", (30, 87, 50, 91), "#8ec5e6"),
            ("ellipse", (30, 20, 62, 40), "#b4b0a6"),
            ("ellipse", (52, 22, 74, 52), "#b4b0a6"),
            *scenes.drop(44, 28),
            *scenes.drop(56, 48),
            *scenes.drop(40, 62),
        ],
    ),
    "单元门禁经常坏": (
        scenes.FACADE,
        [
            *_door(16, 62, 100, "#8c3b32"),
            ("round", (72, 40, 90, 70, 2), scenes.INK),
            ("rect", (75, 43, 87, 50), "#6b7a8a"),
            *[
                ("rect", (75 + c * 4.5, 53 + r * 4.5, 78 + c * 4.5, 56 + r * 4.5), scenes.STEEL)
                for r in range(3)
                for c in range(3)
            ],
            ("ellipse", (79, 34, 83, 38), scenes.RED),
        ],
    ),
    "遛狗不牵绳,孩子被吓到": (
        scenes.SKY,
        [
            *scenes.ground(66, scenes.GRASS),
            ("line", (4, 66, 16, 66, 2), scenes.INK),
            ("line", (0, 74, 14, 74, 2), scenes.INK),
            *scenes.dog(26, 58),
            ("ellipse", (80, 80, 90, 90), scenes.RED),
        ],
    ),
    "狗粪没人清理,希望文明养犬": (
        scenes.SKY,
        [
            *scenes.ground(56, scenes.GRASS),
            ("polygon", (30, 56, 70, 56, 100, 100, 0, 100), "#d8cdb4"),
            ("ellipse", (38, 78, 60, 88), "#6b4a2b"),
            ("ellipse", (41, 72, 57, 81), "#7a5535"),
            ("ellipse", (44, 67, 54, 75), "#6b4a2b"),
            *scenes.stink(40, 62),
            *scenes.stink(58, 60),
        ],
    ),
    "夜里狗叫影响休息": (
        scenes.NIGHT,
        [
            *_moon(20, 16, 9),
            ("rect", (56, 8, 100, 100), "#59627a"),
            ("rect", (64, 18, 78, 30), "#5d6882"),
            ("rect", (84, 18, 98, 30), "#f6e7a8"),
            ("rect", (64, 40, 78, 52), "#f6e7a8"),
            ("rect", (84, 40, 98, 52), "#5d6882"),
            *scenes.ground(80, "#43506a"),
            *scenes.dog(8, 62, coat="#d9b27c"),
            ("arc", (46, 48, 58, 66, 300, 60, 2), "#f6e7a8"),
            ("arc", (46, 42, 66, 72, 300, 60, 2), "#f6e7a8"),
        ],
    ),
}


def need_picture(text: str) -> bytes | None:
    """The PNG a resident might attach to the demo need that says ``text``, or ``None``
    for a need nobody would photograph (a wish for home visits, a lift to add)."""
    found = NEEDS.get(text)
    if found is None:
        return None
    background, shapes = found
    return illustration(shapes, background=background, size=SIZE)
