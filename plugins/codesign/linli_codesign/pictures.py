"""The demo's pictures of co-design: what residents propose for a shared place (a bench
under the big tree, a shared vegetable bed, a bookshelf in the ground-floor void, a dog
on its leash in the lift) and how the build went (the wall painted white, the murals,
the donated furniture in place), drawn flat by :func:`linli.kit.illustration`.

Illustrations, not photographs: no text, no people, the same bytes at every build. The
demo stores them the way a resident's uploaded picture is stored.
"""

from __future__ import annotations

from linli.kit import illustration, scenes

Shape = tuple[str, tuple[float, ...], str]

#: Pixels of a side: twice the 64 CSS pixels of a list's picture (a detail page shows
#: it at its own size).
SIZE = 128

WALL = "#f1e8d8"
FLOOR = "#d3c3a6"
SLAB = "#8e9196"
PILLAR = "#c3bcb0"
#: Where furniture stands on the floor.
FLOOR_Y = 88


# -- places


def _void() -> list[Shape]:
    """The open ground floor under a building (架空层): the slab above, two pillars."""
    return [
        ("rect", (0, 0, 100, 14), SLAB),
        ("rect", (0, 78, 100, 100), FLOOR),
        ("rect", (3, 14, 12, 84), PILLAR),
        ("rect", (88, 14, 97, 84), PILLAR),
    ]


def _outdoors(horizon: float = 66) -> list[Shape]:
    """A lawn under the sky (the tile is the sky)."""
    return [("rect", (0, horizon, 100, 100), scenes.GRASS)]


# -- things


def _shelf(x0: float, y0: float, x1: float) -> list[Shape]:
    """A bookshelf standing on the floor, three rows of books."""
    shapes: list[Shape] = [("rect", (x0, y0, x1, FLOOR_Y), scenes.DARK_WOOD)]
    height = (FLOOR_Y - y0 - 2) / 3
    colours = (scenes.RED, scenes.BLUE, scenes.YELLOW, scenes.LEAF, scenes.ORANGE, scenes.WHITE)
    for row in range(3):
        top = y0 + 2 + row * height
        bottom = top + height - 2
        shapes.append(("rect", (x0 + 2, top, x1 - 2, bottom), "#e9d3b2"))
        x, i = x0 + 3, row * 2
        while x + 3 <= x1 - 3:
            width = 3 + i % 2
            shapes.append(("rect", (x, top + 2 + i % 3, x + width, bottom), colours[i % 6]))
            x, i = x + width + 1, i + 1
    return shapes


def _table(x0: float, x1: float, top: float, colour: str = scenes.WOOD) -> list[Shape]:
    """A table seen from the side."""
    return [
        ("rect", (x0, top, x1, top + 4), colour),
        ("rect", (x0 + 3, top + 4, x0 + 6, FLOOR_Y), scenes.DARK_WOOD),
        ("rect", (x1 - 6, top + 4, x1 - 3, FLOOR_Y), scenes.DARK_WOOD),
    ]


def _chair(x: float, facing_right: bool = True, colour: str = scenes.WOOD) -> list[Shape]:
    """A chair seen from the side, its back away from where it faces."""
    seat = FLOOR_Y - 16
    back = x if facing_right else x + 10
    front = x + 10 if facing_right else x
    return [
        ("rect", (x, seat, x + 13, seat + 3), colour),
        ("rect", (back, seat - 16, back + 3, FLOOR_Y), colour),
        ("rect", (front, seat + 3, front + 3, FLOOR_Y), colour),
    ]


def _lamp(x: float) -> list[Shape]:
    """A lamp hanging from the slab, lit."""
    return [
        ("polygon", (x - 5, 30, x + 5, 30, x + 17, 78, x - 17, 78), "#fbf0c4"),
        ("line", (x, 14, x, 24, 1.5), scenes.INK),
        ("chord", (x - 8, 22, x + 8, 38, 180, 360), scenes.YELLOW),
    ]


