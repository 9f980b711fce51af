"""The demo's need photos: what a resident would photograph and attach to a need (e-bikes
across the fire lane, a cable hanging from a window to charge one, the lift's dead
buttons, a bag thrown from a balcony, a dark stairwell, a dog without its leash), drawn
flat by :func:`linli.kit.illustration`.

Illustrations, not photographs: no text, no people, the same bytes at every build. The
demo attaches them to some needs only, as residents attach photos to some, and stores
them the way an uploaded photo is stored.
"""

from __future__ import annotations

from linli.kit import illustration

Shape = tuple[str, tuple[float, ...], str]

#: Pixels of a side: twice the 64 CSS pixels of a list's picture (a need's page shows it
#: at its own size).
SIZE = 128

INK = "#3b3f45"
WHITE = "#fbfaf6"
SKY = "#dcecf7"
NIGHT = "#2c3650"
FACADE = "#e9dcc6"
WINDOW = "#9cc3e4"
WALL = "#ece4d6"
DARK_WALL = "#414859"
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


# -- places


def _facade(x0: float = 8, x1: float = 92, colour: str = FACADE) -> list[Shape]:
    """The face of a residential block: rows of windows with balconies."""
    shapes: list[Shape] = [("rect", (x0, 0, x1, 100), colour)]
    for row in range(3):
        top = 6 + row * 26
        for left in (x0 + 8, (x0 + x1) / 2 + 4):
            right = left + (x1 - x0) / 2 - 12
            shapes += [
                ("rect", (left, top, right, top + 14), WINDOW),
                ("rect", (left - 2, top + 14, right + 2, top + 18), "#b9ab94"),
            ]
    return shapes


def _ground(top: float, colour: str = ASPHALT) -> list[Shape]:
    return [("rect", (0, top, 100, 100), colour)]


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


def _ebike(x: float, ground: float, colour: str) -> list[Shape]:
    """An electric bicycle seen from the side, its rear wheel's centre at ``x``."""
    r = 7
    hub = ground - r
    return [
        ("ellipse", (x - r, hub - r, x + r, hub + r), INK),
        ("ellipse", (x + 30 - r, hub - r, x + 30 + r, hub + r), INK),
        ("ellipse", (x - 3, hub - 3, x + 3, hub + 3), STEEL),
        ("ellipse", (x + 27, hub - 3, x + 33, hub + 3), STEEL),
        (
            "polygon",
            (
                x - 4,
                hub - 10,
                x + 14,
                hub - 10,
                x + 20,
                hub - 2,
                x + 26,
                hub - 2,
                x + 26,
                hub + 1,
                x + 8,
                hub + 1,
                x,
                hub - 4,
            ),
            colour,
        ),
        ("round", (x - 2, hub - 15, x + 12, hub - 10, 2), INK),
        ("line", (x + 30, hub, x + 24, hub - 22, 2.5), colour),
        ("line", (x + 20, hub - 22, x + 28, hub - 22, 2.5), INK),
        ("rect", (x + 26, hub - 20, x + 34, hub - 14), STEEL),
    ]


def _motion(x: float, y: float) -> list[Shape]:
    """Short lines above something falling."""
    return [
        ("line", (x - 4, y - 14, x - 4, y - 4, 1.5), INK),
        ("line", (x + 4, y - 18, x + 4, y - 6, 1.5), INK),
    ]


def _lift_doors() -> list[Shape]:
    return [
        ("rect", (14, 8, 86, 90), "#c5ccd3"),
        ("rect", (18, 12, 49.5, 90), STEEL),
        ("rect", (50.5, 12, 82, 90), STEEL),
        ("rect", (0, 90, 100, 100), ASPHALT),
    ]


def _cone(x: float, ground: float) -> list[Shape]:
    """A traffic cone standing on the ground."""
    return [
        ("rect", (x - 12, ground - 4, x + 12, ground), ORANGE),
        (
            "polygon",
            (x - 9, ground - 4, x - 2, ground - 34, x + 2, ground - 34, x + 9, ground - 4),
            ORANGE,
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
            WHITE,
        ),
    ]


