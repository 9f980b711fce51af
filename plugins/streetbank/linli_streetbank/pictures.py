"""The demo's catalogue pictures: an icon-like illustration for each good or service of
the demo catalogue (scissors for a haircut, a key for the locksmith, a bowl of noodles
for a breakfast voucher…) on a tile in the colour of its category
(:func:`linli.kit.illustration`).

Illustrations, not photographs: no text, no people, the same bytes at every build. The
demo stores them the way an uploaded picture is stored.
"""

from __future__ import annotations

from linli.kit import illustration

Shape = tuple[str, tuple[float, ...], str]

INK = "#36454f"
#: Stands for the tile's own colour: holes and cut-outs.
TILE = "tile"
WHITE = "#fbfaf6"

#: The tile's colour by item category.
TILES = {
    "food": "#fde6cf",
    "household": "#dcecf7",
    "repair": "#e8e4f3",
    "health": "#fbe1e4",
    "learning": "#e1f1dc",
    "goods": "#fdf1c9",
}

MOTIFS: dict[str, list[Shape]] = {
    "scissors": [
        ("line", (30, 22, 62, 64, 5), "#8d99a6"),
        ("line", (70, 22, 38, 64, 5), "#aab4bf"),
        ("ellipse", (24, 60, 44, 80), "#d9412b"),
        ("ellipse", (30, 66, 38, 74), WHITE),
        ("ellipse", (56, 60, 76, 80), "#d9412b"),
        ("ellipse", (62, 66, 70, 74), WHITE),
    ],
    "eggs": [
        ("round", (16, 46, 84, 80, 6), "#c9a476"),
        ("ellipse", (20, 28, 40, 56), WHITE),
        ("ellipse", (40, 26, 60, 54), "#f3e2c7"),
        ("ellipse", (60, 28, 80, 56), WHITE),
    ],
    "sack": [
        ("polygon", (30, 30, 70, 30, 80, 82, 20, 82), "#e9d6b0"),
        ("rect", (34, 20, 66, 32), "#d6bd8d"),
        ("line", (32, 30, 68, 30, 3), "#a5823f"),
        ("ellipse", (40, 50, 60, 66), "#f6f1e4"),
    ],
    "bottle": [
        ("rect", (42, 14, 58, 24), "#d9412b"),
        ("round", (38, 22, 62, 34, 4), "#f2c94c"),
        ("round", (28, 30, 72, 86, 10), "#f2c94c"),
        ("round", (34, 48, 66, 70, 3), WHITE),
    ],
    "noodles": [
        ("chord", (14, 22, 86, 86, 0, 180), "#2f6fb0"),
        ("ellipse", (14, 42, 86, 62), "#e9b44c"),
        ("line", (22, 52, 78, 48, 2), "#c98a1c"),
        ("line", (24, 56, 76, 54, 2), "#c98a1c"),
        ("ellipse", (52, 44, 62, 50), "#4f9a3c"),
        ("line", (60, 16, 40, 48, 3), "#8a5a2b"),
        ("line", (70, 18, 48, 48, 3), "#8a5a2b"),
    ],
    "fruit": [
        ("ellipse", (18, 36, 56, 74), "#d9412b"),
        ("ellipse", (46, 40, 82, 76), "#f29a2e"),
        ("line", (37, 36, 40, 24, 3), "#6b4a2b"),
        ("ellipse", (40, 22, 52, 30), "#4f9a3c"),
    ],
    "greens": [
        ("ellipse", (20, 22, 52, 70), "#4f9a3c"),
        ("ellipse", (46, 20, 80, 66), "#7cb84f"),
        ("rect", (30, 62, 70, 82), WHITE),
        ("line", (36, 46, 40, 80, 3), "#2f6b2a"),
        ("line", (62, 42, 58, 80, 3), "#2f6b2a"),
    ],
    "shoe": [
        ("polygon", (16, 44, 40, 40, 60, 58, 84, 62, 84, 74, 16, 74), "#8a5a2b"),
        ("rect", (16, 72, 84, 80), INK),
        ("line", (38, 48, 46, 56, 2), WHITE),
    ],
    "key": [
        ("ellipse", (16, 30, 48, 62), "#e5b53a"),
        ("ellipse", (25, 39, 39, 53), TILE),
        ("rect", (46, 42, 84, 50), "#e5b53a"),
        ("rect", (70, 50, 76, 60), "#e5b53a"),
        ("rect", (60, 50, 66, 58), "#e5b53a"),
    ],
    "wrench": [
        ("line", (30, 70, 66, 34, 9), "#7d8b99"),
        ("ellipse", (58, 18, 84, 44), "#7d8b99"),
        ("polygon", (68, 20, 78, 20, 74, 32), TILE),
        ("ellipse", (20, 62, 38, 80), "#7d8b99"),
    ],
    "shirt": [
        (
            "polygon",
            (34, 20, 66, 20, 86, 36, 76, 48, 68, 42, 68, 82, 32, 82, 32, 42, 24, 48, 14, 36),
            "#5b8fd1",
        ),
        ("polygon", (42, 20, 58, 20, 50, 30), WHITE),
    ],
    "bucket": [
        ("polygon", (24, 40, 76, 40, 68, 82, 32, 82), "#3f9fb5"),
        ("chord", (28, 22, 72, 58, 180, 360), INK),
        ("chord", (31, 25, 69, 55, 180, 360), TILE),
        ("ellipse", (22, 36, 78, 46), "#63b9cc"),
        ("ellipse", (62, 28, 74, 38), WHITE),
    ],
    "bolt": [
        ("ellipse", (18, 18, 82, 82), "#4f9a3c"),
        ("polygon", (54, 22, 32, 54, 48, 54, 44, 78, 68, 44, 52, 44), "#f2c94c"),
    ],
    "camera": [
        ("round", (16, 32, 84, 76, 8), INK),
        ("rect", (30, 24, 48, 34), INK),
        ("ellipse", (36, 38, 64, 66), WHITE),
        ("ellipse", (42, 44, 58, 60), "#5b8fd1"),
        ("ellipse", (70, 38, 76, 44), "#f2c94c"),
    ],
    "glasses": [
        ("ellipse", (12, 38, 46, 66), INK),
        ("ellipse", (16, 42, 42, 62), "#cfe6f7"),
        ("ellipse", (54, 38, 88, 66), INK),
        ("ellipse", (58, 42, 84, 62), "#cfe6f7"),
        ("rect", (44, 46, 56, 50), INK),
    ],
    "pills": [
        ("round", (20, 26, 80, 78, 8), WHITE),
        ("rect", (44, 36, 56, 68), "#d9412b"),
        ("rect", (34, 46, 66, 58), "#d9412b"),
    ],
    "heart": [
        ("ellipse", (18, 24, 52, 56), "#e0475b"),
        ("ellipse", (48, 24, 82, 56), "#e0475b"),
        ("polygon", (20, 46, 80, 46, 50, 80), "#e0475b"),
        ("line", (26, 48, 40, 48, 3), WHITE),
        (
            "polygon",
            (40, 48, 46, 36, 52, 60, 58, 48, 60, 48, 58, 50, 52, 64, 46, 42, 42, 50),
            WHITE,
        ),
        ("line", (58, 48, 74, 48, 3), WHITE),
    ],
    "cross": [
        ("ellipse", (16, 16, 84, 84), WHITE),
        ("rect", (42, 26, 58, 74), "#d9412b"),
        ("rect", (26, 42, 74, 58), "#d9412b"),
    ],
    "flame": [
        ("round", (34, 36, 66, 84, 10), "#d9412b"),
        ("rect", (44, 22, 56, 38), INK),
        ("line", (56, 26, 74, 20, 4), INK),
        ("round", (40, 52, 60, 66, 3), WHITE),
    ],
    "book": [
        ("polygon", (14, 28, 50, 34, 50, 80, 14, 74), "#3f7fc0"),
        ("polygon", (86, 28, 50, 34, 50, 80, 86, 74), "#5b9ad6"),
        ("polygon", (18, 30, 48, 36, 48, 76, 18, 70), WHITE),
        ("polygon", (82, 30, 52, 36, 52, 76, 82, 70), WHITE),
        ("line", (24, 44, 42, 47, 2), "#b8c2cc"),
        ("line", (58, 47, 76, 44, 2), "#b8c2cc"),
        ("line", (24, 54, 42, 57, 2), "#b8c2cc"),
        ("line", (58, 57, 76, 54, 2), "#b8c2cc"),
    ],
    "brush": [
        ("rect", (20, 40, 80, 78), "#d9412b"),
        ("line", (70, 14, 44, 52, 5), "#8a5a2b"),
        ("polygon", (44, 50, 38, 62, 48, 56), INK),
        ("ellipse", (42, 52, 58, 68), "#f2c94c"),
    ],
    "ticket": [
        ("round", (14, 30, 86, 70, 6), "#e0475b"),
        ("ellipse", (8, 42, 20, 58), TILE),
        ("ellipse", (80, 42, 92, 58), TILE),
        ("line", (62, 34, 62, 66, 2), WHITE),
        ("ellipse", (30, 42, 46, 58), "#f2c94c"),
    ],
    "phone": [
        ("round", (32, 14, 68, 86, 8), INK),
        ("rect", (36, 22, 64, 74), "#cfe6f7"),
        ("ellipse", (46, 77, 54, 83), WHITE),
        ("ellipse", (42, 34, 58, 50), "#4f9a3c"),
    ],
    "bag": [
        ("chord", (34, 16, 66, 48, 180, 360), "#4f9a3c"),
        ("chord", (38, 20, 62, 44, 180, 360), TILE),
        ("round", (22, 32, 78, 84, 6), "#4f9a3c"),
        ("ellipse", (42, 48, 58, 64), "#a6d38a"),
    ],
    "umbrella": [
        ("chord", (12, 20, 88, 80, 180, 360), "#5b8fd1"),
        ("line", (50, 50, 50, 78, 3), INK),
        ("chord", (42, 70, 58, 86, 0, 180), INK),
        ("chord", (45, 70, 55, 82, 0, 180), TILE),
    ],
    "cup": [
        ("round", (30, 24, 70, 84, 8), "#3f9fb5"),
        ("rect", (30, 20, 70, 32), INK),
        ("rect", (36, 46, 64, 52), WHITE),
    ],
    "torch": [
        ("polygon", (20, 56, 64, 30, 72, 44, 28, 70), INK),
        ("polygon", (62, 24, 80, 14, 88, 40, 72, 48), "#7d8b99"),
        ("polygon", (80, 16, 96, 8, 96, 44, 88, 38), "#f2c94c"),
    ],
    "gift": [
        ("rect", (20, 38, 80, 84), "#d9412b"),
        ("rect", (16, 30, 84, 42), "#e0475b"),
        ("rect", (45, 30, 55, 84), "#f2c94c"),
        ("ellipse", (34, 20, 50, 34), "#f2c94c"),
        ("ellipse", (50, 20, 66, 34), "#f2c94c"),
    ],
    "tissues": [
        ("round", (16, 40, 84, 80, 6), "#f29ab0"),
        ("ellipse", (36, 36, 64, 48), INK),
        ("polygon", (40, 42, 50, 22, 60, 42), WHITE),
    ],
}

