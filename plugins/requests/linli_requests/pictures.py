"""The demo's request photos: what a resident or a grid worker would photograph and attach
to a report (water dripping from the ceiling into a bucket, a burst pipe, bags of
rubbish in the stairwell, a street light dark at night, a lift stopped between floors),
drawn flat by :func:`linli.kit.illustration`.

Illustrations, not photographs: no text, no people, the same bytes at every build. The
demo attaches them to some requests only (those reported online or found on a walk, not
those taken on the phone) and stores them the way an uploaded photo is stored.
"""

from __future__ import annotations

from linli.kit import illustration, scenes

Shape = tuple[str, tuple[float, ...], str]

#: Pixels of a side: twice the 64 CSS pixels of a list's picture (a request's page shows
#: it at its own size).
SIZE = 128

WALL = "#ece4d6"
CEILING = "#f7f3ea"
LAMP_LIGHT = "#f6e7a8"
STAIN = "#c8b48e"
BAG = "#3d4a3f"


# -- places


def _room(floor: str = "#cdbb9c") -> list[Shape]:
    """A room: the ceiling above, the floor below (the tile is the wall)."""
    return [("rect", (0, 0, 100, 12), CEILING), ("rect", (0, 84, 100, 100), floor)]


# -- things


def _bag(x: float, ground: float, size: float = 16, colour: str = BAG) -> list[Shape]:
    """A tied rubbish bag sitting on the ground, centred on ``x``."""
    return [
        ("ellipse", (x - size / 2, ground - size, x + size / 2, ground), colour),
        (
            "polygon",
            (x - 3, ground - size + 2, x, ground - size - 6, x + 3, ground - size + 2),
            colour,
        ),
    ]


def _lamp_post(x: float, ground: float, head: str) -> list[Shape]:
    """A street light, its post at ``x``, its head in ``head`` (lit or dead)."""
    return [
        ("rect", (x - 2, 24, x + 2, ground), "#6b7385"),
        ("rect", (x - 5, ground - 4, x + 5, ground), "#6b7385"),
        ("line", (x, 26, x + 12, 20, 3), "#6b7385"),
        ("round", (x + 8, 16, x + 26, 24, 3), "#6b7385"),
        ("rect", (x + 10, 23, x + 24, 26), head),
    ]


def _lift_inside(light: str) -> list[Shape]:
    """The inside of a lift: its ceiling light, steel walls, closed doors."""
    return [
        ("rect", (0, 0, 100, 10), "#6b7385"),
        ("rect", (30, 3, 70, 8), light),
        ("rect", (0, 88, 100, 100), "#5d6473"),
        ("rect", (24, 18, 49.5, 88), scenes.STEEL),
        ("rect", (50.5, 18, 76, 88), scenes.STEEL),
        ("rect", (80, 40, 88, 62), "#8e9196"),
    ]


def _stray(x: float, y: float) -> list[Shape]:
    """A thin stray dog facing right, ``(x, y)`` the top left of its body."""
    coat, dark = "#a39481", "#7a6d5c"
    return [
        ("line", (x + 2, y + 6, x - 6, y + 12, 2.5), coat),
        ("rect", (x + 3, y + 8, x + 6, y + 26), dark),
        ("rect", (x + 24, y + 8, x + 27, y + 26), dark),
        ("ellipse", (x, y, x + 32, y + 13), coat),
        ("ellipse", (x + 25, y - 9, x + 39, y + 5), coat),
        ("ellipse", (x + 34, y - 2, x + 44, y + 5), coat),
        ("polygon", (x + 27, y - 7, x + 29, y - 15, x + 33, y - 6), dark),
        ("ellipse", (x + 41, y - 2, x + 45, y + 2), scenes.INK),
        ("ellipse", (x + 33, y - 4, x + 36, y - 1), scenes.INK),
    ]


# -- the pictures, by the demo's request texts

