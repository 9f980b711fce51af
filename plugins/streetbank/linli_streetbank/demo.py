"""Demo data: the case's 32 partner units and merchants, 56 goods and services, and a
year of earning and redeeming that adds up to about 14,000 points redeemed. Every item
has a picture (an illustration drawn by :mod:`linli_streetbank.pictures`), stored like an
uploaded one.

The history is written with ``bulk_create`` (a few dozen queries instead of thousands)
and still obeys the ledger's rules: every entry's postings sum to zero and every cached
balance is set to the sum of its postings, so ``linli streetbank verify`` passes.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.functions import Sum

from linli.kit import (
    Account,
    Community,
    Grant,
    Node,
    Person,
    community_root,
    grant_role,
    save_image,
)
from linli_streetbank import services
from linli_streetbank.models import (
    CANCELLED,
    EARN,
    ISSUED,
    REDEEM,
    REFUND,
    USED,
    CatalogueItem,
    Entry,
    LedgerAccount,
    MonthlyUsage,
    Partner,
    Posting,
    ServiceRecord,
    Voucher,
)
from linli_streetbank.pictures import item_picture

PARTNERS = 32
REDEEMED_TARGET = 14_000

CATEGORIES = [
    # key, 中文, English, unit, rate
    ("elder-care", "助老陪护", "Elder care", "hour", 10),
    ("child-care", "青苗看护", "Children's care", "hour", 10),
    ("clean-up", "环境整治", "Clean-up", "hour", 5),
    ("patrol", "平安巡逻", "Safety patrol", "hour", 8),
    ("skills", "技能服务", "Skilled help", "task", 20),
    ("meal-delivery", "爱心送餐", "Meal delivery", "task", 6),
]

#: What each partner does, by name (the register demo's partners and our own): an item
#: comes only from a partner whose trade fits it (热干面 from a noodle shop, 推拿 from a
#: clinic), never from whichever partner is next in the list.
TRADES = {
    # the register demo's partner units and merchants
    "江汉区妇幼保健院": "maternal",
    "吉年颐养中心": "elderly-care",
    "健民叶开泰大药房": "pharmacy",
    "汉兴街社区卫生服务中心": "clinic",
    "江汉里警务室": "police",
    "江汉区法律援助中心": "legal",
    "老街坊理发店": "barber",
    "邻里便利店": "convenience",
    "江汉里早餐铺": "breakfast",
    "惠民水果店": "fruit",
    "兴旺粮油店": "grain",
    "巧手家电维修": "appliance",
    "爱心裁缝铺": "tailor",
    "汉兴菜场": "market",
}

# name, English, kind, address, trade. Those the register demo also has come first,
# then one partner per trade it lacks, then more of the trades it has: so the 32
# partners cover every trade the catalogue needs, with or without the register demo.
OWN_PARTNERS = [
    ("老街坊理发店", "Old Neighbours Barber", "merchant", "江汉里1号", "barber"),
    ("邻里便利店", "Neighbours Convenience Store", "merchant", "江汉里3号", "convenience"),
    ("江汉里早餐铺", "Jianghanli Breakfast Stall", "merchant", "江汉里5号", "breakfast"),
    ("江汉区妇幼保健院", "Jianghan Maternal and Child Hospital", "partner_unit", "新华路",
     "maternal"),
    ("吉年颐养中心", "Jinian Elderly Care Centre", "partner_unit", "江汉里旁", "elderly-care"),
    ("汉兴街社区卫生服务中心", "Hanxing Community Health Centre", "partner_unit", "汉兴街",
     "clinic"),
    ("江汉区法律援助中心", "Jianghan Legal Aid Centre", "partner_unit", "江汉区", "legal"),
    ("吉庆街热干面", "Jiqing Street Hot Dry Noodles", "merchant", "吉庆街20号", "noodles"),
    ("老通城豆皮", "Laotongcheng Doupi", "merchant", "大智路15号", "breakfast"),
    ("汉兴街修鞋铺", "Hanxing Street Shoe Repair", "merchant", "汉兴街12号", "shoe-repair"),
    ("江汉里洗衣店", "Jianghanli Laundry", "merchant", "江汉里9号", "laundry"),
    ("新华书店江汉路店", "Xinhua Bookshop Jianghan Road", "merchant", "江汉路101号",
     "bookshop"),
    ("开锁配钥匙", "Locksmith", "merchant", "汉兴街18号", "locksmith"),
    ("眼镜店", "Optician", "merchant", "江汉路88号", "optician"),
    ("照相馆", "Photo Studio", "merchant", "江汉路66号", "photo"),
    ("汉味面馆", "Wuhan Noodle House", "merchant", "汉兴街25号", "noodles"),
    ("江汉区图书馆", "Jianghan District Library", "partner_unit", "江汉区", "library"),
    ("武汉市第二十一中学", "Wuhan No. 21 Middle School", "partner_unit", "江汉区", "school"),
    ("江汉里幼儿园", "Jianghanli Kindergarten", "partner_unit", "江汉里", "school"),
    ("区文化馆", "District Cultural Centre", "partner_unit", "江汉区", "culture"),
    ("物业服务中心", "Property Service Centre", "partner_unit", "江汉里", "property"),
    ("社区老年大学", "Community University for Seniors", "partner_unit", "江汉里",
     "seniors-school"),
    ("区红十字会", "District Red Cross", "partner_unit", "江汉区", "red-cross"),
    ("汉兴街消防站", "Hanxing Fire Station", "partner_unit", "汉兴街", "fire-station"),
    ("江汉区心理咨询站", "Jianghan Counselling Station", "partner_unit", "江汉区",
     "counselling"),
    ("民意四路菜场", "Minyi 4th Road Market", "merchant", "民意四路8号", "market"),
    ("水果铺", "Fruit Stall", "merchant", "江汉里11号", "fruit"),
    ("粮油店", "Rice and Oil Shop", "merchant", "民意四路2号", "grain"),
    ("家电维修部", "Appliance Repair", "merchant", "民意一路30号", "appliance"),
    ("裁缝铺", "Tailor", "merchant", "江汉里15号", "tailor"),
    ("街口药房", "Corner Pharmacy", "merchant", "汉兴街2号", "pharmacy"),
    ("汉兴街派出所", "Hanxing Police Station", "partner_unit", "汉兴街", "police"),
    ("邻里书画社", "Neighbours' Calligraphy Club", "partner_unit", "江汉里", "culture"),
    ("电动车充电站", "E-bike Charging Station", "merchant", "江汉里停车棚", "property"),
]  # fmt: skip
TRADES.update({name: trade for name, _, _, _, trade in OWN_PARTNERS})

# title, category, price, stock (None: unlimited), monthly limit, the trades that offer
# it (the first that is present is preferred)
ITEMS = [
    ("理发一次", "household", 15, None, 2, ("barber",)),
    ("老人上门理发", "household", 25, 20, 1, ("barber",)),
    ("鲜鸡蛋一盒", "food", 12, 60, 2, ("market", "convenience")),
    ("大米5斤", "food", 30, 40, 1, ("grain",)),
    ("食用油一瓶", "food", 35, 30, 1, ("grain",)),
    ("热干面早餐券", "food", 5, None, 8, ("noodles", "breakfast")),
    ("豆皮早餐券", "food", 6, None, 8, ("breakfast",)),
    ("水果一袋", "food", 10, 50, 2, ("fruit",)),
    ("蔬菜礼包", "food", 15, 40, 2, ("market",)),
    ("挂面一箱", "food", 20, 30, 1, ("grain", "convenience")),
    ("修鞋一次", "repair", 8, None, 2, ("shoe-repair",)),
    ("配钥匙一把", "repair", 5, None, 2, ("locksmith",)),
    ("家电检修一次", "repair", 30, 15, 1, ("appliance",)),
    ("上门换锁芯", "repair", 40, 10, 1, ("locksmith",)),
    ("修改衣服一件", "repair", 10, None, 2, ("tailor",)),
    ("洗衣一件", "household", 8, None, 4, ("laundry",)),
    ("被子清洗一床", "household", 30, 20, 1, ("laundry",)),
    ("家政保洁一小时", "household", 25, 20, 1, ("property",)),
    ("电动车充电10次", "household", 10, None, 2, ("property",)),
    ("证件照一套", "household", 12, None, 1, ("photo",)),
    ("验光配镜优惠", "health", 40, 10, 1, ("optician",)),
    ("常用药品小包", "health", 15, 30, 1, ("pharmacy", "clinic")),
    ("测血压血糖", "health", 2, None, 4, ("clinic", "pharmacy")),
    ("中医推拿一次", "health", 30, 15, 1, ("clinic", "elderly-care")),
    ("老人健康体检", "health", 50, 10, 1, ("clinic", "elderly-care")),
    ("儿童保健咨询", "health", 10, None, 2, ("maternal",)),
    ("孕产妇课程", "health", 10, None, 2, ("maternal",)),
    ("心理咨询一次", "health", 20, 10, 1, ("counselling",)),
    ("急救培训课", "learning", 10, 30, 1, ("red-cross",)),
    ("消防安全体验", "learning", 5, 40, 1, ("fire-station",)),
    ("法律咨询一次", "learning", 10, None, 2, ("legal",)),
    ("借书卡办理", "learning", 5, None, 1, ("library",)),
    ("图书一本", "learning", 25, 30, 1, ("bookshop",)),
    ("书法课一期", "learning", 40, 12, 1, ("culture", "seniors-school")),
    ("老年大学课程", "learning", 50, 20, 1, ("seniors-school",)),
    ("少儿课后托管一周", "learning", 60, 10, 1, ("school",)),
    ("作业辅导一次", "learning", 10, None, 2, ("school",)),
    ("文化馆演出票", "learning", 20, 30, 1, ("culture",)),
    ("剪纸体验课", "learning", 10, 20, 1, ("culture",)),
    ("智能手机教学", "learning", 5, None, 2, ("seniors-school", "library")),
    ("洗衣液一瓶", "goods", 12, 40, 1, ("convenience",)),
    ("抽纸一提", "goods", 10, 60, 2, ("convenience",)),
    ("环保购物袋", "goods", 5, 80, 2, ("market", "convenience")),
    ("雨伞一把", "goods", 15, 30, 1, ("convenience",)),
    ("老花镜一副", "goods", 20, 20, 1, ("optician",)),
    ("保温杯", "goods", 25, 20, 1, ("convenience",)),
    ("手电筒", "goods", 10, 30, 1, ("convenience",)),
    ("春联福字一套", "goods", 8, 60, 1, ("bookshop", "culture")),
    ("粽子礼盒", "food", 30, 30, 1, ("grain", "convenience")),
    ("月饼礼盒", "food", 35, 30, 1, ("convenience", "grain")),
    ("汤圆一袋", "food", 10, 40, 1, ("market", "convenience")),
    ("绿豆汤券", "food", 3, None, 8, ("breakfast",)),
    ("面馆午餐券", "food", 15, None, 4, ("noodles",)),
    ("爱心午餐", "food", 8, None, 8, ("noodles", "breakfast")),
    ("便利店代金券", "goods", 10, None, 4, ("convenience",)),
    ("照片冲印10张", "goods", 8, None, 2, ("photo",)),
]


def supplier(trades: tuple[str, ...], partners: list[Partner], load: dict[int, int]) -> Partner:
    """The partner an item comes from: one whose trade fits, the most fitting trade
    first, then the partner offering fewest items so far."""
    fitting = [p for p in partners if TRADES.get(p.name) in trades]
    if not fitting:
        raise LookupError(f"no demo partner of trade {trades}")
    return min(
        fitting,
        key=lambda p: (trades.index(TRADES[p.name]), load.get(p.id, 0), p.id),
    )


async def _partners(community: Community) -> list[Partner]:
    """The partner nodes the register demo made, then our own list up to 32."""
    partners = list(await Partner.filter(community_id=community.id).order_by("id"))
    taken = {p.node_id for p in partners}
    nodes = (
        await Node.filter(community_id=community.id, tree="partner", parent_id__isnull=False)
        .select_related("kind")
        .order_by("id")
    )
    for node in nodes:
        if len(partners) >= PARTNERS:
            break
        if node.id in taken or node.kind.key not in services.PARTNER_KINDS:
            continue
        partners.append(
            await Partner.create(
                community=community,
                node=node,
                name=node.name,
                name_en=node.name_en,
                kind=node.kind.key,
            )
        )
    names = {p.name for p in partners}
    for name, name_en, kind, address, _trade in OWN_PARTNERS:
        if len(partners) >= PARTNERS:
            break
        if name in names:
            continue
        partners.append(
            await services.create_partner(
                community, name=name, name_en=name_en, kind=kind, address=address
            )
        )
    return partners


async def _pictures(community: Community, items: list[CatalogueItem]) -> None:
    """Each item's illustration, stored and linked as an uploaded picture is. Items drawn
    alike (three breakfast vouchers, a bowl of noodles each) share one upload, so a
    page of the catalogue downloads each picture once."""
    stored: dict[bytes, int] = {}
    for item in items:
        picture = item_picture(item.title, item.category)
        if picture not in stored:
            upload = await save_image(community, picture, filename=f"item-{item.id}.png")
            stored[picture] = upload.id
        await CatalogueItem.filter(id=item.id).update(photo_id=stored[picture])


#: The register demo's accounts whose residents get a street bank history.
DEMO_EARNERS = ("resident", "volunteer")


async def _people(community: Community, rng: random.Random) -> list[Person]:
    people = list(await Person.filter(community_id=community.id).order_by("id").limit(400))
    if len(people) < 120:
        surnames = "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗"
        given = "秀英桂兰建国志强丽华玉珍德明淑芬文华国平春梅海燕"
        await Person.bulk_create(
            [
                Person(
                    community_id=community.id,
                    name=rng.choice(surnames) + "".join(rng.sample(given, 2)),
                )
                for _ in range(120 - len(people))
            ]
        )
        people = list(await Person.filter(community_id=community.id).order_by("id").limit(400))
    return people


async def _grant_demo_roles(community: Community) -> list[str]:
    """Street bank roles for the register demo's accounts, where they exist."""
    root = await community_root(community)
    lines = []
    for username, role_key in (
        ("resident", "streetbank_member"),
        ("volunteer", "streetbank_member"),
        ("community_worker", "streetbank_clerk"),
        ("administrator", "streetbank_clerk"),
        # the checker of corrections above the clerk's limit (maker–checker)
        ("administrator", "streetbank_supervisor"),
    ):
        account = await Account.get_or_none(username=username)
        if account is not None:
            await grant_role(account, role_key, root)
            lines.append(f"streetbank: {username} holds {role_key}")
    # Whoever holds the core's merchant-operator role at a partner already operates it.
    for held in await Grant.filter(
        role__community_id=community.id, role__key="merchant_operator"
    ).select_related("account"):
        partner = await Partner.get_or_none(node_id=held.node_id)
        if partner is not None:
            lines.append(f"streetbank: {held.account.username} operates {partner.name}")
    return lines