#: The demo's items by their Chinese title: which motif draws them.
ITEMS = {
    "理发一次": "scissors", "老人上门理发": "scissors", "剪纸体验课": "scissors",
    "鲜鸡蛋一盒": "eggs", "大米5斤": "sack", "挂面一箱": "sack", "食用油一瓶": "bottle",
    "洗衣液一瓶": "bottle", "热干面早餐券": "noodles", "豆皮早餐券": "noodles",
    "面馆午餐券": "noodles", "爱心午餐": "noodles", "绿豆汤券": "noodles",
    "汤圆一袋": "noodles", "水果一袋": "fruit", "蔬菜礼包": "greens", "修鞋一次": "shoe",
    "配钥匙一把": "key", "上门换锁芯": "key", "家电检修一次": "wrench",
    "修改衣服一件": "shirt", "洗衣一件": "shirt", "被子清洗一床": "shirt",
    "家政保洁一小时": "bucket", "电动车充电10次": "bolt", "证件照一套": "camera",
    "照片冲印10张": "camera", "验光配镜优惠": "glasses", "老花镜一副": "glasses",
    "常用药品小包": "pills", "测血压血糖": "heart", "中医推拿一次": "heart",
    "老人健康体检": "heart", "儿童保健咨询": "heart", "孕产妇课程": "heart",
    "心理咨询一次": "heart", "急救培训课": "cross", "消防安全体验": "flame",
    "法律咨询一次": "book", "借书卡办理": "book", "图书一本": "book",
    "老年大学课程": "book", "少儿课后托管一周": "book", "作业辅导一次": "book",
    "书法课一期": "brush", "春联福字一套": "brush", "文化馆演出票": "ticket",
    "便利店代金券": "ticket", "智能手机教学": "phone", "环保购物袋": "bag",
    "抽纸一提": "tissues", "雨伞一把": "umbrella", "保温杯": "cup", "手电筒": "torch",
    "粽子礼盒": "gift", "月饼礼盒": "gift",
}  # fmt: skip
#: An item the demo does not know is drawn by its category.
BY_CATEGORY = {
    "food": "noodles",
    "household": "bucket",
    "repair": "wrench",
    "health": "heart",
    "learning": "book",
    "goods": "bag",
}


def item_picture(title: str, category: str) -> bytes:
    """The PNG of a demo catalogue item, by its title or else its category."""
    motif = ITEMS.get(title) or BY_CATEGORY.get(category, "bag")
    tile = TILES.get(category, TILES["goods"])
    shapes = [
        (kind, numbers, tile if colour == TILE else colour)
        for kind, numbers, colour in MOTIFS[motif]
    ]
    return illustration(shapes, background=tile)
