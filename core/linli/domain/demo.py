"""The demo community's register, built from the figures of the Jianghanli case.

``linli demo`` calls :func:`build_demo_register` right after creating the community, so
that the demo looks like the real thing: three estates with twenty buildings (building
10 among them, where residents designed the legal corner), about 2,000 households and
5,000 residents, of whom about 42% are elderly (60+) or children (under 14) and about
80% were relocated (拆迁安置); the party organisation from the community committee down
to the party-member lead households; the property company; the partner units and
merchants of the 10-minute health circle and the life-services circle; and one demo
account for each built-in role, including the cross-appointment (交叉任职) of the case.

Everything is drawn from ``random.Random(2020)``, so two builds give the same register
(birth dates count back from the day of the build, so that ages stay right). The bulk of
the rows are written with ``bulk_create``: SQLite builds it in a few seconds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from linli.domain.communities import CommunityError, community_root, ensure_node_kinds
from linli.domain.hierarchy.models import Node, NodeKind
from linli.domain.identity.models import Account, Household, Membership, Person, PersonTag
from linli.domain.identity.passwords import hash_password
from linli.domain.permissions.models import Grant, Role
from linli.domain.permissions.services import builtin_roles, ensure_roles, grant
from linli.kernel.models import Community
from linli.kernel.registry import PluginRegistry

SEED = 2020
DEMO_PASSWORD = "linli-demo"
HOUSEHOLDS = 2000
BATCH = 500

#: Where the community lies (Hanxing subdistrict, Jianghan district, Wuhan).
CENTRE = (30.5836, 114.2702)
METRES_PER_DEGREE_LAT = 111_320.0
METRES_PER_DEGREE_LON = 95_850.0  # at 30.58°N

RELOCATED = "拆迁安置"
ALONE = "独居"
HIGH_AGE = "高龄"
DISABLED = "残疾"
LOW_INCOME = "低保"
LEFT_BEHIND = "留守儿童"
PARTY_MEMBER = "党员"

#: (number, estate index, entrances, floors). Estate 一期 has the older mid-rise blocks,
#: 二期 and 三期 the towers; building 10 is in 二期.
ESTATES = [
    ("江汉里一期", "Jianghanli Phase I"),
    ("江汉里二期", "Jianghanli Phase II"),
    ("江汉里三期", "Jianghanli Phase III"),
]
BUILDINGS = [
    (1, 0, 4, 11), (2, 0, 4, 11), (3, 0, 4, 11), (4, 0, 2, 18), (5, 0, 2, 18),
    (6, 0, 2, 18), (7, 0, 4, 11), (8, 1, 2, 30), (9, 1, 2, 30), (10, 1, 2, 30),
    (11, 1, 2, 30), (12, 1, 3, 18), (13, 1, 2, 30), (14, 1, 2, 26), (15, 2, 2, 33),
    (16, 2, 2, 33), (17, 2, 2, 33), (18, 2, 2, 30), (19, 2, 3, 18), (20, 2, 2, 30),
]  # fmt: skip
FLATS_PER_FLOOR = 2  # per entrance
LEAD_HOUSEHOLDS_PER_BUILDING = 3

#: The property company and its service teams (物业服务组).
PROPERTY_COMPANY = ("江汉里物业服务中心", "Jianghanli Property Services")
PROPERTY_TEAMS = [
    ("客服组", "Customer service", "service"),
    ("工程维修组", "Repairs and maintenance", "repairs"),
    ("环境保洁组", "Cleaning and green spaces", "cleaning"),
    ("秩序维护组", "Order and safety", "safety"),
]
#: Places the case names: (name, English, code, parent code, metres north, east). The
#: canteen delivers within 1.5 km of its door; residents designed building 10's legal
#: corner on its ground floor (架空层).
FACILITIES = [
    ("党群服务中心", "Party and community service centre", "facility-service-centre",
     "@root", 20, 10),
    ("幸福食堂", "Happiness canteen", "facility-canteen", "@root", -40, 60),
    ("10栋法治架空层", "Building 10 legal corner", "facility-legal-corner", "10", 150, 90),
]  # fmt: skip
#: Partner units (专业支持圈): the 10-minute health circle first. (name, English, code,
#: metres north, metres east of the centre).
PARTNER_NETWORK = ("三圈资源池", "Three circles resource pool")
PARTNER_UNITS = [
    ("江汉区妇幼保健院", "Jianghan District Maternal and Child Health Hospital",
     "health-maternal", 620, -540),
    ("吉年颐养中心", "Jinian Elderly Care Centre", "health-elderly-care", -260, 310),
    ("健民叶开泰大药房", "Jianmin Yekaitai Pharmacy", "health-pharmacy", 180, 240),
    ("汉兴街社区卫生服务中心", "Hanxing Community Health Service Centre",
     "health-clinic", -480, -380),
    ("江汉里警务室", "Jianghanli Police Office", "police", 40, -90),
    ("江汉区法律援助中心", "Jianghan District Legal Aid Centre", "legal-aid", 850, 420),
]  # fmt: skip
#: Merchants (生活服务圈).
MERCHANTS = [
    ("老街坊理发店", "Old Neighbours Barber", "barber", 120, -160),
    ("邻里便利店", "Neighbours Convenience Store", "convenience", -60, 200),
    ("江汉里早餐铺", "Jianghanli Breakfast Stall", "breakfast", 210, 60),
    ("惠民水果店", "Huimin Fruit Shop", "fruit", -150, -220),
    ("兴旺粮油店", "Xingwang Grain and Oil", "grain", 300, -300),
    ("巧手家电维修", "Handy Appliance Repairs", "repairs", -320, 120),
    ("爱心裁缝铺", "Caring Tailor", "tailor", 90, 380),
    ("汉兴菜场", "Hanxing Market", "market", -420, -60),
]  # fmt: skip

# Names: surnames weighted roughly as in Hubei; given names by generation and gender.
SURNAMES = (
    "王" * 9 + "李" * 8 + "张" * 8 + "刘" * 7 + "陈" * 7 + "杨" * 4 + "黄" * 4 + "胡" * 4
    + "周" * 3 + "吴" * 3 + "徐" * 3 + "熊" * 3 + "彭" * 2 + "余" * 2 + "赵" * 2 + "孙" * 2
    + "朱" * 2 + "郭" * 2 + "何" * 2 + "高" * 2 + "罗" * 2 + "万" * 2 + "汪" * 2 + "程" * 2
    + "马林郑梁谢宋唐许韩冯邓曹曾肖田董袁潘蒋蔡杜叶苏魏吕丁任沈姚卢姜崔钟谭陆范金石廖"
    "夏付方邹孟秦邱江尹薛段雷侯龙陶黎贺顾毛龚邵严覃戴向汤柯喻舒涂"
)  # fmt: skip


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


#: Given names (male, female) by the decade people were born in.
GIVEN = {
    # born before 1956
    "old": (
        _words("建国 国华 德明 志刚 国强 振华 长生 福林 光明 永祥 树林 文斌 家和 汉生 宝山 国庆"),
        _words("秀英 桂英 淑珍 玉兰 秀兰 凤英 桂兰 翠华 金凤 素芳 月娥 美兰 玉珍 慧芳 爱华 春兰"),
    ),
    # 1956-1975
    "senior": (
        _words("建华 卫东 红军 志强 建军 向东 勇 军 斌 平 刚 伟 国平 汉林 少华 跃进 新华"),
        _words("红 丽 霞 芳 萍 燕 红梅 建萍 丽萍 春燕 秋菊 晓红 卫红 小平 爱萍 玲 凤 汉珍"),
    ),
    # 1976-1995
    "adult": (
        _words("磊 涛 鹏 超 强 杰 浩 俊 亮 波 晓东 志鹏 俊杰 文涛 海涛 建波 凯 飞 伟 斌"),
        _words("静 敏 婷 娟 丹 艳 倩 雪 琳 晶 晓燕 丽娟 婷婷 佳 慧 颖 莉 蓉"),
    ),
    # 1996-2010
    "young": (
        _words("浩然 子豪 宇航 俊熙 梓豪 思远 晨阳 博文 嘉豪 天佑 子健 一鸣 家乐 明轩"),
        _words("欣怡 子涵 雨桐 诗涵 梦琪 佳怡 雨欣 思琪 心怡 语嫣 可欣 嘉怡 紫萱 雅琪"),
    ),
    # 2011 and later
    "child": (
        _words("梓轩 奕辰 沐阳 宇轩 浩宇 子墨 一诺 睿泽 宸睿 梓睿 煜祺 皓轩 俊宇 锦程"),
        _words("梓萱 若汐 一诺 可馨 芊芊 语桐 梓涵 诗琪 欣妍 雨萱 依诺 悦彤 安然 沐晴"),
    ),
}
#: Wuhan's district codes: where the ID cards were issued (mostly Jianghan).
REGIONS = [
    ("420103", 70), ("420102", 6), ("420104", 6), ("420105", 3), ("420106", 4),
    ("420107", 2), ("420111", 3), ("420112", 1), ("420114", 1), ("420115", 1),
    ("420116", 2), ("420117", 1),
]  # fmt: skip
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
PHONE_PREFIXES = _words(
    "130 131 132 133 135 136 137 138 139 150 151 152 155 156 157 158 159 "
    "166 173 176 177 180 181 182 186 187 188 189 191 199"
)

#: Kinds of household and how often each occurs. Tuned so that ~42% of residents are
#: 60+ or under 14, at ~2.5 people per household, as in the case.
COMPOSITIONS = [
    ("alone_elder", 10),
    ("elder_couple", 14),
    ("three_generations", 9),
    ("young_family", 20),
    ("middle_family", 16),
    ("single_or_couple", 19),
    ("left_behind", 4),
    ("with_old_parent", 8),
]

#: Generations by year of birth, for given names.
GENERATIONS = ((1956, "old"), (1976, "senior"), (1996, "adult"), (2011, "young"), (9999, "child"))
#: Who has a phone, by age: no child under 14, and many of the very old have none.
PHONE_CHANCE = ((14, 0.0), (18, 0.5), (70, 0.97), (80, 0.6), (999, 0.25))
#: Party members among residents, by age (retired members are many in old lanes).
PARTY_RATE = ((18, 0.0), (35, 0.05), (60, 0.09), (999, 0.14))


def _step(value: int, table: tuple[tuple[int, Any], ...]) -> Any:
    """The entry of ``table`` for ``value``: the first whose bound exceeds it."""
    return next(entry for bound, entry in table if value < bound)


def id_check_digit(first17: str) -> str:
    """The last character of an 18-digit resident ID (GB 11643-1999, ISO 7064 MOD 11-2)."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@dataclass