async def seed(community: Community) -> list[str]:
    rng = random.Random(20260314)
    now = datetime.now(UTC)
    start = now - timedelta(days=365)
    categories = [
        await services.save_category(community, key=k, name=n, name_en=e, unit=u, rate=r)
        for k, n, e, u, r in CATEGORIES
    ]
    partners = await _partners(community)
    load: dict[int, int] = {}
    rows = []
    for title, category, price, stock, limit, trades in ITEMS:
        partner = supplier(trades, partners, load)
        load[partner.id] = load.get(partner.id, 0) + 1
        rows.append(
            CatalogueItem(
                community_id=community.id,
                partner_id=partner.id,
                title=title,
                category=category,
                price=price,
                stock=stock,
                monthly_limit=limit,
                description="",
            )
        )
    await CatalogueItem.bulk_create(rows)
    items = list(await CatalogueItem.filter(community_id=community.id).order_by("id"))
    await _pictures(community, items)
    people = await _people(community, rng)
    earners = people[: max(60, len(people) // 2)]
    # The demo accounts of residents earn too, so whoever logs in as one sees a history.
    demo_people = await Person.filter(
        community_id=community.id, account__username__in=DEMO_EARNERS
    ).order_by("id")
    earners += [person for person in demo_people if person.id not in {p.id for p in earners}]
    issuing = await services.bank_account(community.id)
    accounts = {p.id: await services.person_account(p) for p in earners}
    partner_accounts = {p.id: await services.partner_account(p) for p in partners}
    balance = dict.fromkeys(accounts, 0)

    entries: list[Entry] = []
    legs: dict[str, list[tuple[int, int]]] = {}
    services_rows: list[dict[str, Any]] = []
    vouchers: list[dict[str, Any]] = []
    redeemed = 0
    tag = f"demo:{community.id}"
    day = start
    n = 0
    while day < now:
        # About 45 services a week…
        for _ in range(rng.randint(4, 9)):
            person = rng.choice(earners)
            category = rng.choice(categories)
            quantity = rng.choice((1, 2, 2, 3, 4)) if category.unit == "hour" else 1
            points = quantity * category.rate
            moment = day + timedelta(hours=rng.randint(1, 11))
            key = f"{tag}:earn:{n}"
            n += 1
            entries.append(
                Entry(
                    community_id=community.id,
                    kind=EARN,
                    idempotency_key=key,
                    memo=f"{category.name} × {quantity}",
                    created_at=moment,
                )
            )
            legs[key] = [(issuing.id, -points), (accounts[person.id].id, points)]
            balance[person.id] += points
            services_rows.append(
                {
                    "key": key,
                    "person": person.id,
                    "category": category.id,
                    "quantity": quantity,
                    "points": points,
                    "day": moment,
                }
            )
        # …and redemptions paced to about 14,000 points a year.
        elapsed = (day - start).total_seconds() / (now - start).total_seconds()
        while redeemed < REDEEMED_TARGET * elapsed:
            person = rng.choice(earners)
            item = rng.choice(items)
            if balance[person.id] < item.price:
                if balance[person.id] < 2:
                    break
                continue
            moment = day + timedelta(hours=rng.randint(1, 11), minutes=rng.randint(0, 59))
            key = f"{tag}:redeem:{n}"
            n += 1
            entries.append(
                Entry(
                    community_id=community.id,
                    kind=REDEEM,
                    idempotency_key=key,
                    memo=item.title,
                    created_at=moment,
                )
            )
            legs[key] = [
                (accounts[person.id].id, -item.price),
                (partner_accounts[item.partner_id].id, item.price),
            ]
            balance[person.id] -= item.price
            redeemed += item.price
            vouchers.append({"key": key, "person": person.id, "item": item, "at": moment})
        day += timedelta(days=1)

    # A few vouchers were cancelled (points back through a refund) and the last
    # week's are still waiting to be used.
    for index, voucher in enumerate(vouchers):
        recent = voucher["at"] > now - timedelta(days=7)
        voucher["status"] = ISSUED if recent else (CANCELLED if index % 40 == 7 else USED)
        if voucher["status"] == CANCELLED:
            key = f"{voucher['key']}:refund"
            item = voucher["item"]
            entries.append(
                Entry(
                    community_id=community.id,
                    kind=REFUND,
                    idempotency_key=key,
                    memo="cancelled",
                    created_at=voucher["at"] + timedelta(hours=2),
                )
            )
            legs[key] = [
                (partner_accounts[item.partner_id].id, -item.price),
                (accounts[voucher["person"]].id, item.price),
            ]
            redeemed -= item.price

    await Entry.bulk_create(entries, batch_size=500)
    ids = dict(
        await Entry.filter(community_id=community.id, idempotency_key__startswith=tag).values_list(
            "idempotency_key", "id"
        )
    )
    await Posting.bulk_create(
        [
            Posting(entry_id=ids[key], account_id=account_id, amount=amount)
            for key, pairs in legs.items()
            for account_id, amount in pairs
        ],
        batch_size=1000,
    )
    await ServiceRecord.bulk_create(
        [
            ServiceRecord(
                community_id=community.id,
                person_id=row["person"],
                category_id=row["category"],
                quantity=row["quantity"],
                points=row["points"],
                served_on=row["day"].date(),
                source="form",
                entry_id=ids[row["key"]],
            )
            for row in services_rows
        ],
        batch_size=500,
    )
    settings = await services.settings_of(community)
    rows = []
    usage: dict[tuple[int, int, str], int] = {}
    for index, voucher in enumerate(vouchers):
        item, at = voucher["item"], voucher["at"]
        status = voucher["status"]
        month = services.month_of(at)
        refund = ids.get(f"{voucher['key']}:refund")
        rows.append(
            Voucher(
                community_id=community.id,
                code=f"D{community.id % 100:02d}{index:05d}",
                person_id=voucher["person"],
                item_id=item.id,
                partner_id=item.partner_id,
                points=item.price,
                month=month,
                status=status,
                redeem_entry_id=ids[voucher["key"]],
                refund_entry_id=refund,
                issued_at=at,
                expires_at=at + timedelta(days=settings.voucher_days),
                used_at=at + timedelta(hours=3) if status == USED else None,
                closed_at=at + timedelta(hours=2) if status != ISSUED else None,
            )
        )
        if status == ISSUED and month == services.month_of(now):
            usage_key = (voucher["person"], item.id, month)
            usage[usage_key] = usage.get(usage_key, 0) + 1
    await Voucher.bulk_create(rows, batch_size=500)
    await MonthlyUsage.bulk_create(
        [MonthlyUsage(person_id=p, item_id=i, month=m, count=c) for (p, i, m), c in usage.items()]
    )
    # The cached balances are the sums of the postings just written.
    sums = (
        await Posting.filter(account__community_id=community.id)
        .annotate(total=Sum("amount"))
        .group_by("account_id")
        .values_list("account_id", "total")
    )
    for account_id, total in sums:
        await LedgerAccount.filter(id=account_id).update(balance=int(total or 0))
    lines = [
        f"streetbank: {len(partners)} partners, {len(items)} catalogue items, "
        f"{len(services_rows)} services credited, {len(vouchers)} vouchers, "
        f"{redeemed} points redeemed in the last year"
    ]
    lines += await _grant_demo_roles(community)
    return lines