def _camera(x: float, y: float) -> list[Shape]:
    """A security camera on a bracket, looking down to the left."""
    return [
        ("line", (x + 12, y - 6, x + 12, y + 2, 2), scenes.INK),
        ("polygon", (x, y + 2, x + 16, y, x + 17, y + 8, x + 1, y + 11), "#e6e8eb"),
        ("ellipse", (x - 2, y + 3, x + 4, y + 10), scenes.INK),
    ]


def _panel(x0: float, y0: float, x1: float, y1: float, sky: str, motif: str) -> list[Shape]:
    """A framed mural: a little landscape, a house or a heart."""
    w, h = x1 - x0, y1 - y0
    shapes: list[Shape] = [("rect", (x0, y0, x1, y1), scenes.DARK_WOOD)]
    shapes.append(("rect", (x0 + 1.5, y0 + 1.5, x1 - 1.5, y1 - 1.5), sky))
    if motif == "hills":
        shapes += [
            (
                "chord",
                (x0 - w * 0.2, y0 + h * 0.5, x0 + w * 0.8, y1 + h * 0.5, 180, 360),
                scenes.LEAF,
            ),
            ("ellipse", (x1 - w * 0.4, y0 + h * 0.15, x1 - w * 0.15, y0 + h * 0.4), scenes.YELLOW),
        ]
    elif motif == "house":
        mid = x0 + w / 2
        shapes += [
            (
                "polygon",
                (mid - w * 0.3, y0 + h * 0.5, mid, y0 + h * 0.2, mid + w * 0.3, y0 + h * 0.5),
                scenes.RED,
            ),
            ("rect", (mid - w * 0.22, y0 + h * 0.5, mid + w * 0.22, y1 - 1.5), scenes.WHITE),
            ("rect", (mid - w * 0.06, y0 + h * 0.65, mid + w * 0.06, y1 - 1.5), scenes.WOOD),
        ]
    else:  # heart
        cx, cy, r = x0 + w / 2, y0 + h / 2, min(w, h) * 0.18
        shapes += [
            ("ellipse", (cx - 2 * r, cy - 1.6 * r, cx, cy + 0.4 * r), scenes.RED),
            ("ellipse", (cx, cy - 1.6 * r, cx + 2 * r, cy + 0.4 * r), scenes.RED),
            (
                "polygon",
                (cx - 1.9 * r, cy - 0.2 * r, cx + 1.9 * r, cy - 0.2 * r, cx, cy + 1.9 * r),
                scenes.RED,
            ),
        ]
    return shapes


def _plant(x: float, y: float = FLOOR_Y) -> list[Shape]:
    """A pot plant standing at ``y``."""
    return [
        ("ellipse", (x - 9, y - 30, x + 3, y - 12), scenes.LEAF),
        ("ellipse", (x - 2, y - 34, x + 10, y - 14), scenes.LIGHT_LEAF),
        ("polygon", (x - 6, y - 12, x + 6, y - 12, x + 4, y, x - 4, y), scenes.ORANGE),
    ]


def _line_with_washing(x0: float, x1: float, y: float) -> list[Shape]:
    """Two posts, a line between them, a quilt and a shirt drying."""
    quilt = max(x1 - x0 - 34, 6)
    return [
        ("rect", (x0, y - 4, x0 + 2.5, FLOOR_Y), scenes.INK),
        ("rect", (x1 - 2.5, y - 4, x1, FLOOR_Y), scenes.INK),
        ("line", (x0, y, x1, y, 1), scenes.INK),
        ("rect", (x0 + 4, y, x0 + 4 + quilt, y + 30), "#f29ab0"),
        ("line", (x0 + 4, y + 10, x0 + 4 + quilt, y + 10, 2), scenes.WHITE),
        ("line", (x0 + 4, y + 20, x0 + 4 + quilt, y + 20, 2), scenes.WHITE),
        ("polygon", _shirt(x1 - 15, y), scenes.BLUE),
    ]