class Member:
    relation: str
    gender: str  # 男 / 女
    age: int
    surname: str
    tags: set[str] = field(default_factory=set)
    name: str = ""
    birth_date: date | None = None
    id_number: str = ""
    phone: str = ""


@dataclass
class PlannedHousehold:
    code: str  # also the flat's node code: "10-2-1503"
    building: int
    estate: int
    entrance_code: str
    flat: str  # "1503室"
    latitude: float
    longitude: float
    move_in: date
    members: list[Member]

    @property
    def label(self) -> str:
        number, entrance, _ = self.code.split("-")
        return f"{number}栋{entrance}单元{self.flat}"


@dataclass(frozen=True)
class DemoGrant:
    """One role a demo account holds, where, and until when."""

    role_key: str
    role: str
    role_en: str
    node: str
    node_en: str
    ends_at: datetime | None = None
    #: what the role allows, for "what to try" (the services it opens tools of)
    permissions: tuple[str, ...] = ()

    def role_in(self, language: str) -> str:
        return self.role_en if language == "en" and self.role_en else self.role

    def node_in(self, language: str) -> str:
        return self.node_en if language == "en" and self.node_en else self.node


@dataclass(frozen=True)
class DemoAccount:
    """A demo login, for the community's home page and the lines ``linli demo`` prints."""

    username: str  # the built-in role it shows
    grants: tuple[DemoGrant, ...]
    person: str = ""  # the resident it belongs to; staff who live elsewhere have none
    password: str = DEMO_PASSWORD

    def services(self) -> set[str]:
        """The plugins whose tools the account's roles open (a permission of the plugin
        beyond what every member has): where to look when logged in as it."""
        return {p.split(".", 1)[0] for g in self.grants for p in g.permissions if "." in p}

    def line(self) -> str:
        held = "; ".join(
            f"{g.role_key} @ {g.node}" + (f" (until {g.ends_at:%Y-%m-%d})" if g.ends_at else "")
            for g in self.grants
        )
        who = f" ({self.person})" if self.person else ""
        return f"{self.username} / {self.password}{who}: {held}"