def _bins(ground: float) -> list[Shape]:
    """Four sorting bins in their colours, lids on."""
    shapes: list[Shape] = []
    for i, colour in enumerate(("#2f6fb0", "#4f9a3c", "#8e9196", RED)):
        x = 8 + i * 22
        shapes += [
            (
                "polygon",
                (x, ground - 30, x + 20, ground - 30, x + 18, ground, x + 2, ground),
                colour,
            ),
            ("rect", (x - 1, ground - 34, x + 21, ground - 29), colour),
            ("rect", (x + 7, ground - 36, x + 13, ground - 34), INK),
        ]
    return shapes


def _stink(x: float, y: float) -> list[Shape]:
    """Wavy lines of a bad smell rising from ``(x, y)``."""
    return [
        ("arc", (x - 4, y - 10, x + 4, y, 90, 270, 1.5), "#7d8b4a"),
        ("arc", (x - 4, y - 20, x + 4, y - 10, 270, 450, 1.5), "#7d8b4a"),
    ]


def _fly(x: float, y: float) -> list[Shape]:
    return [("ellipse", (x - 1.5, y - 1.5, x + 1.5, y + 1.5), INK)]


def _box(x0: float, y0: float, x1: float, y1: float) -> list[Shape]:
    """A cardboard box with its tape."""
    mid = (x0 + x1) / 2
    return [("rect", (x0, y0, x1, y1), "#c99a5b"), ("rect", (mid - 2, y0, mid + 2, y1), "#e3c48f")]


def _drop(x: float, y: float) -> list[Shape]:
    """A drop of water, its top at ``(x, y)``."""
    return [
        ("polygon", (x, y, x - 3, y + 6, x + 3, y + 6), WATER),
        ("ellipse", (x - 3, y + 3, x + 3, y + 9), WATER),
    ]


def _dog(x: float, y: float, coat: str = "#c8894e", leash: float | None = None) -> list[Shape]:
    """A dog facing right, ``(x, y)`` the top left of its body; on a leash rising to
    ``(leash, 0)`` unless ``leash`` is None."""
    shapes: list[Shape] = [
        ("line", (x + 3, y + 5, x - 5, y - 5, 3), coat),
        ("rect", (x + 4, y + 10, x + 8, y + 26), coat),
        ("rect", (x + 22, y + 10, x + 26, y + 26), coat),
        ("ellipse", (x, y, x + 32, y + 16), coat),
        ("ellipse", (x + 24, y - 10, x + 40, y + 6), coat),
        ("ellipse", (x + 34, y - 3, x + 45, y + 5), coat),
        ("polygon", (x + 25, y - 8, x + 29, y - 14, x + 31, y - 2), "#8a5a2b"),
        ("ellipse", (x + 42, y - 3, x + 46, y + 1), INK),
        ("ellipse", (x + 32, y - 5, x + 35, y - 2), INK),
    ]
    if leash is not None:
        shapes.append(("line", (x + 28, y + 4, leash, 0, 1.2), RED))
    return shapes


def _flame(x: float, y: float) -> list[Shape]:
    """A small fire, its base at ``(x, y)``."""
    return [
        (
            "polygon",
            (x - 7, y, x - 8, y - 8, x - 3, y - 6, x, y - 16, x + 3, y - 6, x + 8, y - 9, x + 7, y),
            ORANGE,
        ),
        ("polygon", (x - 3, y, x - 3, y - 5, x, y - 9, x + 3, y - 5, x + 3, y), YELLOW),
    ]


def _moon(x: float, y: float, r: float, sky: str = NIGHT) -> list[Shape]:
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
        ("rect", (x1 - 8, 58, x1 - 5, 70), STEEL),
    ]


# -- the pictures, by the demo's need texts

