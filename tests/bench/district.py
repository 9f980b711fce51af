"""A district-sized dataset on PostgreSQL, to see whether linli's pages stay as fast
when the tables are large.

    uv run python -m tests.bench.district \\
        --database-url postgres://postgres@127.0.0.1:5432/linli_district \\
        --folder /tmp/linli-district
    uv run python -m tests.bench --instance /tmp/linli-district --workers 2

What it makes (``--scale`` multiplies every count):

- the demo community (江汉里, ``linli demo``: its accounts, so the benchmark can log in)
  and 19 more communities with every plugin enabled, made through linli itself;
- 100,000 households (5,000 per community, each a household place under one of 50
  buildings) with one resident each, registered as 本人;
- a street-bank account per new resident and 500,000 earn entries (1,000,000 postings:
  the community's issuing account debited, the resident credited, with the service
  record of each), over two years; every balance recomputed from its postings at the
  end, so balances and postings agree;
- 20,000 open council needs (1,000 per community) raised by the new residents;
- 100,000 canteen orders: the demo canteen's first week of menus and orders repeated
  week after week into the past (the same diners, dishes, prices and statuses), so
  the demo community's canteen carries two years of history. The other communities
  have no canteen (a canteen is set up by its staff, not by enabling the plugin).

The bulk rows are written by set-based ``INSERT … SELECT`` statements inside
PostgreSQL (generate_series), one community at a time, each in its own transaction.
The database must be new and empty (``createdb``); the folder becomes an ordinary
instance whose linli.toml names that database.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

import asyncpg

from linli.cli import Instance
from linli.domain.communities import create_community
from linli.domain.enablement import enable
from linli.kernel.models import Community

from .load import REPOSITORY

COMMUNITIES = 20
HOUSEHOLDS = 100_000
POSTINGS = 1_000_000
ORDERS = 100_000
NEEDS = 20_000
BUILDINGS_PER_COMMUNITY = 50
DEMO_SLUG = "jianghanli"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"
NEED_TEXTS = (
    ("environment", "楼道堆放杂物,影响通行"),
    ("parking", "电动车充电桩不够用"),
    ("lift", "电梯经常停运,老人上下楼困难"),
    ("safety", "小区路灯坏了,晚上太暗"),
    ("pets", "有人遛狗不牵绳"),
    ("care", "希望增加老人助餐点"),
    ("property", "垃圾清运不及时"),
)


class Progress:
    """Printed progress: a step counter, a bar for long loops and elapsed times."""

    def __init__(self, steps: int) -> None:
        self.steps = steps
        self.step = 0
        self.started = time.monotonic()

    def begin(self, what: str) -> None:
        self.step += 1
        print(f"[{self.step}/{self.steps}] {what} …", flush=True)
        self.step_started = time.monotonic()

    def bar(self, done: int, total: int, label: str) -> None:
        width = 30
        filled = round(width * done / total) if total else width
        elapsed = time.monotonic() - self.step_started
        print(
            f"\r    [{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label} "
            f"({elapsed:.0f} s)",
            end="" if done < total else "\n",
            flush=True,
        )

    def end(self) -> None:
        print(f"    done in {time.monotonic() - self.step_started:.0f} s", flush=True)


def _count(total: int, scale: float, parts: int = 1) -> int:
    return max(1, round(total * scale / parts))


def prepare_communities(folder: Path) -> list[str]:
    """The 19 more communities, made and enabled through linli as an operator would."""

    instance = Instance(folder)

    async def task() -> list[str]:
        registry = instance.registry
        slugs = [DEMO_SLUG]
        for number in range(1, COMMUNITIES):
            slug = f"district-{number:02d}"
            community = await Community.get_or_none(slug=slug)
            if community is None:
                community = await create_community(
                    slug, f"江汉里街道第{number}社区", registry, name_en=f"Jianghanli {number}"
                )
            for plugin in registry.loaded:
                await enable(community, plugin, registry)
            slugs.append(slug)
        return slugs

    return instance.run(task)


async def _scalar(connection: asyncpg.Connection, query: str, *args: Any) -> Any:
    return await connection.fetchval(query, *args)


async def add_register(connection: asyncpg.Connection, community: int, households: int) -> None:
    """Buildings under the community's root place, a household place and household
    under each building in turn, and one resident per household (本人)."""
    root = await connection.fetchrow(
        "SELECT id, path, depth FROM core_node WHERE community_id = $1 AND tree = 'place' "
        "ORDER BY depth, id LIMIT 1",
        community,
    )
    kinds = dict(await connection.fetch("SELECT key, id FROM core_node_kind"))
    buildings = await connection.fetch(
        """
        WITH ids AS (
            SELECT nextval(pg_get_serial_sequence('core_node', 'id')) AS id, g
            FROM generate_series(1, $1) AS g)
        INSERT INTO core_node (id, tree, path, depth, name, name_en, code, created_at,
                               community_id, kind_id, parent_id)
        SELECT id, 'place', $2 || id || '/', $3 + 1, '街区' || g || '栋', 'Block ' || g,
               'bench-b' || g, now(), $4, $5, $6
        FROM ids ORDER BY g
        RETURNING id, path
        """,
        BUILDINGS_PER_COMMUNITY,
        root["path"],
        root["depth"],
        community,
        kinds["building"],
        root["id"],
    )
    await connection.execute(
        """
        WITH ids AS (
            SELECT nextval(pg_get_serial_sequence('core_node', 'id')) AS id, g,
                   1 + (g - 1) % cardinality($1::int[]) AS b
            FROM generate_series(1, $3) AS g),
        nodes AS (
            INSERT INTO core_node (id, tree, path, depth, name, name_en, code, created_at,
                                   community_id, kind_id, parent_id)
            SELECT id, 'place', ($2::text[])[b] || id || '/', $4 + 2,
                   (1 + (g - 1) / cardinality($1::int[])) || '室',
                   'Flat ' || (1 + (g - 1) / cardinality($1::int[])),
                   'bench-h' || g, now(), $5, $6, ($1::int[])[b]
            FROM ids
            RETURNING id, code)
        INSERT INTO core_household (code, created_at, community_id, node_id)
        SELECT code, now(), $5, id FROM nodes
        """,
        [row["id"] for row in buildings],
        [row["path"] for row in buildings],
        households,
        root["depth"],
        community,
        kinds["household"],
    )
    await connection.execute(
        """
        WITH h AS (
            SELECT id AS household_id, row_number() OVER (ORDER BY id) AS g,
                   nextval(pg_get_serial_sequence('core_person', 'id')) AS person_id
            FROM core_household WHERE community_id = $1 AND code LIKE 'bench-h%'),
        people AS (
            INSERT INTO core_person (id, name, gender, birth_date, phone, id_number, notes,
                                     created_at, updated_at, community_id)
            SELECT person_id,
                   substr($2, 1 + (g % length($2))::int, 1)
                     || substr($3, 1 + ((g / 7) % length($3))::int, 1)
                     || substr($3, 1 + ((g / 3) % length($3))::int, 1),
                   CASE WHEN g % 2 = 0 THEN 'male' ELSE 'female' END,
                   DATE '1940-01-01' + (g * 37 % 25000)::int,
                   '139' || lpad((($1::bigint * 1000003 + g) % 100000000)::text, 8, '0'),
                   '', '', now(), now(), $1
            FROM h
            RETURNING id)
        INSERT INTO core_membership (relation, started_on, household_id, person_id)
        SELECT '本人', DATE '2020-01-01', household_id, person_id FROM h
        """,
        community,
        SURNAMES,
        GIVEN,
    )


async def add_ledger(connection: asyncpg.Connection, community: int, entries: int) -> None:
    """Earn entries: the issuing account pays each new resident for a recorded
    service. Two postings per entry summing to zero; balances are set afterwards."""
    await connection.execute(
        """
        INSERT INTO streetbank_account (community_id, key, kind, person_id, balance,
                                        allow_negative, created_at)
        SELECT $1, 'c' || $1::int || ':issuing', 'issuing', NULL, 0, true, now()
        ON CONFLICT (key) DO NOTHING
        """,
        community,
    )
    await connection.execute(
        """
        INSERT INTO streetbank_account (community_id, key, kind, person_id, balance,
                                        allow_negative, created_at)
        SELECT $1, 'c' || $1::int || ':person:' || m.person_id, 'person', m.person_id, 0, false,
               now()
        FROM core_membership AS m JOIN core_household AS h ON h.id = m.household_id
        WHERE h.community_id = $1 AND h.code LIKE 'bench-h%'
        ON CONFLICT (key) DO NOTHING
        """,
        community,
    )
    # The demo seeds the demo community's service categories; the others get one.
    await connection.execute(
        """
        INSERT INTO streetbank_category (community_id, key, name, name_en, unit, rate, active)
        SELECT $1, 'volunteering', '志愿服务', 'Volunteering', 'hour', 10, true
        WHERE NOT EXISTS (SELECT 1 FROM streetbank_category WHERE community_id = $1)
        """,
        community,
    )
    await connection.execute(
        """
        CREATE TEMP TABLE bench_entry ON COMMIT DROP AS
        WITH accounts AS (
            SELECT array_agg(id ORDER BY id) AS ids, array_agg(person_id ORDER BY id) AS people
            FROM streetbank_account WHERE community_id = $1 AND kind = 'person'),
        category AS (
            SELECT id, rate FROM streetbank_category WHERE community_id = $1
            ORDER BY active DESC, id LIMIT 1)
        SELECT nextval(pg_get_serial_sequence('streetbank_entry', 'id')) AS id,
               accounts.ids[1 + (g * 7919) % cardinality(accounts.ids)] AS account_id,
               accounts.people[1 + (g * 7919) % cardinality(accounts.ids)] AS person_id,
               category.id AS category_id, 1 + g % 4 AS quantity,
               category.rate * (1 + g % 4) AS points,
               now() - make_interval(secs => (g * 86413) % (730 * 86400)) AS at
        FROM generate_series(1, $2::bigint) AS g, accounts, category
        """,
        community,
        entries,
    )
    issuing = await _scalar(
        connection,
        "SELECT id FROM streetbank_account WHERE key = 'c' || $1::int || ':issuing'",
        community,
    )
    await connection.execute(
        """
        INSERT INTO streetbank_entry (id, community_id, kind, idempotency_key, memo,
                                      actor_id, on_behalf_of_id, reverses_id, created_at)
        SELECT id, $1, 'earn', 'bench:' || id, '志愿服务 × ' || quantity, NULL, NULL, NULL, at
        FROM bench_entry
        """,
        community,
    )
    await connection.execute(
        """
        INSERT INTO streetbank_posting (entry_id, account_id, amount)
        SELECT id, $1, -points FROM bench_entry
        UNION ALL
        SELECT id, account_id, points FROM bench_entry
        """,
        issuing,
    )
    await connection.execute(
        """
        INSERT INTO streetbank_service (community_id, person_id, category_id, quantity, points,
                                        served_on, note, source, reference, recorded_by_id,
                                        entry_id, created_at)
        SELECT $1, person_id, category_id, quantity, points,
               (at AT TIME ZONE 'Asia/Shanghai')::date, '', 'form', '', NULL, id, at
        FROM bench_entry
        """,
        community,
    )


async def add_needs(connection: asyncpg.Connection, community: int, needs: int) -> None:
    categories = [category for category, _ in NEED_TEXTS]
    texts = [text for _, text in NEED_TEXTS]
    await connection.execute(
        """
        WITH people AS (
            SELECT array_agg(id ORDER BY id) AS ids FROM core_person WHERE community_id = $1)
        INSERT INTO council_need (text, category, support_count, status, created_at,
                                  author_id, community_id)
        SELECT ($3::text[])[k] || '(' || g || ')', ($2::text[])[k], 0, 'open',
               now() - make_interval(secs => (g * 86413) % (730 * 86400)),
               people.ids[1 + (g * 7919) % cardinality(people.ids)], $1
        FROM generate_series(1, $4::bigint) AS g, people,
             LATERAL (SELECT 1 + g % cardinality($2::text[]) AS k) AS pick
        """,
        community,
        categories,
        texts,
        needs,
    )


async def add_canteen_history(connection: asyncpg.Connection, community: int, orders: int) -> int:
    """Repeat the demo canteen's first week of menus and orders into the past, one week
    at a time, until ``orders`` orders were added. Returns the number of weeks."""
    first = await _scalar(
        connection, "SELECT min(day) FROM canteen_order WHERE community_id = $1", community
    )
    if first is None:
        return 0
    per_week = await _scalar(
        connection,
        "SELECT count(*) FROM canteen_order WHERE community_id = $1 AND day < $2::date + 7",
        community,
        first,
    )
    weeks = -(-orders // per_week)
    await connection.execute(
        """
        INSERT INTO canteen_menu_item (day, period, price, canteen_id, dish_id)
        SELECT m.day - 7 * w, m.period, m.price, m.canteen_id, m.dish_id
        FROM canteen_menu_item m JOIN canteen_canteen c ON c.id = m.canteen_id,
             generate_series(1, $3) AS w
        WHERE c.community_id = $1 AND m.day >= $2 AND m.day < $2::date + 7
        ON CONFLICT DO NOTHING
        """,
        community,
        first,
        weeks,
    )
    await connection.execute(
        """
        INSERT INTO canteen_order (day, period, mode, status, slot, price, subsidy, to_pay, age,
            tier_name, entrance, floor, distance_m, on_behalf, warning, created_at,
            cancelled_at, delivered_at, building_id, canteen_id, community_id, delivered_by_id,
            dish_id, home_id, menu_item_id, person_id, placed_by_id, run_id, standing_id,
            tier_id)
        SELECT * FROM (
            SELECT o.day - 7 * w AS day, o.period, o.mode, o.status,
                CASE WHEN o.slot IS NULL THEN NULL
                     ELSE o.canteen_id || ':' || o.person_id || ':' || (o.day - 7 * w)
                          || ':' || o.period END,
                o.price, o.subsidy, o.to_pay, o.age, o.tier_name, o.entrance, o.floor,
                o.distance_m, o.on_behalf, o.warning, o.created_at - 7 * w * interval '1 day',
                o.cancelled_at - 7 * w * interval '1 day',
                o.delivered_at - 7 * w * interval '1 day', o.building_id, o.canteen_id,
                o.community_id, o.delivered_by_id, o.dish_id, o.home_id, m.id, o.person_id,
                o.placed_by_id, NULL::int, NULL::int, o.tier_id
            FROM canteen_order o, generate_series(1, $3) AS w, canteen_menu_item m
            WHERE o.community_id = $1 AND o.day >= $2 AND o.day < $2::date + 7
              AND m.canteen_id = o.canteen_id AND m.day = o.day - 7 * w
              AND m.period = o.period AND m.dish_id = o.dish_id
            ORDER BY 1, o.id
            LIMIT $4) AS copied
        """,
        community,
        first,
        weeks,
        orders,
    )
    return weeks


async def settle_balances(connection: asyncpg.Connection) -> None:
    """Every account's balance is the sum of its postings (the street bank's invariant)."""
    await connection.execute(
        """
        UPDATE streetbank_account AS a SET balance = coalesce(s.total, 0)
        FROM streetbank_account AS b
        LEFT JOIN (SELECT account_id, sum(amount) AS total FROM streetbank_posting
                   GROUP BY account_id) AS s ON s.account_id = b.id
        WHERE a.id = b.id AND a.balance IS DISTINCT FROM coalesce(s.total, 0)
        """
    )


async def fill(url: str, slugs: Iterable[str], scale: float, progress: Progress) -> None:
    connection = await asyncpg.connect(url)
    try:
        ids = [
            await _scalar(connection, "SELECT id FROM core_community WHERE slug = $1", slug)
            for slug in slugs
        ]
        if await _scalar(
            connection, "SELECT count(*) FROM core_household WHERE code LIKE 'bench-h%'"
        ):
            raise SystemExit("this database already holds a district dataset: use a new one")
        households = _count(HOUSEHOLDS, scale, COMMUNITIES)
        entries = _count(POSTINGS // 2, scale, COMMUNITIES)
        needs = _count(NEEDS, scale, COMMUNITIES)

        steps: list[tuple[str, Callable[[int], Awaitable[None]]]] = [
            (
                f"register: {households:,} households and residents per community",
                lambda c: add_register(connection, c, households),
            ),
            (
                f"street bank: {entries:,} entries ({2 * entries:,} postings) per community",
                lambda c: add_ledger(connection, c, entries),
            ),
            (f"council: {needs:,} needs per community", lambda c: add_needs(connection, c, needs)),
        ]
        for label, step in steps:
            progress.begin(label)
            for done, community in enumerate(ids, start=1):
                async with connection.transaction():
                    await step(community)
                progress.bar(done, len(ids), "communities")
            progress.end()

        progress.begin(f"canteen: {_count(ORDERS, scale):,} orders of the demo canteen")
        async with connection.transaction():
            weeks = await add_canteen_history(connection, ids[0], _count(ORDERS, scale))
        print(f"    {weeks} weeks of history")
        progress.end()

        progress.begin("balances from postings, then ANALYZE")
        async with connection.transaction():
            await settle_balances(connection)
        await connection.execute("ANALYZE")
        progress.end()
        for table in ("core_household", "streetbank_posting", "canteen_order", "council_need"):
            rows = await _scalar(connection, f"SELECT count(*) FROM {table}")
            print(f"    {table}: {rows:,} rows")
    finally:
        await connection.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.district",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--database-url", required=True, help="a new, empty PostgreSQL database")
    parser.add_argument(
        "--folder", type=Path, default=Path("district-instance"), help="the instance folder"
    )
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every count")
    options = parser.parse_args(argv)
    if not options.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("the district dataset is for PostgreSQL: give a postgres:// URL")
    folder = options.folder.resolve()
    progress = Progress(steps=7)
    progress.begin(f"the demo community in {folder} (linli demo --no-serve)")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "linli",
            "demo",
            "--folder",
            str(folder),
            "--no-serve",
            "--database-url",
            options.database_url,
        ],
        check=True,
        cwd=REPOSITORY,
        stdout=subprocess.DEVNULL,
    )
    progress.end()
    progress.begin(f"{COMMUNITIES - 1} more communities, every plugin enabled")
    slugs = prepare_communities(folder)
    progress.end()
    asyncio.run(fill(options.database_url, slugs, options.scale, progress))
    total = time.monotonic() - progress.started
    print(
        f"district dataset ready in {total / 60:.1f} min; measure it with\n"
        f"    uv run python -m tests.bench --instance {folder} --workers 2"
    )


if __name__ == "__main__":
    main()