def _offset(north: float, east: float) -> tuple[float, float]:
    lat, lon = CENTRE
    return (
        round(lat + north / METRES_PER_DEGREE_LAT, 6),
        round(lon + east / METRES_PER_DEGREE_LON, 6),
    )


def _building_position(number: int, estate: int) -> tuple[float, float]:
    """Estates side by side west to east, buildings in rows of three or four."""
    in_estate = [b for b, e, _, _ in BUILDINGS if e == estate].index(number)
    row, column = divmod(in_estate, 3)
    east = (estate - 1) * 330 + (column - 1) * 90
    north = 150 - row * 85
    return _offset(north, east)


class _Planner:
    """Draws the register from one random generator, in a fixed order."""

    def __init__(self, today: date) -> None:
        self.rng = random.Random(SEED)
        self.today = today
        self.id_numbers: set[str] = set()
        self.phones: set[str] = set()

    # people
    def given_name(self, gender: str, age: int) -> str:
        generation = _step(self.today.year - age, GENERATIONS)
        male, female = GIVEN[generation]
        return self.rng.choice(male if gender == "男" else female)

    def surname(self) -> str:
        return self.rng.choice(SURNAMES)

    def birth_date(self, age: int) -> date:
        """A birth date at which the person is exactly ``age`` today."""
        year = self.today.year - age
        try:
            anniversary = self.today.replace(year=year)
        except ValueError:  # 29 February
            anniversary = self.today.replace(year=year, day=28)
        return anniversary - timedelta(days=self.rng.randint(0, 363))

    def id_number(self, birth: date, gender: str) -> str:
        regions, weights = zip(*REGIONS, strict=True)
        while True:
            region = self.rng.choices(regions, weights)[0]
            odd = gender == "男"
            last = self.rng.choice("13579" if odd else "02468")
            order = f"{self.rng.randint(0, 99):02d}{last}"
            first17 = f"{region}{birth:%Y%m%d}{order}"
            number = first17 + id_check_digit(first17)
            if order != "000" and number not in self.id_numbers:
                self.id_numbers.add(number)
                return number

    def phone(self, age: int) -> str:
        chance = _step(age, PHONE_CHANCE)
        if self.rng.random() >= chance:
            return ""
        while True:
            number = self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randint(0, 99_999_999):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def members(self) -> tuple[str, list[Member]]:
        rng = self.rng
        kinds, weights = zip(*COMPOSITIONS, strict=True)
        kind = rng.choices(kinds, weights)[0]
        family = self.surname()

        def person(relation: str, gender: str, age: int, surname: str = family) -> Member:
            return Member(relation, gender, max(age, 0), surname)

        def spouse_of(head: Member, relation: str = "配偶") -> Member:
            gender = "女" if head.gender == "男" else "男"
            gap = rng.randint(0, 5)
            age = head.age - gap if gender == "女" else head.age + gap
            return person(relation, gender, age, self.surname())

        def child(parent_age: int, relation: str, low: int = 0, high: int = 13) -> Member:
            high = min(high, parent_age - 22)
            return person(relation, rng.choice("男女"), rng.randint(low, max(low, high)))

        if kind == "alone_elder":
            gender = "女" if rng.random() < 0.65 else "男"  # women live longer
            return kind, [person("本人", gender, rng.randint(65, 94))]
        if kind == "elder_couple":
            head = person("本人", "男", rng.randint(62, 88))
            return kind, [head, spouse_of(head)]
        if kind == "three_generations":
            head = person("本人", "男" if rng.random() < 0.8 else "女", rng.randint(60, 82))
            people = [head]
            if rng.random() < 0.75:
                people.append(spouse_of(head))
            son = rng.random() < 0.7
            middle = person(
                "子女", "男" if son else "女", rng.randint(max(28, head.age - 34), head.age - 24)
            )
            people.append(middle)
            father = middle.surname if son else family
            if len(people) < 3 or rng.random() < 0.85:
                in_law = spouse_of(middle, "儿媳" if son else "女婿")
                people.append(in_law)
                father = middle.surname if son else in_law.surname
            for _ in range(1 if len(people) >= 4 or rng.random() < 0.6 else 2):
                grandchild = child(middle.age, "孙子女")
                grandchild.surname = father  # children carry their father's surname
                people.append(grandchild)
            return kind, people
        if kind == "young_family":
            head = person("本人", "男" if rng.random() < 0.9 else "女", rng.randint(29, 46))
            people = [head]
            if head.gender == "男" or rng.random() < 0.3:
                people.append(spouse_of(head))
            for _ in range(1 if rng.random() < 0.7 else 2):
                people.append(child(head.age, "子女", 0, 17))
            return kind, people
        if kind == "middle_family":
            head = person("本人", "男", rng.randint(46, 59))
            people = [head, spouse_of(head)]
            if rng.random() < 0.65:
                people.append(child(head.age, "子女", 18, 32))
            return kind, people
        if kind == "single_or_couple":
            head = person("本人", rng.choice("男女"), rng.randint(22, 44))
            return kind, [head] if rng.random() < 0.45 else [head, spouse_of(head)]
        if kind == "left_behind":
            head = person("本人", "男" if rng.random() < 0.6 else "女", rng.randint(56, 76))
            people = [head]
            if rng.random() < 0.7:
                people.append(spouse_of(head))
            for _ in range(1 if rng.random() < 0.6 else 2):
                grandchild = child(head.age - 26, "孙子女", 3, 15)
                grandchild.tags.add(LEFT_BEHIND)
                people.append(grandchild)
            return kind, people
        # with_old_parent: a middle-aged couple caring for a very old parent
        head = person("本人", "男" if rng.random() < 0.7 else "女", rng.randint(48, 64))
        people = [head, spouse_of(head)]
        parent = person("父母", rng.choice("男女"), rng.randint(max(78, head.age + 20), 97))
        people.append(parent)
        return kind, people

    def complete(self, member: Member) -> None:
        member.name = member.surname + self.given_name(member.gender, member.age)
        member.birth_date = self.birth_date(member.age)
        member.id_number = self.id_number(member.birth_date, member.gender)
        member.phone = self.phone(member.age)
        if member.age >= 80:
            member.tags.add(HIGH_AGE)
        if self.rng.random() < (0.06 if member.age >= 60 else 0.015):
            member.tags.add(DISABLED)
        party_rate = _step(member.age, PARTY_RATE)
        if self.rng.random() < party_rate:
            member.tags.add(PARTY_MEMBER)

    # places
    def flats(self) -> list[tuple[int, int, int, int, int]]:
        """Every flat: (building, estate, entrance, floor, flat on the floor)."""
        return [
            (number, estate, entrance, floor, flat)
            for number, estate, entrances, floors in BUILDINGS
            for entrance in range(1, entrances + 1)
            for floor in range(1, floors + 1)
            for flat in range(1, FLATS_PER_FLOOR + 1)
        ]

    def households(self) -> list[PlannedHousehold]:
        rng = self.rng
        flats = self.flats()
        occupied = sorted(rng.sample(range(len(flats)), HOUSEHOLDS))
        planned = []
        for index in occupied:
            number, estate, entrance, floor, flat = flats[index]
            lat, lon = _building_position(number, estate)
            kind, members = self.members()
            for member in members:
                self.complete(member)
            if kind == "alone_elder":
                members[0].tags.add(ALONE)
            move_in = date(2020, rng.randint(6, 12), rng.randint(1, 28))
            planned.append(
                PlannedHousehold(
                    code=f"{number}-{entrance}-{floor}{flat:02d}",
                    building=number,
                    estate=estate,
                    entrance_code=f"{number}-{entrance}",
                    flat=f"{floor}{flat:02d}室",
                    latitude=round(lat + (entrance - 1) * 0.00008, 6),
                    longitude=round(lon + (flat - 1) * 0.00004, 6),
                    move_in=move_in,
                    members=members,
                )
            )
        # 80% of residents were relocated from the old lanes (拆迁安置): whole households,
        # taken in random order until the share is reached. 3% of households get 低保.
        people = sum(len(h.members) for h in planned)
        relocated = 0
        for household in rng.sample(planned, len(planned)):
            if relocated >= 0.8 * people:
                household.move_in = date(
                    rng.randint(2021, max(2021, self.today.year - 1)),
                    rng.randint(1, 12),
                    rng.randint(1, 28),
                )
                continue
            relocated += len(household.members)
            for member in household.members:
                member.tags.add(RELOCATED)
        for household in planned:
            if rng.random() < 0.03:
                for member in household.members:
                    member.tags.add(LOW_INCOME)
        return planned