NEEDS: dict[str, tuple[str, list[Shape]]] = {
    "楼下电动车乱停,挡住了消防通道": (
        SKY,
        _facade()
        + _ground(58)
        + [("rect", (0, 62, 100, 100), "#d9796a")]
        + [("line", (x, 62, x + 16, 100, 3), YELLOW) for x in range(-10, 100, 14)]
        + _ebike(12, 86, BLUE)
        + _ebike(52, 96, WHITE),
    ),
    "希望增加电动车集中充电桩,不要再飞线充电": (
        SKY,
        _facade(20, 100)
        + _ground(86)
        + [
            ("line", (36, 22, 28, 46, 1.5), INK),
            ("line", (28, 46, 34, 70, 1.5), INK),
            ("line", (34, 70, 42, 80, 1.5), INK),
            ("rect", (40, 78, 46, 82), INK),
        ]
        + _ebike(52, 96, RED),
    ),
    "电动车棚太小,晚上停不下": (
        NIGHT,
        _moon(84, 14, 8)
        + _ground(80, "#5d6473")
        + [
            ("polygon", (0, 28, 70, 20, 70, 27, 0, 35), "#6f8aa3"),
            ("rect", (4, 33, 7, 84), STEEL),
            ("rect", (63, 26, 66, 84), STEEL),
        ]
        + _ebike(12, 84, BLUE)
        + _ebike(24, 88, RED)
        + _ebike(36, 92, "#3fa07a")
        + _ebike(62, 98, YELLOW),
    ),
    "电动车进楼道充电,担心起火": (
        WALL,
        [
            *_ground(84, CONCRETE),
            ("rect", (80, 50, 90, 60), WHITE),
            ("rect", (83, 53, 84.5, 57), INK),
            ("rect", (85.5, 53, 87, 57), INK),
            ("line", (84, 60, 82, 76, 1.5), INK),
            ("line", (82, 76, 56, 80, 1.5), INK),
            *_flame(30, 70),
            *_ebike(14, 92, BLUE),
        ],
    ),
    "10栋电梯经常停运,老人上下楼困难": (WALL, _lift_doors() + _cone(34, 90) + _cone(66, 90)),
    "电梯按钮失灵,请物业尽快维修": (
        "#c5ccd3",
        [("round", (26, 8, 74, 92, 4), STEEL), ("round", (30, 12, 70, 88, 3), "#d9dee3")]
        + [
            ("ellipse", (x - 6, y - 6, x + 6, y + 6), colour)
            for (x, y), colour in zip(
                [(40, 24), (60, 24), (40, 42), (60, 42), (40, 60), (60, 60), (40, 78), (60, 78)],
                [WHITE, WHITE, WHITE, INK, WHITE, WHITE, RED, WHITE],
                strict=True,
            )
        ]
        + [("line", (54, 36, 66, 48, 1.5), INK), ("line", (66, 36, 54, 48, 1.5), INK)],
    ),
    "楼上经常往下扔垃圾,差点砸到人": (
        SKY,
        _facade()
        + _ground(88)
        + [
            ("ellipse", (40, 50, 58, 68), "#3d4a3f"),
            ("polygon", (46, 52, 49, 44, 52, 52), "#3d4a3f"),
        ]
        + _motion(49, 44)
        + [("ellipse", (30, 90, 38, 94), "#8a8f55"), ("ellipse", (60, 91, 66, 95), "#c99a5b")],
    ),
    "高空抛物太危险,希望装监控": (
        SKY,
        _facade()
        + _ground(88)
        + [
            ("polygon", (44, 44, 50, 44, 52, 64, 42, 64), "#3fa07a"),
            ("rect", (45, 38, 49, 45), "#3fa07a"),
        ]
        + _motion(47, 38)
        + [
            ("line", (80, 62, 88, 62, 2), INK),
            ("polygon", (66, 62, 82, 60, 83, 68, 67, 71), WHITE),
            ("ellipse", (64, 64, 70, 70), INK),
        ],
    ),
    "阳台花盆没有固定,刮风怕掉下来": (
        SKY,
        [
            ("rect", (0, 0, 100, 60), FACADE),
            ("rect", (12, 8, 88, 56), WINDOW),
            ("line", (50, 8, 50, 56, 2), WHITE),
            ("rect", (0, 60, 100, 64), "#b9ab94"),
            *[("rect", (x, 64, x + 2.5, 96), "#8e9196") for x in range(4, 100, 10)],
            ("rect", (0, 94, 100, 100), "#8e9196"),
            ("polygon", (22, 48, 36, 48, 34, 60, 24, 60), ORANGE),
            ("ellipse", (18, 32, 40, 50), LEAF),
            ("polygon", (56, 46, 70, 48, 66, 60, 56, 58), ORANGE),
            ("ellipse", (52, 30, 72, 48), LIGHT_LEAF),
            ("arc", (72, 20, 100, 44, 200, 340, 2), WHITE),
            ("arc", (74, 34, 100, 56, 200, 340, 2), WHITE),
        ],
    ),
    "垃圾分类点气味大,希望每天清运两次": (
        SKY,
        _ground(80, CONCRETE)
        + _bins(90)
        + _stink(30, 50)
        + _stink(62, 48)
        + _fly(44, 40)
        + _fly(80, 34)
        + _fly(20, 30),
    ),
    "小区绿化带被占用种菜": (
        SKY,
        _ground(44, "#8a6a48")
        + [("rect", (0, 40, 100, 46), "#6b9e4f")]
        + [("line", (x, 34, x, 96, 1.5), WOOD) for x in (6, 94)]
        + [("line", (6, 40, 94, 40, 1.5), WOOD)]
        + [
            shape
            for row, y in enumerate((58, 74, 90))
            for x in range(14 + row % 2 * 6, 92, 14)
            for shape in (
                ("ellipse", (x - 5, y - 8, x + 5, y + 2), LEAF if row != 1 else LIGHT_LEAF),
            )
        ],
    ),
    "楼道堆放杂物,影响通行": (
        WALL,
        _stairs("#d8cfc0", "#b5aa97")
        + _box(4, 66, 30, 100)
        + _box(8, 44, 28, 66)
        + [("round", (30, 78, 50, 100, 4), "#5b6f8a"), ("rect", (34, 72, 46, 78), "#5b6f8a")]
        + [("ellipse", (50, 86, 62, 100), RED)],
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
        CONCRETE,
        [
            ("rect", (0, 0, 100, 10), "#8e9196"),
            ("rect", (0, 14, 100, 20), "#7d8b99"),
            ("rect", (0, 80, 100, 100), "#a8a49b"),
            ("ellipse", (20, 84, 86, 96), WATER),
            ("ellipse", (30, 87, 50, 91), "#8ec5e6"),
            ("ellipse", (30, 20, 62, 40), "#b4b0a6"),
            ("ellipse", (52, 22, 74, 52), "#b4b0a6"),
            *_drop(44, 28),
            *_drop(56, 48),
            *_drop(40, 62),
        ],
    ),
    "单元门禁经常坏": (
        FACADE,
        [
            *_door(16, 62, 100, "#8c3b32"),
            ("round", (72, 40, 90, 70, 2), INK),
            ("rect", (75, 43, 87, 50), "#6b7a8a"),
            *[
                ("rect", (75 + c * 4.5, 53 + r * 4.5, 78 + c * 4.5, 56 + r * 4.5), STEEL)
                for r in range(3)
                for c in range(3)
            ],
            ("ellipse", (79, 34, 83, 38), RED),
        ],
    ),
    "遛狗不牵绳,孩子被吓到": (
        SKY,
        [
            *_ground(66, GRASS),
            ("line", (4, 66, 16, 66, 2), INK),
            ("line", (0, 74, 14, 74, 2), INK),
            *_dog(26, 58),
            ("ellipse", (80, 80, 90, 90), RED),
        ],
    ),
    "狗粪没人清理,希望文明养犬": (
        SKY,
        [
            *_ground(56, GRASS),
            ("polygon", (30, 56, 70, 56, 100, 100, 0, 100), "#d8cdb4"),
            ("ellipse", (38, 78, 60, 88), "#6b4a2b"),
            ("ellipse", (41, 72, 57, 81), "#7a5535"),
            ("ellipse", (44, 67, 54, 75), "#6b4a2b"),
            *_stink(40, 62),
            *_stink(58, 60),
        ],
    ),
    "夜里狗叫影响休息": (
        NIGHT,
        [
            *_moon(20, 16, 9),
            ("rect", (56, 8, 100, 100), "#59627a"),
            ("rect", (64, 18, 78, 30), "#5d6882"),
            ("rect", (84, 18, 98, 30), "#f6e7a8"),
            ("rect", (64, 40, 78, 52), "#f6e7a8"),
            ("rect", (84, 40, 98, 52), "#5d6882"),
            *_ground(80, "#43506a"),
            *_dog(8, 62, coat="#d9b27c"),
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