def _shirt(cx: float, y: float) -> tuple[float, ...]:
    return (
        cx - 6,
        y,
        cx + 6,
        y,
        cx + 12,
        y + 7,
        cx + 8,
        y + 11,
        cx + 6,
        y + 9,
        cx + 6,
        y + 26,
        cx - 6,
        y + 26,
        cx - 6,
        y + 9,
        cx - 8,
        y + 11,
        cx - 12,
        y + 7,
    )


def _scales(x: float, y: float) -> list[Shape]:
    """The scales of justice on a stand, ``y`` its foot."""
    gold = "#c9a227"
    return [
        ("rect", (x - 6, y - 2, x + 6, y), gold),
        ("line", (x, y - 2, x, y - 22, 2), gold),
        ("line", (x - 12, y - 20, x + 12, y - 20, 2), gold),
        ("line", (x - 12, y - 20, x - 12, y - 12, 1), gold),
        ("line", (x + 12, y - 20, x + 12, y - 12, 1), gold),
        ("chord", (x - 18, y - 16, x - 6, y - 8, 0, 180), gold),
        ("chord", (x + 6, y - 16, x + 18, y - 8, 0, 180), gold),
    ]


def _calendar(x: float, y: float) -> list[Shape]:
    """A wall calendar: a month of days, one of them marked."""
    shapes: list[Shape] = [
        ("rect", (x, y, x + 22, y + 22), scenes.WHITE),
        ("rect", (x, y, x + 22, y + 5), scenes.RED),
    ]
    for row in range(3):
        for col in range(4):
            left, top = x + 2 + col * 5, y + 7 + row * 5
            colour = scenes.RED if (row, col) == (1, 2) else "#c9ced4"
            shapes.append(("rect", (left, top, left + 3, top + 3), colour))
    return shapes


def _clock(x: float, y: float, r: float) -> list[Shape]:
    """A clock face at seven o'clock."""
    return [
        ("ellipse", (x - r, y - r, x + r, y + r), scenes.WHITE),
        ("ring", (x - r, y - r, x + r, y + r, 2), scenes.INK),
        ("line", (x, y, x, y - r * 0.7, 1.5), scenes.INK),
        ("line", (x, y, x - r * 0.3, y + r * 0.45, 2), scenes.INK),
    ]


def _tree(x: float, ground: float) -> list[Shape]:
    """A broad tree with its trunk at ``x``."""
    return [
        ("rect", (x - 4, ground - 34, x + 4, ground + 2), scenes.DARK_WOOD),
        ("ellipse", (x - 30, ground - 62, x + 2, ground - 30), scenes.LEAF),
        ("ellipse", (x - 4, ground - 64, x + 30, ground - 30), scenes.LEAF),
        ("ellipse", (x - 18, ground - 76, x + 16, ground - 44), scenes.LIGHT_LEAF),
    ]


def _bench(x0: float, x1: float, ground: float) -> list[Shape]:
    """A park bench seen from the front."""
    return [
        ("rect", (x0, ground - 22, x1, ground - 18), scenes.WOOD),
        ("rect", (x0, ground - 15, x1, ground - 11), scenes.WOOD),
        ("rect", (x0 - 2, ground - 9, x1 + 2, ground - 6), scenes.WOOD),
        ("rect", (x0 + 2, ground - 22, x0 + 4, ground), scenes.INK),
        ("rect", (x1 - 4, ground - 22, x1 - 2, ground), scenes.INK),
    ]


def _bed(x0: float, x1: float, y: float, crop: str) -> list[Shape]:
    """A raised vegetable bed with a row of plants."""
    shapes: list[Shape] = [
        ("rect", (x0, y, x1, y + 10), scenes.WOOD),
        ("rect", (x0 + 2, y + 2, x1 - 2, y + 5), "#7a5a3a"),
    ]
    x = x0 + 5
    while x + 5 <= x1 - 2:
        shapes.append(("ellipse", (x - 4, y - 8, x + 4, y + 2), scenes.LEAF))
        if crop:
            shapes.append(("ellipse", (x - 2, y - 4, x + 2, y), crop))
        x += 10
    return shapes