@dataclass
class _NodeSpec:
    code: str
    kind: str
    name: str
    name_en: str = ""
    parent: str | None = None  # code of the parent, None for a root
    covers: int | str | None = None  # id of an existing node, or code of a planned one
    latitude: float | None = None
    longitude: float | None = None


class _Trees:
    """Creates nodes level by level: one ``bulk_create`` per level, then one UPDATE
    that sets every new node's materialised path from its parent's."""

    def __init__(self, connection: BaseDBAsyncClient, community: Community, root: Node) -> None:
        self.connection = connection
        self.community = community
        self.root_code = "@root"  # the community's own place node, whatever its code
        self.ids: dict[str, int] = {self.root_code: root.id}
        self.depths: dict[str, int] = {self.root_code: root.depth}
        self.kinds: dict[str, NodeKind] = {}

    async def load_kinds(self) -> None:
        self.kinds = {kind.key: kind for kind in await NodeKind.all()}

    def _id(self, ref: int | str | None) -> int | None:
        if ref is None or isinstance(ref, int):
            return ref
        return self.ids[ref]

    async def add_level(self, specs: list[_NodeSpec]) -> None:
        rows = []
        for spec in specs:
            kind = self.kinds[spec.kind]
            depth = 0 if spec.parent is None else self.depths[spec.parent] + 1
            self.depths[spec.code] = depth
            rows.append(
                Node(
                    community_id=self.community.id,
                    tree=kind.tree,
                    kind_id=kind.id,
                    parent_id=self._id(spec.parent),
                    path="",
                    depth=depth,
                    name=spec.name,
                    name_en=spec.name_en,
                    code=spec.code,
                    covers_id=self._id(spec.covers),
                    latitude=spec.latitude,
                    longitude=spec.longitude,
                )
            )
        await Node.bulk_create(rows, batch_size=BATCH)
        new = await Node.filter(community_id=self.community.id, path="").values_list("id", "code")
        self.ids.update({code: node_id for node_id, code in new})
        # The path is the parent's path plus the node's own id (see Node): one statement.
        await self.connection.execute_query(
            "UPDATE core_node SET path = COALESCE("
            "(SELECT parent.path FROM core_node AS parent WHERE parent.id = core_node.parent_id),"
            " '/') || CAST(id AS VARCHAR(20)) || '/'"
            f" WHERE community_id = {int(self.community.id)} AND path = ''"
        )


