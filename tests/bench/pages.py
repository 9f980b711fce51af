"""The pages the benchmark measures, with the demo accounts that visit them."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise import Tortoise

#: The password of every demo account (printed by `linli demo`).
DEMO_PASSWORD = "linli-demo"


@dataclass(frozen=True)
class Page:
    """A page of one community: ``path`` (below ``/c/<slug>``) is formatted with the
    ids found in its data (see ``find_ids``); ``account`` is the demo account that
    visits it, ``None`` for an anonymous visitor."""

    key: str
    title: str
    path: str
    account: str | None

    def url(self, slug: str, ids: dict[str, int]) -> str:
        return f"/c/{slug}" + self.path.format(**ids)


RESIDENT, STAFF, ADMIN = "resident", "community_worker", "administrator"

PAGES: tuple[Page, ...] = (
    Page("home", "community home, anonymous", "/", None),
    Page("home-resident", "community home, resident", "/", RESIDENT),
    Page("council", "council public page", "/council", None),
    Page("council-topic", "council topic", "/council/topics/{topic}", None),
    Page("council-needs", "council needs list (staff)", "/council/needs", STAFF),
    Page("streetbank-me", "street bank “me”", "/streetbank/me", RESIDENT),
    Page("streetbank-catalogue", "street bank catalogue", "/streetbank/catalogue", RESIDENT),
    Page("streetbank-ledger", "street bank ledger (staff)", "/streetbank/worker/ledger", ADMIN),
    Page("codesign-project", "codesign project", "/codesign/projects/{project}", RESIDENT),
    Page("codesign-ideas", "codesign ideas", "/codesign/projects/{project}/proposals", RESIDENT),
    Page("codesign-proposal", "codesign proposal", "/codesign/proposals/{proposal}", RESIDENT),
    Page("canteen-menu", "canteen menu", "/canteen/menu", RESIDENT),
    Page("canteen-desk", "canteen staff desk", "/canteen/manage", STAFF),
    Page("mediation", "mediation staff list", "/mediation", "mediator"),
    Page("register", "register list (staff)", "/register", STAFF),
    Page("admin", "admin overview", "/admin", ADMIN),
)

#: The ids the paths name, each the first of its kind in the community (the
#: codesign project: the one whose vote is open, as in the demo).
_ID_QUERIES = {
    "topic": "SELECT MIN(id) FROM council_topic WHERE community_id = {community}",
    "project": (
        "SELECT id FROM codesign_project WHERE community_id = {community} "
        "ORDER BY stage = 'vote' DESC, id LIMIT 1"
    ),
    "proposal": (
        "SELECT MIN(id) FROM codesign_proposal WHERE project_id = "
        "(SELECT id FROM codesign_project WHERE community_id = {community} "
        "ORDER BY stage = 'vote' DESC, id LIMIT 1)"
    ),
}


async def find_ids(slug: str) -> dict[str, int]:
    """The ids the page paths need, read from the instance's database (run inside an
    open Tortoise connection). A missing one is 0: that page will answer 404 and the
    benchmark says so."""
    connection = Tortoise.get_connection("default")
    rows = await connection.execute_query_dict(
        "SELECT id FROM core_community WHERE slug = $1"
        if connection.capabilities.dialect == "postgres"
        else "SELECT id FROM core_community WHERE slug = ?",
        [slug],
    )
    if not rows:
        raise SystemExit(f"no community {slug!r} in this instance's database")
    community = int(rows[0]["id"])
    ids: dict[str, int] = {}
    for name, query in _ID_QUERIES.items():
        _, result = await connection.execute_query(query.format(community=community))
        ids[name] = int(next(iter(result[0]), 0) or 0) if result else 0
    return ids