def _bicycle(x: float, ground: float, frame: str) -> list[Shape]:
    """A bicycle seen from the side, its rear wheel's centre at ``x``."""
    r = 8
    hub = ground - r
    return [
        ("ring", (x - r, hub - r, x + r, hub + r, 2), scenes.INK),
        ("ring", (x + 24 - r, hub - r, x + 24 + r, hub + r, 2), scenes.INK),
        ("line", (x, hub, x + 10, hub - 12, 2), frame),
        ("line", (x + 10, hub - 12, x + 22, hub - 12, 2), frame),
        ("line", (x, hub, x + 12, hub, 2), frame),
        ("line", (x + 12, hub, x + 22, hub - 12, 2), frame),
        ("line", (x + 22, hub - 12, x + 24, hub, 2), frame),
        ("rect", (x + 6, hub - 15, x + 13, hub - 13), scenes.INK),
        ("line", (x + 20, hub - 16, x + 25, hub - 16, 2), scenes.INK),
    ]


def _lift() -> list[Shape]:
    """The inside of a lift: its closed steel doors."""
    return [
        ("rect", (14, 6, 86, FLOOR_Y), "#c5ccd3"),
        ("rect", (18, 10, 49.5, FLOOR_Y), scenes.STEEL),
        ("rect", (50.5, 10, 82, FLOOR_Y), scenes.STEEL),
        ("rect", (0, FLOOR_Y, 100, 100), "#8e9196"),
    ]


# -- the pictures, by the demo's proposal titles and update texts

_MURAL_SKIES = ("#cfe6f7", "#fde3cf", "#e1f1dc", "#fbe1e4", "#fdf1c9", "#e8e4f3")
_MURALS = ("hills", "house", "heart", "house", "heart", "hills")