def _place_specs(root_code: str, planned: list[PlannedHousehold]) -> list[list[_NodeSpec]]:
    estates = [
        _NodeSpec(f"estate-{i + 1}", "estate", name, name_en, root_code)
        for i, (name, name_en) in enumerate(ESTATES)
    ]
    buildings, entrances = [], []
    for number, estate, count, _ in BUILDINGS:
        lat, lon = _building_position(number, estate)
        buildings.append(
            _NodeSpec(
                str(number),
                "building",
                f"{number}栋",
                f"Building {number}",
                f"estate-{estate + 1}",
                latitude=lat,
                longitude=lon,
            )
        )
        for entrance in range(1, count + 1):
            entrances.append(
                _NodeSpec(
                    f"{number}-{entrance}",
                    "entrance",
                    f"{entrance}单元",
                    f"Entrance {entrance}",
                    str(number),
                    latitude=round(lat + (entrance - 1) * 0.00008, 6),
                    longitude=lon,
                )
            )
    flats = [
        _NodeSpec(
            h.code,
            "household",
            h.flat,
            h.flat.replace("室", ""),
            h.entrance_code,
            latitude=h.latitude,
            longitude=h.longitude,
        )
        for h in planned
    ]
    facilities = [
        _NodeSpec(code, "facility", name, name_en, parent, None, *_offset(north, east))
        for name, name_en, code, parent, north, east in FACILITIES
    ]
    return [estates + facilities[:2], buildings, entrances + facilities[2:], flats]