REQUESTS: dict[str, tuple[str, list[Shape]]] = {
    # leaks
    "楼顶漏水,下雨天屋里滴水": (
        WALL,
        [
            *_room(),
            ("ellipse", (34, 8, 66, 18), STAIN),
            *scenes.drop(50, 22),
            *scenes.drop(46, 44),
            ("polygon", (34, 66, 66, 66, 62, 88, 38, 88), scenes.BLUE),
            ("ellipse", (34, 62, 66, 70), "#2f6fb0"),
            ("ellipse", (38, 64, 62, 69), scenes.WATER),
            ("ellipse", (14, 88, 30, 93), scenes.WATER),
        ],
    ),
    "卫生间天花板渗水,楼上漏下来的": (
        "#e6f0f4",
        [("rect", (0, 0, 100, 14), CEILING)]
        + [("line", (0, y, 100, y, 1), "#bcd2de") for y in range(26, 100, 14)]
        + [("line", (x, 14, x, 100, 1), "#bcd2de") for x in range(14, 100, 14)]
        + [("ellipse", (22, 6, 58, 20), STAIN), ("ellipse", (48, 8, 72, 18), STAIN)]
        + scenes.drop(36, 24)
        + scenes.drop(58, 36)
        + scenes.drop(40, 54),
    ),
    "外墙渗水,墙皮脱落": (
        scenes.FACADE,
        [
            ("rect", (30, 10, 70, 34), scenes.WINDOW),
            ("rect", (28, 34, 72, 38), "#b9ab94"),
            # the damp below the window, and where the paint has come off
            ("ellipse", (24, 36, 56, 62), "#d6c4a4"),
            ("ellipse", (44, 40, 76, 70), "#d6c4a4"),
            ("ellipse", (34, 56, 60, 86), "#d6c4a4"),
            ("polygon", (36, 50, 48, 46, 52, 56, 46, 64, 34, 60), "#a9a59d"),
            ("polygon", (56, 62, 66, 58, 70, 68, 60, 74), "#a9a59d"),
            ("polygon", (10, 76, 20, 72, 24, 82, 14, 86), "#a9a59d"),
            ("polygon", (40, 84, 44, 80, 50, 86, 44, 90), "#d6c4a4"),
        ],
    ),
    "楼道水管爆裂,地面积水": (
        WALL,
        [
            ("rect", (44, 0, 54, 100), "#8e9196"),
            ("rect", (42, 40, 56, 46), "#6b7385"),
            ("rect", (0, 84, 100, 100), "#bdb3a3"),
            ("ellipse", (10, 84, 90, 98), scenes.WATER),
            ("arc", (54, 30, 90, 62, 250, 330, 3), scenes.WATER),
            ("arc", (58, 38, 96, 72, 250, 330, 3), scenes.WATER),
            ("arc", (8, 30, 44, 62, 210, 290, 3), scenes.WATER),
            *scenes.drop(76, 58),
            *scenes.drop(22, 60),
        ],
    ),
    # rubbish
    "楼道堆放垃圾三天没人清运": (
        WALL,
        [
            *_room("#bdb3a3"),
            ("rect", (60, 20, 88, 84), "#8c3b32"),
            ("rect", (82, 50, 85, 58), scenes.STEEL),
            *_bag(22, 92, 22),
            *_bag(42, 94, 18, "#4d5b50"),
            *_bag(30, 76, 16, "#2f3a33"),
            ("rect", (50, 72, 64, 92), "#c99a5b"),
        ],
    ),
    "垃圾桶站满了,气味很大": (
        scenes.SKY,
        [
            *scenes.ground(82, scenes.CONCRETE),
            ("polygon", (28, 44, 72, 44, 68, 90, 32, 90), "#4f9a3c"),
            ("polygon", (26, 44, 74, 44, 80, 22, 34, 30), "#3f7f30"),
            *_bag(44, 46, 18),
            *_bag(58, 44, 14, "#4d5b50"),
            *_bag(16, 94, 16),
            *_bag(84, 94, 14, "#4d5b50"),
            *scenes.stink(20, 60),
            *scenes.stink(86, 56),
        ],
    ),
    "绿化带里有建筑垃圾": (
        scenes.SKY,
        [
            *scenes.ground(60, scenes.GRASS),
            ("ellipse", (0, 44, 30, 66), scenes.LEAF),
            ("ellipse", (70, 42, 100, 66), scenes.LEAF),
            ("polygon", (24, 94, 40, 70, 58, 66, 78, 94), "#b9b3aa"),
            ("polygon", (34, 78, 46, 74, 48, 82, 36, 86), "#b5533c"),
            ("polygon", (50, 70, 62, 72, 60, 80, 48, 78), "#b5533c"),
            ("polygon", (44, 86, 58, 84, 60, 92, 46, 94), "#b5533c"),
            ("polygon", (62, 82, 70, 80, 72, 88, 64, 90), "#8e9196"),
        ],
    ),
    # lifts
    "电梯按钮失灵": (
        "#c5ccd3",
        [("round", (28, 10, 72, 90, 4), scenes.STEEL), ("round", (32, 14, 68, 86, 3), "#d9dee3")]
        + [
            (
                "ring",
                (x - 6, y - 6, x + 6, y + 6, 2),
                scenes.INK if (x, y) == (58, 50) else "#8e9196",
            )
            for x in (42, 58)
            for y in (30, 50, 70)
        ]
        + [("ellipse", (54, 46, 62, 54), scenes.RED), ("line", (50, 44, 66, 56, 1.5), scenes.INK)],
    ),
    "电梯里的灯坏了,晚上很黑": ("#4a5163", _lift_inside("#8e9196")),
    "电梯经常停在半层,老人害怕": (
        WALL,
        [
            ("rect", (18, 8, 82, 100), "#8e9196"),
            ("rect", (22, 12, 78, 100), "#2a2f3a"),
            ("rect", (22, 12, 78, 50), "#c5ccd3"),
            ("rect", (30, 16, 70, 22), LAMP_LIGHT),
            ("rect", (22, 50, 78, 56), "#6b7385"),
            ("rect", (0, 82, 100, 100), "#bdb3a3"),
            ("rect", (18, 80, 82, 84), scenes.YELLOW),
        ],
    ),
    # street lights
    "小区门口路灯不亮": (
        scenes.NIGHT,
        [
            *scenes.ground(84, "#43506a"),
            ("rect", (4, 40, 14, 90), "#8a7f70"),
            ("rect", (50, 40, 60, 90), "#8a7f70"),
            ("rect", (14, 60, 50, 64), "#c9c6bf"),
            *[("rect", (x, 60, x + 4, 64), scenes.RED) for x in (16, 26, 36, 46)],
            *_lamp_post(70, 88, "#5d6473"),
        ],
    ),
    "10栋后面的路灯坏了,晚上看不见路": (
        scenes.NIGHT,
        [
            ("rect", (0, 10, 40, 100), "#3b4150"),
            ("rect", (8, 20, 18, 30), "#4a5163"),
            *scenes.ground(78, "#43506a"),
            ("polygon", (40, 78, 60, 78, 90, 100, 20, 100), "#56607a"),
            *_lamp_post(58, 82, "#5d6473"),
            ("polygon", (64, 84, 68, 82, 67, 86), scenes.STEEL),
            ("polygon", (72, 88, 77, 87, 74, 91), scenes.STEEL),
        ],
    ),
    "路灯一直闪": (
        scenes.NIGHT,
        [
            *scenes.ground(84, "#43506a"),
            ("polygon", (60, 26, 74, 26, 90, 84, 44, 84), "#4e5a72"),
            *_lamp_post(50, 88, LAMP_LIGHT),
            ("line", (40, 14, 46, 18, 2), LAMP_LIGHT),
            ("line", (46, 18, 42, 22, 2), LAMP_LIGHT),
            ("line", (86, 8, 90, 14, 2), LAMP_LIGHT),
            ("line", (90, 14, 86, 18, 2), LAMP_LIGHT),
        ],
    ),
    # things thrown from above
    "有人从楼上扔烟头下来": (
        scenes.SKY,
        scenes.facade()
        + scenes.ground(86)
        + [
            ("line", (48, 54, 54, 60, 2.5), scenes.WHITE),
            ("line", (46, 52, 48, 54, 2.5), scenes.ORANGE),
            ("arc", (40, 40, 48, 50, 90, 270, 1), "#8e9196"),
            ("ellipse", (30, 90, 46, 96), "#5d5a55"),
        ],
    ),
    "高空抛物,砸到了楼下的电动车": (
        scenes.SKY,
        scenes.ground(80)
        + scenes.ebike(22, 94, scenes.BLUE)
        + [
            ("polygon", (26, 70, 34, 64, 38, 72), scenes.ORANGE),
            ("polygon", (36, 66, 44, 62, 44, 72), scenes.ORANGE),
            ("ellipse", (20, 62, 34, 70), "#7a5535"),
            ("line", (62, 30, 56, 40, 1.5), scenes.INK),
            ("line", (70, 32, 66, 42, 1.5), scenes.INK),
            ("ellipse", (70, 84, 78, 88), scenes.ORANGE),
            ("ellipse", (12, 86, 18, 90), scenes.ORANGE),
        ],
    ),
    "楼上往下泼水": (
        scenes.SKY,
        scenes.facade()
        + scenes.ground(88)
        + [
            ("polygon", (32, 24, 46, 24, 52, 40, 50, 62, 42, 70, 38, 52), scenes.WATER),
            ("ellipse", (36, 88, 66, 96), scenes.WATER),
        ]
        + scenes.drop(56, 52)
        + scenes.drop(30, 62)
        + scenes.drop(54, 72),
    ),
    # neighbours
    "邻居在楼道堆放杂物,协商不成": (
        WALL,
        [
            *_room("#bdb3a3"),
            ("rect", (8, 28, 34, 90), "#e6e8eb"),
            ("rect", (8, 52, 34, 54), "#c5ccd3"),
            ("rect", (28, 34, 30, 46), scenes.STEEL),
            ("rect", (38, 62, 60, 90), "#c99a5b"),
            ("rect", (47, 62, 51, 90), "#e3c48f"),
            ("rect", (42, 46, 58, 62), "#c99a5b"),
            ("rect", (64, 70, 92, 90), scenes.WOOD),
            ("rect", (66, 74, 90, 78), "#8a5a2b"),
            ("rect", (66, 82, 90, 86), "#8a5a2b"),
        ],
    ),
    # other
    "单元门禁坏了": (
        scenes.FACADE,
        [
            ("rect", (12, 14, 60, 100), "#8e9196"),
            ("rect", (16, 18, 56, 100), "#8c3b32"),
            ("rect", (20, 24, 52, 48), scenes.WINDOW),
            ("round", (68, 36, 90, 74, 2), scenes.INK),
            ("rect", (72, 40, 86, 50), "#1e2229"),
            *[
                ("rect", (72 + c * 5, 54 + r * 5, 75 + c * 5, 57 + r * 5), scenes.STEEL)
                for r in range(3)
                for c in range(3)
            ],
            ("line", (74, 74, 70, 86, 1.5), scenes.RED),
            ("line", (80, 74, 84, 88, 1.5), scenes.BLUE),
        ],
    ),
    "健身器材松动,有安全隐患": (
        scenes.SKY,
        [
            *scenes.ground(80, "#c9b9a0"),
            ("line", (20, 84, 26, 24, 4), scenes.YELLOW),
            ("line", (72, 84, 82, 28, 4), scenes.YELLOW),
            ("line", (26, 24, 82, 28, 4), scenes.BLUE),
            ("line", (40, 26, 34, 64, 2.5), scenes.BLUE),
            ("line", (62, 27, 70, 62, 2.5), scenes.BLUE),
            ("rect", (26, 62, 42, 68), "#8e9196"),
            ("rect", (62, 60, 78, 66), "#8e9196"),
            ("ellipse", (17, 80, 29, 88), "#6b7385"),
            ("ellipse", (70, 80, 82, 88), "#6b7385"),
            ("ellipse", (84, 90, 90, 96), "#6b7385"),
        ],
    ),
    "小区里有流浪狗,担心咬人": (
        scenes.SKY,
        [
            *scenes.ground(66, scenes.GRASS),
            ("polygon", (66, 40, 92, 40, 90, 82, 68, 82), "#8e9196"),
            ("rect", (64, 36, 94, 42), "#6b7385"),
            *_stray(14, 60),
        ],
    ),
    # the demo resident's own light, out at the building's door
    "单元门口的灯不亮": (
        scenes.NIGHT,
        [
            ("rect", (14, 16, 86, 100), "#59627a"),
            ("rect", (30, 40, 70, 100), "#3b4150"),
            ("rect", (34, 46, 66, 64), "#4a5163"),
            ("rect", (40, 26, 60, 32), "#8e9196"),
            ("rect", (46, 22, 54, 26), "#6b7385"),
        ],
    ),
}


def request_picture(text: str) -> bytes | None:
    """The PNG someone might attach to the demo request that says ``text``, or ``None``
    for one nobody would photograph (a noise, a strange sound in the lift)."""
    found = REQUESTS.get(text)
    if found is None:
        return None
    background, shapes = found
    return illustration(shapes, background=background, size=SIZE)