PICTURES: dict[str, tuple[str, list[Shape]]] = {
    # the legal corner of building 10: ideas
    "架空层做法律角": (WALL, _void() + _shelf(16, 36, 40) + _table(46, 82, 62) + _scales(64, 62)),
    "请律师定期坐班": (
        WALL,
        _void()
        + _calendar(62, 24)
        + _table(18, 70, 60)
        + _chair(72, facing_right=False)
        + [
            ("round", (24, 48, 44, 60, 2), scenes.DARK_WOOD),
            ("arc", (29, 42, 39, 52, 180, 360, 2), scenes.INK),
        ],
    ),
    "墙上画普法漫画": (
        WALL,
        _void()
        + _panel(16, 22, 48, 50, _MURAL_SKIES[0], "hills")
        + _panel(52, 22, 84, 50, _MURAL_SKIES[3], "heart")
        + [
            ("polygon", (58, 70, 74, 70, 72, FLOOR_Y, 60, FLOOR_Y), scenes.BLUE),
            ("ellipse", (58, 67, 74, 73), "#2f6fb0"),
            ("line", (66, 70, 78, 58, 2), scenes.DARK_WOOD),
            ("rect", (76, 54, 82, 60), scenes.RED),
            ("ellipse", (20, 82, 34, 86), scenes.RED),
        ],
    ),
    "放几张旧桌椅": (
        WALL,
        _void()
        + _chair(16)
        + _table(32, 66, 62)
        + _chair(70, facing_right=False, colour="#9c6b3a"),
    ),
    "装灯和监控": (WALL, _void() + _lamp(44) + _camera(68, 24) + _table(30, 60, 64)),
    "留出晾晒区": (WALL, _void() + _line_with_washing(18, 84, 26)),
    # the legal corner of building 10: designs
    "方案一:法治长廊+调解桌": (
        WALL,
        _void()
        + [
            shape
            for i in range(3)
            for shape in _panel(16 + 24 * i, 20, 36 + 24 * i, 38, _MURAL_SKIES[i], _MURALS[i])
        ]
        + _chair(16)
        + _table(34, 66, 62)
        + _chair(71, facing_right=False),
    ),
    "方案二:开放客厅": (
        WALL,
        [
            *_void(),
            ("round", (14, 46, 56, 74, 5), "#5b8fa8"),
            ("round", (14, 60, 56, 82, 4), "#6fa3bd"),
            ("round", (11, 56, 19, 84, 3), "#4d7d94"),
            ("round", (51, 56, 59, 84, 3), "#4d7d94"),
            ("rect", (62, 72, 86, 75), scenes.WOOD),
            ("rect", (64, 75, 67, FLOOR_Y), scenes.DARK_WOOD),
            ("rect", (81, 75, 84, FLOOR_Y), scenes.DARK_WOOD),
            ("ellipse", (66, 62, 76, 72), scenes.WHITE),
            ("line", (75, 66, 80, 63, 2), scenes.WHITE),
            ("rect", (78, 67, 82, 72), scenes.WHITE),
        ],
    ),
    "方案三:法律角+晾晒区": (
        WALL,
        _void() + _shelf(15, 42, 33) + _plant(44) + _plant(54) + _line_with_washing(60, 86, 30),
    ),
    # civilised dog keeping
    "公约甲:出门必拴绳、早晚遛狗时段": (
        scenes.SKY,
        _outdoors() + _clock(22, 24, 12) + scenes.dog(34, 58, leash=88, collar=True),
    ),
    "公约乙:拴绳+宠物便便箱": (
        scenes.SKY,
        [
            *_outdoors(),
            ("rect", (76, 40, 79, 90), scenes.INK),
            ("round", (68, 30, 87, 48, 3), scenes.LEAF),
            ("rect", (72, 40, 83, 43), "#2f6b2a"),
            *scenes.dog(14, 58, coat="#e0c08a", leash=56, collar=True),
        ],
    ),
    "公约丙:登记+文明养犬积分": (
        scenes.SKY,
        [
            *_outdoors(),
            ("round", (56, 12, 90, 36, 3), scenes.WHITE),
            ("rect", (60, 16, 70, 28), "#e0c08a"),
            ("line", (74, 18, 86, 18, 2), "#b8c2cc"),
            ("line", (74, 24, 86, 24, 2), "#b8c2cc"),
            ("line", (74, 30, 82, 30, 2), "#b8c2cc"),
            ("ellipse", (10, 12, 32, 34), scenes.YELLOW),
            (
                "polygon",
                (21, 15, 24, 21, 30, 21, 25, 25, 27, 31, 21, 27, 15, 31, 17, 25, 12, 21, 18, 21),
                "#e0a02e",
            ),
            ("ellipse", (57, 61, 63, 67), scenes.YELLOW),
            *scenes.dog(22, 58, coat="#a86b3c", collar=True),
        ],
    ),
    "遛狗必须拴绳": (WALL, _lift() + scenes.dog(24, 64, coat="#efe3c8", leash=60, collar=True)),
    # the little garden: ideas
    "大树下放几张长椅": (scenes.SKY, _outdoors(70) + _tree(34, 80) + _bench(40, 86, 90)),
    "开一块共享菜园": (
        scenes.SKY,
        _outdoors(52)
        + _bed(8, 56, 62, scenes.RED)
        + _bed(30, 92, 82, "")
        + [
            ("round", (66, 54, 84, 70, 3), "#3f9fb5"),
            ("line", (83, 58, 92, 50, 3), "#3f9fb5"),
            ("arc", (68, 46, 80, 62, 180, 360, 2), "#3f9fb5"),
        ],
    ),
    "加盖一个车棚": (
        scenes.SKY,
        [
            *_outdoors(78),
            ("polygon", (4, 30, 96, 20, 96, 28, 4, 38), "#5f7d95"),
            ("rect", (10, 36, 13, 90), scenes.INK),
            ("rect", (88, 26, 91, 90), scenes.INK),
            *_bicycle(22, 90, scenes.RED),
            *_bicycle(58, 90, scenes.BLUE),
        ],
    ),
    "孩子们的游乐角": (
        scenes.SKY,
        [
            *_outdoors(72),
            ("chord", (40, 78, 96, 100, 180, 360), "#f3dc9b"),
            ("line", (10, 92, 22, 30, 2.5), scenes.INK),
            ("line", (34, 92, 22, 30, 2.5), scenes.INK),
            ("line", (22, 30, 62, 30, 2.5), scenes.INK),
            ("line", (62, 30, 56, 92, 2.5), scenes.INK),
            ("line", (62, 30, 70, 92, 2.5), scenes.INK),
            ("line", (34, 30, 34, 62, 1), scenes.INK),
            ("line", (48, 30, 48, 62, 1), scenes.INK),
            ("rect", (31, 62, 51, 66), scenes.RED),
            ("polygon", (70, 40, 78, 40, 96, 88, 88, 88), scenes.YELLOW),
            ("rect", (66, 40, 78, 44), scenes.ORANGE),
        ],
    ),
    "树荫下的换书亭": (
        scenes.SKY,
        _outdoors(74)
        + _tree(78, 84)
        + [
            ("rect", (32, 56, 36, 92), scenes.DARK_WOOD),
            ("polygon", (14, 28, 34, 14, 54, 28), scenes.RED),
            ("rect", (17, 28, 51, 58), scenes.WOOD),
            ("rect", (20, 31, 48, 55), "#cfe6f7"),
            ("rect", (22, 38, 26, 46), scenes.RED),
            ("rect", (27, 36, 31, 46), scenes.BLUE),
            ("rect", (32, 39, 35, 46), scenes.YELLOW),
            ("rect", (36, 37, 40, 46), scenes.LEAF),
            ("rect", (21, 46, 47, 48), scenes.DARK_WOOD),
        ],
    ),
    # the build of the legal corner: before, during, after
    "杂物清理完毕,墙面已刷白。": (
        WALL,
        [
            *_void(),
            ("rect", (12, 14, 88, 78), scenes.WHITE),
            # a step ladder, a paint roller leaning on the wall, the tin of paint
            ("line", (20, FLOOR_Y, 30, 34, 2.5), scenes.STEEL),
            ("line", (40, FLOOR_Y, 30, 34, 2.5), scenes.STEEL),
            ("line", (23, 70, 37, 70, 2), scenes.STEEL),
            ("line", (26, 52, 34, 52, 2), scenes.STEEL),
            ("line", (56, FLOOR_Y, 64, 56, 2), scenes.DARK_WOOD),
            ("line", (64, 56, 64, 48, 1.5), scenes.INK),
            ("round", (56, 38, 74, 48, 3), "#c9ced4"),
            ("polygon", (70, 72, 84, 72, 82, FLOOR_Y, 72, FLOOR_Y), scenes.BLUE),
            ("ellipse", (70, 69, 84, 75), scenes.WHITE),
        ],
    ),
    "居民手绘的普法壁画完成,共六幅。": (
        WALL,
        _void()
        + [
            shape
            for i in range(6)
            for shape in _panel(
                15 + 24 * (i % 3),
                20 + 28 * (i // 3),
                37 + 24 * (i % 3),
                44 + 28 * (i // 3),
                _MURAL_SKIES[i],
                _MURALS[i],
            )
        ],
    ),
    "捐赠的桌椅书架已摆好,法治角开放,每月律师坐班。": (
        WALL,
        _void()
        + _lamp(62)
        + _shelf(15, 34, 36)
        + _chair(40)
        + _table(52, 80, 62)
        + _scales(66, 62)
        + _plant(86),
    ),
}


def picture(key: str) -> bytes | None:
    """The PNG of a demo proposal (by its title) or progress update (by its text), or
    ``None`` for one the demo drew no picture for."""
    found = PICTURES.get(key)
    if found is None:
        return None
    background, shapes = found
    return illustration(shapes, background=background, size=SIZE)