def _lead_households(
    rng: random.Random, planned: list[PlannedHousehold]
) -> dict[int, list[PlannedHousehold]]:
    """Per building, a few households with a party member, preferring retired members."""
    chosen: dict[int, list[PlannedHousehold]] = {}
    for number, *_ in BUILDINGS:
        candidates = [
            h
            for h in planned
            if h.building == number and any(PARTY_MEMBER in m.tags for m in h.members)
        ]
        candidates.sort(
            key=lambda h: -(max(m.age for m in h.members if PARTY_MEMBER in m.tags) // 10)
        )
        pool = candidates[: LEAD_HOUSEHOLDS_PER_BUILDING * 3]
        chosen[number] = sorted(
            rng.sample(pool, min(LEAD_HOUSEHOLDS_PER_BUILDING, len(pool))), key=lambda h: h.code
        )
    return chosen


def _organisation_specs(
    root: Node, leads: dict[int, list[PlannedHousehold]]
) -> list[list[_NodeSpec]]:
    committee = _NodeSpec(
        "party", "party_committee", "江汉里社区党委", "Jianghanli party committee", covers=root.id
    )
    branches = [
        _NodeSpec(
            f"party-{i + 1}",
            "party_branch",
            f"{name}党支部",
            f"{name_en} party branch",
            "party",
            covers=f"estate-{i + 1}",
        )
        for i, (name, name_en) in enumerate(ESTATES)
    ]
    groups = [
        _NodeSpec(
            f"party-b{number}",
            "party_group",
            f"{number}栋党小组",
            f"Building {number} party group",
            f"party-{estate + 1}",
            covers=str(number),
        )
        for number, estate, _, _ in BUILDINGS
    ]
    lead_specs = []
    for number, households in leads.items():
        for household in households:
            member = next(m for m in household.members if PARTY_MEMBER in m.tags)
            lead_specs.append(
                _NodeSpec(
                    f"party-h{household.code}",
                    "party_lead_household",
                    f"{household.label}（{member.name}）",
                    f"Lead household {household.code}",
                    f"party-b{number}",
                    covers=household.code,
                )
            )
    company = _NodeSpec("property", "property_company", *PROPERTY_COMPANY, covers=root.id)
    teams = [
        _NodeSpec(f"property-{code}", "property_team", name, name_en, "property", covers=root.id)
        for name, name_en, code in PROPERTY_TEAMS
    ]
    network = _NodeSpec("partners", "partner_network", *PARTNER_NETWORK)
    partners = [
        _NodeSpec(f"partner-{code}", "partner_unit", name, name_en, "partners", None,
                  *_offset(north, east))
        for name, name_en, code, north, east in PARTNER_UNITS
    ] + [
        _NodeSpec(f"merchant-{code}", "merchant", name, name_en, "partners", None,
                  *_offset(north, east))
        for name, name_en, code, north, east in MERCHANTS
    ]  # fmt: skip
    return [[committee, company, network], branches + teams + partners, groups, lead_specs]


#: The demo accounts: a username (the built-in role it shows) and its grants as (role
#: key, node code). "@root" is the community's own place node.
DEMO_GRANTS: list[tuple[str, list[tuple[str, str]]]] = [
    ("resident", [("resident", "@root")]),
    ("volunteer", [("volunteer", "@root")]),
    ("community_worker", [("community_worker", "@root")]),
    # A grid (网格) of three buildings in 二期.
    ("grid_worker", [("grid_worker", "9"), ("grid_worker", "10"), ("grid_worker", "11")]),
    # Member of the building 10 party group, and in charge of matters at building 10
    # ("small matters: the building group"): a grant in each tree.
    ("party_group_leader", [("party_group_leader", "party-b10"), ("party_group_leader", "10")]),
    ("branch_secretary", [("branch_secretary", "party-2"), ("branch_secretary", "estate-2")]),
    # 交叉任职: the community party secretary is also the property company's
    # service-quality director.
    (
        "committee_secretary",
        [
            ("committee_secretary", "party"),
            ("committee_secretary", "@root"),
            ("property_staff", "property"),
        ],
    ),
    # ... and a property-company party member is a part-time deputy secretary of the
    # community party committee, for a term (the grant ends).
    ("property_staff", [("property_staff", "property"), ("branch_secretary", "party")]),
    ("merchant_operator", [("merchant_operator", "merchant-barber")]),
    (
        "administrator",
        [
            ("administrator", "@root"),
            ("administrator", "party"),
            ("administrator", "property"),
            ("administrator", "partners"),
        ],
    ),
]
DEMO_USERNAMES = tuple(username for username, _ in DEMO_GRANTS)
#: The home page lists at most this many demo accounts.
MAX_DEMO_ACCOUNTS = 40
TERM_ENDS = {("property_staff", "branch_secretary")}


def _demo_residents(
    planned: list[PlannedHousehold], leads: dict[int, list[PlannedHousehold]]
) -> dict[str, Member]:
    """The residents behind the resident, volunteer and party accounts. The building 10
    party group leader lives in one of the building's lead households."""
    everyone = [(h, m) for h in planned for m in h.members]
    leader_home = leads[10][0]
    return {
        "resident": next(
            m
            for h, m in everyone
            if h.building == 10 and m.relation == "本人" and 35 <= m.age <= 55 and m.phone
        ),
        "volunteer": next(
            m for h, m in everyone if h.building == 3 and 56 <= m.age <= 66 and m.phone
        ),
        "party_group_leader": next(m for m in leader_home.members if PARTY_MEMBER in m.tags),
        "branch_secretary": next(
            m
            for h, m in everyone
            if h.estate == 1 and PARTY_MEMBER in m.tags and 45 <= m.age <= 62 and m.phone
        ),
    }


async def build_demo_register(community: Community, registry: PluginRegistry) -> list[DemoAccount]:
    """Fill ``community`` with the demo register and accounts; returns the demo accounts.

    Does nothing if the community already has people (it returns the demo accounts
    already there), so ``linli demo`` may run it on every start."""
    if await Person.filter(community=community).exists():
        return await demo_accounts(community)
    taken = await Account.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True)
    if taken:
        raise CommunityError(
            f"the demo accounts need the usernames {', '.join(sorted(taken))}, already taken"
        )
    today = datetime.now(UTC).date()
    planner = _Planner(today)
    planned = planner.households()
    leads = _lead_households(planner.rng, planned)
    residents = _demo_residents(planned, leads)
    await ensure_node_kinds()
    await ensure_roles(community, builtin_roles(), registry.catalogues)
    async with in_transaction() as connection:
        root = await community_root(community)
        trees = _Trees(connection, community, root)
        await trees.load_kinds()
        for level in _place_specs(trees.root_code, planned):
            await trees.add_level(level)
        for level in _organisation_specs(root, leads):
            await trees.add_level(level)
        people = await _write_people(community, planned, trees.ids)
        await _write_accounts(community, trees, residents, people)
    return await demo_accounts(community)


async def _write_people(
    community: Community, planned: list[PlannedHousehold], node_ids: dict[str, int]
) -> dict[str, int]:
    """People, tags, households and memberships; returns person ids by ID number."""
    await Person.bulk_create(
        [
            Person(
                community_id=community.id,
                name=m.name,
                gender=m.gender,
                birth_date=m.birth_date,
                phone=m.phone,
                id_number=m.id_number,
            )
            for h in planned
            for m in h.members
        ],
        batch_size=BATCH,
    )
    person_ids = dict(await Person.filter(community=community).values_list("id_number", "id"))
    await PersonTag.bulk_create(
        [
            PersonTag(person_id=person_ids[m.id_number], tag=tag)
            for h in planned
            for m in h.members
            for tag in sorted(m.tags)
        ],
        batch_size=BATCH,
    )
    await Household.bulk_create(
        [
            Household(community_id=community.id, node_id=node_ids[h.code], code=h.code)
            for h in planned
        ],
        batch_size=BATCH,
    )
    household_ids = dict(await Household.filter(community=community).values_list("code", "id"))
    await Membership.bulk_create(
        [
            Membership(
                household_id=household_ids[h.code],
                person_id=person_ids[m.id_number],
                relation=m.relation,
                started_on=max(h.move_in, m.birth_date or h.move_in),
            )
            for h in planned
            for m in h.members
        ],
        batch_size=BATCH,
    )
    return person_ids


async def _write_accounts(
    community: Community,
    trees: _Trees,
    residents: dict[str, Member],
    person_ids: dict[str, int],
) -> None:
    roles = {role.key: role for role in await Role.filter(community=community)}
    wanted = [trees.ids[code] for _, grants in DEMO_GRANTS for _, code in grants]
    by_id = {node.id: node for node in await Node.filter(id__in=wanted)}
    nodes = {code: by_id[node_id] for code, node_id in trees.ids.items() if node_id in by_id}
    term_end = datetime(datetime.now(UTC).year + 3, 1, 1, tzinfo=UTC)
    # One argon2 hash for all: the password is public (the demo page shows it), and
    # hashing it ten times would take most of the build's time.
    password_hash = hash_password(DEMO_PASSWORD)
    for username, grants in DEMO_GRANTS:
        member = residents.get(username)
        account = await Account.create(
            username=username,
            password_hash=password_hash,
            person_id=person_ids[member.id_number] if member else None,
        )
        for role_key, code in grants:
            ends = term_end if (username, role_key) in TERM_ENDS else None
            await grant(account, roles[role_key], nodes[code], ends_at=ends)


async def demo_accounts(community: Community) -> list[DemoAccount]:
    """The demo accounts holding roles in ``community`` with their current grants: the
    core's in the order of :data:`DEMO_GRANTS`, then those the plugins' demo data made
    (the mediator, the council member, the meal volunteer …): one query. Only a demo
    site lists them; its accounts are all demo accounts."""
    now = datetime.now(UTC)
    rows = (
        await Grant.filter(role__community_id=community.id, starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .select_related("account__person", "role", "node")
        .order_by("id")
    )
    by_account: dict[str, list[Grant]] = {}
    for row in rows:
        by_account.setdefault(row.account.username, []).append(row)
    made = []
    others = [name for name in by_account if name not in DEMO_USERNAMES]
    for username in (*DEMO_USERNAMES, *others)[:MAX_DEMO_ACCOUNTS]:
        held = by_account.get(username)
        if not held:
            continue
        account: Account = held[0].account
        grants = tuple(
            DemoGrant(
                g.role.key,
                g.role.name,
                g.role.name_en,
                g.node.name,
                g.node.name_en,
                g.ends_at,
                tuple(g.role.permissions),
            )
            for g in held
        )
        made.append(DemoAccount(username, grants, account.person.name if account.person else ""))
    return made
