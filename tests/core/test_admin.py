"""The community admin pages: the trees (tree view, search, editing, moving a subtree),
roles and grants, holders at or above a node, the audit trail and the plugin switches.
Every route is guarded, every write audited, and ids from another community answer 404."""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from linli.domain.audit.models import AuditEntry
from linli.domain.communities import community_root, create_community
from linli.domain.hierarchy.models import Node, NodeKind
from linli.domain.hierarchy.services import add_node, search_nodes
from linli.domain.permissions.models import Grant, Role
from linli.domain.permissions.services import grant, load_actor
from linli.kernel.models import PluginState
from linli.testing import count_queries, form_post, log_in, make_account, page_queries
from linli.web.auth import declared_requirement

ADMIN = "/c/test/admin"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class Trees:
    root: Node
    estate: Node
    b10: Node
    b11: Node
    entrance: Node
    flat: Node
    committee: Node
    branch: Node
    group: Node
    company: Node
    team: Node


async def _trees(community) -> Trees:
    """A small community: places down to a flat, a party organisation whose building
    group covers building 10, and a property company with a cleaning team."""
    root = await community_root(community)
    estate = await add_node(kind="estate", name="江汉里一期", parent=root, code="E1")
    b10 = await add_node(kind="building", name="10栋", parent=estate, code="B10")
    b11 = await add_node(kind="building", name="11栋", parent=estate, code="B11")
    entrance = await add_node(kind="entrance", name="10栋1单元", parent=b10, code="B10-1")
    flat = await add_node(kind="household", name="10-1-301", parent=entrance, code="H301")
    committee = await add_node(
        kind="party_committee", name="社区党委", community_id=community.id, covers=root
    )
    branch = await add_node(kind="party_branch", name="一期党支部", parent=committee)
    group = await add_node(kind="party_group", name="10栋党小组", parent=branch, covers=b10)
    company = await add_node(kind="property_company", name="物业公司", community_id=community.id)
    team = await add_node(kind="property_team", name="保洁组", parent=company)
    return Trees(root, estate, b10, b11, entrance, flat, committee, branch, group, company, team)


async def _admin(client, community, username: str = "admin") -> None:
    await make_account(username, community, "administrator")
    await log_in(client, username)


def _english(client) -> None:
    """Messages are asserted in English: the Chinese catalogue is merged separately."""
    client.cookies.set("linli_lang", "en")


async def _entries(action: str) -> list[AuditEntry]:
    return await AuditEntry.filter(action=action).order_by("id")


# Guards


def _admin_handlers(app):
    for route in app.routes:
        if not route.path.startswith("/c/{community_slug:str}/admin"):
            continue
        for handler in route.route_handlers:
            methods = set(handler.http_methods)
            if methods != {"OPTIONS"}:
                yield route.path, methods, handler


def test_every_admin_route_requires_a_permission(linli_app):
    seen = 0
    for path, methods, handler in _admin_handlers(linli_app):
        requirement = declared_requirement(handler)
        assert requirement not in (None, "public", "authenticated"), (path, methods)
        seen += 1
    assert seen >= 24


def _url(path: str, ids: dict[str, object]) -> str:
    return re.sub(r"\{(\w+):\w+\}", lambda m: str(ids[m.group(1)]), path)


async def _walk(client, app, ids):
    """(method, url, requirement, response) for every admin route, with an empty form."""
    results = []
    for path, methods, handler in _admin_handlers(app):
        url = _url(path, ids)
        for method in methods:
            if method == "GET":
                response = await client.get(url, follow_redirects=False)
            else:
                response = await form_post(client, url, {}, follow_redirects=False)
            results.append((method, url, declared_requirement(handler), response))
    return results


async def _ids(community):
    trees = await _trees(community)
    role = await Role.get(community=community, key="grid_worker")
    holder = await make_account("holder", community, ("grid_worker", trees.b10))
    held = await Grant.get(account=holder)
    return trees, {
        "community_slug": "test",
        "node_id": trees.b10.id,
        "role_id": role.id,
        "grant_id": held.id,
        "account_id": holder.id,
        "tree": "party",
        "name": "sample",
    }


async def test_anonymous_visitors_are_sent_to_log_in(linli_app, linli_client, linli_community):
    _, ids = await _ids(linli_community)
    for method, url, _, response in await _walk(linli_client, linli_app, ids):
        if method == "GET":
            assert response.status_code == 303, url
            assert response.headers["location"].startswith("/login?next="), url
        else:
            assert response.status_code == 401, url
    assert await AuditEntry.all().count() == 0


async def test_a_worker_without_admin_permissions_is_refused(
    linli_app, linli_client, linli_community
):
    trees, ids = await _ids(linli_community)
    await make_account("worker", linli_community, "community_worker")
    await log_in(linli_client, "worker")
    walked = await _walk(linli_client, linli_app, ids)
    for method, url, requirement, response in walked:
        if requirement == "hierarchy.node.view":
            assert method == "GET", url
            # the tree view's fragment sends a visitor without JavaScript to the node
            assert response.status_code == 200 or url.endswith("/children"), url
        else:
            assert response.status_code == 403, (method, url)
    assert {requirement for *_, requirement, _ in walked} >= {
        "hierarchy.node.edit",
        "permissions.role.edit",
        "permissions.grant",
        "audit.view",
        "admin.plugins.manage",
    }
    b10 = await Node.get(id=trees.b10.id)
    assert b10.name == "10栋"
    assert await AuditEntry.all().count() == 0


async def test_a_resident_sees_no_admin_page(linli_client, linli_community):
    trees = await _trees(linli_community)
    await make_account("resident", linli_community, "resident")
    await log_in(linli_client, "resident")
    for url in ["/", "/trees", "/search?q=10", f"/nodes/{trees.flat.id}", "/roles"]:
        assert (await linli_client.get(ADMIN + url)).status_code == 403, url


async def test_a_grant_at_a_node_opens_that_nodes_pages_only(linli_client, linli_community):
    trees = await _trees(linli_community)
    await make_account("leader", linli_community, ("party_group_leader", trees.group))
    await log_in(linli_client, "leader")
    assert (await linli_client.get(f"{ADMIN}/nodes/{trees.group.id}")).status_code == 200
    assert (await linli_client.get(f"{ADMIN}/nodes/{trees.committee.id}")).status_code == 403
    assert (await linli_client.get(f"{ADMIN}/")).status_code == 403


# Trees


async def test_tree_view_lists_every_tree_and_opens_nodes_with_htmx(linli_client, linli_community):
    trees = await _trees(linli_community)
    await _admin(linli_client, linli_community)
    page = await linli_client.get(f"{ADMIN}/trees")
    assert page.status_code == 200
    for top in (trees.root, trees.committee, trees.company):
        assert f'hx-get="{ADMIN}/nodes/{top.id}/children"' in page.text
        # without JavaScript the open node shows a link to the node's page
        assert f'href="{ADMIN}/nodes/{top.id}"' in page.text
    assert 'id="tree-partner"' in page.text  # a tree not started yet is offered too
    fragment = await linli_client.get(
        f"{ADMIN}/nodes/{trees.estate.id}/children", headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert "10栋" in fragment.text and "11栋" in fragment.text
    assert f'hx-get="{ADMIN}/nodes/{trees.b10.id}/children"' in fragment.text  # has children
    assert f'hx-get="{ADMIN}/nodes/{trees.b11.id}/children"' not in fragment.text  # has none
    plain = await linli_client.get(
        f"{ADMIN}/nodes/{trees.estate.id}/children", follow_redirects=False
    )
    assert plain.status_code == 303
    assert plain.headers["location"] == f"{ADMIN}/nodes/{trees.estate.id}"


async def test_the_children_fragment_costs_the_same_whatever_the_number(
    linli_client, linli_community
):
    trees = await _trees(linli_community)
    await _admin(linli_client, linli_community)

    async def fragment_queries(node):
        url = f"{ADMIN}/nodes/{node.id}/children"
        await linli_client.get(url, headers={"HX-Request": "true"})  # the worker's cache warm
        with count_queries() as queries:
            response = await linli_client.get(url, headers={"HX-Request": "true"})
        assert response.status_code == 200
        return len(queries)

    few = await fragment_queries(trees.entrance)
    for number in range(20):
        parent = await add_node(kind="household", name=f"10-1-{number}", parent=trees.entrance)
        await add_node(kind="household", name=f"room {number}", parent=parent)
    assert await fragment_queries(trees.entrance) == few


async def test_node_page_shows_path_children_coverage_and_holders(linli_client, linli_community):
    trees = await _trees(linli_community)
    await _admin(linli_client, linli_community)
    page = await linli_client.get(f"{ADMIN}/nodes/{trees.entrance.id}")
    assert page.status_code == 200
    # the node's own path (after the page's "you are here" trail: community › admin)
    crumbs = page.text[page.text.index('<ol class="breadcrumbs"') :]
    crumbs = crumbs[: crumbs.index("</ol>")]
    assert crumbs.index("测试社区") < crumbs.index("江汉里一期") < crumbs.index("10栋")
    assert "单元" in page.text  # its kind
    assert "10-1-301" in page.text  # its child
    assert "admin" in page.text  # the administrator holds a role at the community above
    building = await linli_client.get(f"{ADMIN}/nodes/{trees.b10.id}")
    assert "10栋党小组" in building.text  # covered by the party group
    group = await linli_client.get(f"{ADMIN}/nodes/{trees.group.id}")
    assert f'href="{ADMIN}/nodes/{trees.b10.id}"' in group.text  # what it covers


async def test_node_and_trees_pages_cost_the_same_whatever_the_size(linli_client, linli_community):
    trees = await _trees(linli_community)
    await _admin(linli_client, linli_community)

    async def queries(url: str) -> int:
        return len(await page_queries(linli_client, url))

    node_url, trees_url = f"{ADMIN}/nodes/{trees.b10.id}", f"{ADMIN}/trees"
    small = await queries(node_url), await queries(trees_url)
    role = await Role.get(community=linli_community, key="grid_worker")
    for number in range(15):
        child = await add_node(kind="entrance", name=f"{number}单元", parent=trees.b10)
        await add_node(kind="household", name=f"{number}-101", parent=child)
        holder = await make_account(f"holder{number}", linli_community)
        await grant(holder, role, trees.b10 if number % 2 else trees.estate)
        await add_node(kind="merchant", name=f"商户{number}", community_id=linli_community.id)
    assert (await queries(node_url), await queries(trees_url)) == small


async def test_search_by_name_or_code_is_one_query_and_paginated(linli_client, linli_community):
    trees = await _trees(linli_community)
    for number in range(60):
        await add_node(kind="household", name=f"11-1-{number:03d}", parent=trees.b11)
    with count_queries() as queries:
        found, more = await search_nodes(linli_community.id, "11-1-", limit=50)
    assert len(queries) == 1
    assert len(found) == 50 and more
    await _admin(linli_client, linli_community)
    first = await linli_client.get(f"{ADMIN}/search", params={"q": "11-1-"})
    assert first.text.count('href="/c/test/admin/nodes/') >= 50
    assert 'rel="next"' in first.text
    second = await linli_client.get(f"{ADMIN}/search", params={"q": "11-1-", "page": 2})
    assert "11-1-059" in second.text and 'rel="next"' not in second.text
    by_code = await linli_client.get(f"{ADMIN}/search", params={"q": "h301"})
    assert f'href="{ADMIN}/nodes/{trees.flat.id}"' in by_code.text
    far = await linli_client.get(f"{ADMIN}/search", params={"q": "11", "page": 10**30})
    assert far.status_code == 200
    nothing = await linli_client.get(f"{ADMIN}/search", params={"q": "没有这个"})
    assert f'href="{ADMIN}/nodes/{trees.flat.id}"' not in nothing.text


async def test_editing_a_node_is_audited_and_bad_input_changes_nothing(
    linli_client, linli_community
):
    trees = await _trees(linli_community)
    await _admin(linli_client, linli_community)
    _english(linli_client)
    url = f"{ADMIN}/nodes/{trees.b10.id}/edit"
    edit = await linli_client.get(url)
    assert 'value="10栋"' in edit.text and 'name="_csrf_token"' in edit.text
    saved = await form_post(
        linli_client, url, {"name": "10号楼", "name_en": "Building 10", "code": "B10"}
    )
    assert saved.status_code == 200 and str(saved.url).endswith(f"/nodes/{trees.b10.id}")
    b10 = await Node.get(id=trees.b10.id)
    assert (b10.name, b10.name_en, b10.code) == ("10号楼", "Building 10", "B10")
    [entry] = await _entries("node.edit")
    assert entry.before == {"name": "10栋", "name_en": "", "code": "B10"}
    assert entry.after == {"name": "10号楼", "name_en": "Building 10", "code": "B10"}
    assert entry.object_type == "core.Node" and entry.object_id == str(b10.id)
    assert entry.community_id == linli_community.id
    empty = await form_post(linli_client, url, {"name": "   "})
    assert empty.status_code == 400 and "Give the node a name." in empty.text
    too_long = await form_post(linli_client, url, {"name": "楼" * 201})
    assert too_long.status_code == 400
    assert (await Node.get(id=trees.b10.id)).name == "10号楼"
    assert len(await _entries("node.edit")) == 1


async def test_adding_a_child_takes_a_kind_of_the_same_tree(linli_client, linli_community):
    trees = await _trees(linli_community)
    await _admin(linli_client, linli_community)
    _english(linli_client)
    url = f"{ADMIN}/nodes/{trees.b11.id}/add"
    entrance_kind = await NodeKind.get(key="entrance")
    form = await linli_client.get(url)
    assert f'<option value="{entrance_kind.id}" selected>' in form.text  # the next level down
    party_kind = await NodeKind.get(key="party_group")
    refused = await form_post(linli_client, url, {"kind": str(party_kind.id), "name": "混入"})
    assert refused.status_code == 400
    assert "Choose one of the kinds of this tree." in refused.text
    malformed = await form_post(linli_client, url, {"kind": "many", "name": "x"})
    assert malformed.status_code == 400
    assert "This form was not filled in correctly" in malformed.text
    huge = await form_post(linli_client, url, {"kind": "99999999999", "name": "x"})
    assert huge.status_code == 400
    added = await form_post(
        linli_client, url, {"kind": str(entrance_kind.id), "name": "11栋2单元", "code": "B11-2"}
    )
    assert added.status_code == 200
    child = await Node.get(name="11栋2单元")
    assert child.parent_id == trees.b11.id and child.path == f"{trees.b11.path}{child.id}/"
    assert await Node.filter(name="混入").count() == 0
    [entry] = await _entries("node.add")
    assert entry.after["parent"] == trees.b11.id and entry.after["kind"] == "entrance"


async def test_starting_a_tree_from_the_trees_page(linli_client, linli_community):
    await _admin(linli_client, linli_community)
    _english(linli_client)
    network = await NodeKind.get(key="partner_network")
    started = await form_post(
        linli_client, f"{ADMIN}/trees/partner/add", {"kind": str(network.id), "name": "共建资源池"}
    )
    assert started.status_code == 200
    node = await Node.get(name="共建资源池")
    assert node.parent_id is None and node.community_id == linli_community.id
    assert node.tree == "partner"
    place = await NodeKind.get(key="estate")
    second_place_top = await form_post(
        linli_client, f"{ADMIN}/trees/place/add", {"kind": str(place.id), "name": "另一个社区"}
    )
    assert second_place_top.status_code == 400
    unknown = await form_post(linli_client, f"{ADMIN}/trees/nowhere/add", {"name": "x"})
    assert unknown.status_code == 404
    assert await Node.filter(name__in=["另一个社区", "x"]).count() == 0


async def test_moving_a_subtree_keeps_every_path_right(linli_client, linli_community):
    trees = await _trees(linli_community)
    second = await add_node(kind="estate", name="江汉里二期", parent=trees.root)
    await _admin(linli_client, linli_community)
    page = await linli_client.get(f"{ADMIN}/nodes/{trees.b10.id}/move")
    assert 'name="parent"' in page.text and "江汉里二期" in page.text
    moved = await form_post(
        linli_client, f"{ADMIN}/nodes/{trees.b10.id}/move", {"parent": str(second.id)}
    )
    assert moved.status_code == 200
    b10 = await Node.get(id=trees.b10.id)
    assert b10.parent_id == second.id and b10.path == f"{second.path}{b10.id}/"
    for descendant in await Node.filter(path__startswith=b10.path):
        parent = await Node.get(id=descendant.parent_id)
        assert descendant.path == f"{parent.path}{descendant.id}/"
        assert descendant.depth == parent.depth + 1
    flat = await Node.get(id=trees.flat.id)
    assert flat.path == f"{second.path}{b10.id}/{trees.entrance.id}/{flat.id}/"
    assert (await Node.get(id=trees.b11.id)).path.startswith(trees.estate.path)  # stayed
    [entry] = await _entries("node.move")
    assert entry.before == {"parent": trees.estate.id, "path": trees.b10.path}
    assert entry.after == {"parent": second.id, "path": b10.path, "moved": 3}


async def test_a_node_cannot_move_into_itself_or_another_tree(linli_client, linli_community):
    trees = await _trees(linli_community)
    await _admin(linli_client, linli_community)
    _english(linli_client)
    url = f"{ADMIN}/nodes/{trees.estate.id}/move"
    for target in (trees.estate, trees.flat):
        refused = await form_post(linli_client, url, {"parent": str(target.id)})
        assert refused.status_code == 400
        assert "A node cannot move into itself or into a node below it." in refused.text
    other_tree = await form_post(linli_client, url, {"parent": str(trees.branch.id)})
    assert other_tree.status_code == 400
    assert "A node can only move within its own tree." in other_tree.text
    malformed = await form_post(linli_client, url, {"parent": "up"})
    assert malformed.status_code == 400
    estate = await Node.get(id=trees.estate.id)
    assert estate.path == trees.estate.path and estate.parent_id == trees.root.id
    assert (await Node.get(id=trees.flat.id)).path == trees.flat.path
    assert await _entries("node.move") == []


# Roles and grants


async def test_role_list_shows_translated_permissions(linli_client, linli_community):
    await _admin(linli_client, linli_community)
    page = await linli_client.get(f"{ADMIN}/roles")
    assert page.status_code == 200
    assert "网格员" in page.text and "浏览地点和组织架构" in page.text
    _english(linli_client)
    english = await linli_client.get(f"{ADMIN}/roles")
    assert "Grid worker" in english.text
    assert "Browse the place and organisation trees" in english.text


async def test_editing_a_role_changes_what_can_answers(linli_client, linli_community):
    trees = await _trees(linli_community)
    worker = await make_account("grid", linli_community, ("grid_worker", trees.b10))
    assert not (await load_actor(worker)).can("audit.view", trees.flat)
    await _admin(linli_client, linli_community)
    role = await Role.get(community=linli_community, key="grid_worker")
    url = f"{ADMIN}/roles/{role.id}"
    page = await linli_client.get(url)
    assert 'type="checkbox" name="permission" value="audit.view"' in page.text
    ticked = [*role.permissions, "audit.view"]
    saved = await form_post(
        linli_client, url, {"name": "网格员", "name_en": "Grid worker", "permission": ticked}
    )
    assert saved.status_code == 200
    assert (await load_actor(worker)).can("audit.view", trees.flat)
    [entry] = await _entries("role.edit")
    assert "audit.view" not in entry.before["permissions"]
    assert "audit.view" in entry.after["permissions"]
    only = await form_post(
        linli_client, url, {"name": "网格员", "permission": "hierarchy.node.view"}
    )
    assert only.status_code == 200
    actor = await load_actor(worker)
    assert actor.can("hierarchy.node.view", trees.flat)
    assert not actor.can("audit.view", trees.flat)
    assert not actor.can("identity.person.view", trees.flat)


async def test_unknown_permissions_and_self_lockout_are_refused(linli_client, linli_community):
    await _admin(linli_client, linli_community)
    _english(linli_client)
    role = await Role.get(community=linli_community, key="grid_worker")
    before = list(role.permissions)
    forged = await form_post(
        linli_client,
        f"{ADMIN}/roles/{role.id}",
        {"name": "网格员", "permission": ["hierarchy.node.view", "everything.forever"]},
    )
    assert forged.status_code == 400
    assert "There is no permission called everything.forever." in forged.text
    assert (await Role.get(id=role.id)).permissions == before
    administrator = await Role.get(community=linli_community, key="administrator")
    kept = [p for p in administrator.permissions if p != "permissions.role.edit"]
    lockout = await form_post(
        linli_client, f"{ADMIN}/roles/{administrator.id}", {"name": "管理员", "permission": kept}
    )
    assert lockout.status_code == 400
    assert "You would lose the right to edit roles yourself" in lockout.text
    assert "permissions.role.edit" in (await Role.get(id=administrator.id)).permissions
    assert await _entries("role.edit") == []


async def test_creating_a_role(linli_client, linli_community):
    await _admin(linli_client, linli_community)
    _english(linli_client)
    made = await form_post(
        linli_client,
        f"{ADMIN}/roles",
        {"key": "lawyer", "name": "驻点律师", "name_en": "Resident lawyer"},
    )
    assert made.status_code == 200
    role = await Role.get(community=linli_community, key="lawyer")
    assert str(made.url).endswith(f"/roles/{role.id}") and role.permissions == []
    again = await form_post(linli_client, f"{ADMIN}/roles", {"key": "lawyer", "name": "律师"})
    assert again.status_code == 400
    assert "already has a role with that key" in again.text
    bad_key = await form_post(linli_client, f"{ADMIN}/roles", {"key": "Lawyer!", "name": "律师"})
    assert bad_key.status_code == 400
    assert len(await _entries("role.add")) == 1


async def test_giving_a_role_with_an_end_date_and_withdrawing_it(linli_client, linli_community):
    trees = await _trees(linli_community)
    li = await make_account("li", linli_community, "resident")
    await _admin(linli_client, linli_community)
    _english(linli_client)
    role = await Role.get(community=linli_community, key="grid_worker")
    url = f"{ADMIN}/nodes/{trees.b10.id}/grant"
    form = await linli_client.get(url)
    assert f'<option value="{role.id}"' in form.text and 'type="date"' in form.text
    last_day = datetime.now(SHANGHAI).date() + timedelta(days=30)
    given = await form_post(
        linli_client,
        url,
        {"account": "li", "role": str(role.id), "ends_on": last_day.isoformat()},
    )
    assert given.status_code == 200
    held = await Grant.get(account=li, role=role)
    assert held.node_id == trees.b10.id
    day_after = last_day + timedelta(days=1)
    assert held.ends_at == datetime(day_after.year, day_after.month, day_after.day, tzinfo=SHANGHAI)
    assert (await load_actor(li)).can("identity.person.view", trees.flat)
    later = held.ends_at + timedelta(seconds=1)
    assert not (await load_actor(li, now=later)).can("identity.person.view", trees.flat)
    [entry] = await _entries("grant.add")
    assert entry.after["account"] == "li" and entry.after["role"] == "grid_worker"
    assert entry.after["ends_at"] == held.ends_at.isoformat()
    assert entry.actor_id is not None

    twice = await form_post(linli_client, url, {"account": "li", "role": str(role.id)})
    assert twice.status_code == 400 and "li already holds this role here." in twice.text
    passed = date(2020, 1, 1).isoformat()
    old = await form_post(
        linli_client, url, {"account": "li", "role": str(role.id), "ends_on": passed}
    )
    assert old.status_code == 400 and "The end date has already passed." in old.text
    garbled = await form_post(
        linli_client, url, {"account": "li", "role": str(role.id), "ends_on": "next spring"}
    )
    assert garbled.status_code == 400 and "year-month-day" in garbled.text
    nobody = await form_post(linli_client, url, {"account": "nobody", "role": str(role.id)})
    assert nobody.status_code == 404
    assert "No account of this community has that name." in nobody.text
    assert await Grant.filter(account=li).count() == 2  # the resident role and this one

    asked = await form_post(linli_client, f"{ADMIN}/grants/{held.id}/withdraw", {})
    assert asked.status_code == 200 and 'name="confirmed" value="yes"' in asked.text
    assert (await load_actor(li)).can("identity.person.view", trees.flat)  # not yet
    withdrawn = await form_post(
        linli_client, f"{ADMIN}/grants/{held.id}/withdraw", {"confirmed": "yes"}
    )
    assert withdrawn.status_code == 200 and "The role was withdrawn." in withdrawn.text
    assert not (await load_actor(li)).can("identity.person.view", trees.flat)
    held = await Grant.get(id=held.id)
    assert held.ends_at is not None  # ended, not deleted: the history stays
    [ended] = await _entries("grant.withdraw")
    assert ended.before["ends_at"] is not None and ended.after["ends_at"] != ended.before["ends_at"]
    again = await form_post(
        linli_client, f"{ADMIN}/grants/{held.id}/withdraw", {"confirmed": "yes"}
    )
    assert again.status_code == 400 and "This role has already ended." in again.text


async def test_holders_at_or_above_across_trees(linli_client, linli_community):
    """Cross-appointment: the community party secretary is also the property company's
    service-quality director; each tree's pages show her where her grants reach."""
    trees = await _trees(linli_community)
    await make_account(
        "secretary",
        linli_community,
        ("committee_secretary", trees.committee),
        ("property_staff", trees.company),
    )
    await make_account("branchsec", linli_community, ("branch_secretary", trees.branch))
    await _admin(linli_client, linli_community)
    group = await linli_client.get(f"{ADMIN}/nodes/{trees.group.id}")
    holders = group.text[group.text.index('class="cards holders"') :]
    assert "secretary" in holders and "branchsec" in holders
    team = await linli_client.get(f"{ADMIN}/nodes/{trees.team.id}")
    team_holders = team.text[team.text.index('class="cards holders"') :]
    assert "secretary" in team_holders and "branchsec" not in team_holders
    flat = await linli_client.get(f"{ADMIN}/nodes/{trees.flat.id}")
    flat_holders = flat.text[flat.text.index('class="cards holders"') :]
    assert "secretary" not in flat_holders and "admin" in flat_holders
    listed = await linli_client.get(f"{ADMIN}/grants", params={"account": "secretary"})
    assert "社区党委" in listed.text and "物业公司" in listed.text
    assert "branchsec" not in listed.text


# Ids from another community


async def test_ids_from_another_community_answer_404_and_change_nothing(
    linli_client, linli_community, linli_registry
):
    trees = await _trees(linli_community)
    other = await create_community("other", "别的社区", linli_registry)
    other_root = await community_root(other)
    other_node = await add_node(kind="estate", name="别的小区", parent=other_root)
    other_role = await Role.get(community=other, key="administrator")
    stranger = await make_account("stranger", other, "resident")
    other_grant = await Grant.get(account=stranger)
    await make_account("li", linli_community, "resident")
    await _admin(linli_client, linli_community)
    _english(linli_client)
    own_role = await Role.get(community=linli_community, key="grid_worker")

    for url in [
        f"{ADMIN}/nodes/{other_node.id}",
        f"{ADMIN}/nodes/{other_node.id}/edit",
        f"{ADMIN}/nodes/{other_node.id}/children",
        f"{ADMIN}/nodes/{other_node.id}/grant",
        f"{ADMIN}/roles/{other_role.id}",
        f"{ADMIN}/nodes/999999",
        f"{ADMIN}/nodes/99999999999",  # beyond any id the database can hold
        f"{ADMIN}/roles/99999999999",
    ]:
        response = await linli_client.get(url)
        assert response.status_code == 404, url
    missing = await linli_client.get(f"{ADMIN}/nodes/{other_node.id}")
    assert "There is no such node in this community." in missing.text

    posts = [
        (f"{ADMIN}/nodes/{other_node.id}/edit", {"name": "改名"}),
        (f"{ADMIN}/nodes/{trees.b10.id}/move", {"parent": str(other_node.id)}),
        (f"{ADMIN}/nodes/{other_node.id}/move", {"parent": str(trees.estate.id)}),
        (f"{ADMIN}/nodes/{trees.b10.id}/grant", {"account": "li", "role": str(other_role.id)}),
        (f"{ADMIN}/nodes/{other_node.id}/grant", {"account": "li", "role": str(own_role.id)}),
        (f"{ADMIN}/nodes/{trees.b10.id}/grant", {"account": "stranger", "role": str(own_role.id)}),
        (f"{ADMIN}/nodes/{trees.b10.id}/move", {"parent": "99999999999"}),
        (f"{ADMIN}/grants/{other_grant.id}/withdraw", {}),
        (f"{ADMIN}/grants/99999999999/withdraw", {}),
        (f"{ADMIN}/roles/{other_role.id}", {"name": "x", "permission": "audit.view"}),
    ]
    for url, data in posts:
        response = await form_post(linli_client, url, data)
        assert response.status_code == 404, url
    assert (await Node.get(id=other_node.id)).name == "别的小区"
    assert (await Node.get(id=trees.b10.id)).parent_id == trees.estate.id
    assert await Grant.filter(account__username="li").count() == 1
    assert await Grant.filter(account=stranger).count() == 1
    assert (await Grant.get(id=other_grant.id)).ends_at is None
    assert (await Role.get(id=other_role.id)).name == "管理员"
    assert await AuditEntry.all().count() == 0


async def test_grants_of_another_community_are_not_listed(
    linli_client, linli_community, linli_registry
):
    other = await create_community("other", "别的社区", linli_registry)
    await make_account("stranger", other, "administrator")
    await _admin(linli_client, linli_community)
    page = await linli_client.get(f"{ADMIN}/grants")
    assert "admin" in page.text and "stranger" not in page.text


# The audit trail


async def _some_writes(client, trees, community) -> None:
    await form_post(client, f"{ADMIN}/nodes/{trees.b10.id}/edit", {"name": "10号楼", "code": "B10"})
    await form_post(client, f"{ADMIN}/nodes/{trees.b11.id}/edit", {"name": "11号楼", "code": "B11"})
    await form_post(client, f"{ADMIN}/nodes/{trees.b11.id}/move", {"parent": str(trees.root.id)})


async def test_audit_trail_shows_before_and_after_with_filters(
    linli_client, linli_community, linli_registry
):
    trees = await _trees(linli_community)
    await _admin(linli_client, linli_community)
    await _some_writes(linli_client, trees, linli_community)
    other = await create_community("other", "别的社区", linli_registry)
    await AuditEntry.create(community=other, action="node.edit", object_type="core.Node")
    page = await linli_client.get(f"{ADMIN}/audit")
    assert page.status_code == 200
    assert page.text.count('class="audit-entry"') == 3
    # newest first: the move, then the two renames
    assert page.text.index("node.move") < page.text.index("11号楼") < page.text.index("10号楼")
    assert "10栋" in page.text  # the value before
    assert page.text.count('<option value="node.edit"') == 1  # each action offered once
    edits = await linli_client.get(f"{ADMIN}/audit", params={"action": "node.edit"})
    assert edits.text.count('class="audit-entry"') == 2
    by_admin = await linli_client.get(f"{ADMIN}/audit", params={"actor": "admin"})
    assert by_admin.text.count('class="audit-entry"') == 3
    by_nobody = await linli_client.get(f"{ADMIN}/audit", params={"actor": "someone"})
    assert by_nobody.text.count('class="audit-entry"') == 0
    nodes = await linli_client.get(f"{ADMIN}/audit", params={"object_type": "core.Node"})
    assert nodes.text.count('class="audit-entry"') == 3
    roles = await linli_client.get(f"{ADMIN}/audit", params={"object_type": "core.Role"})
    assert roles.text.count('class="audit-entry"') == 0
    today = datetime.now(SHANGHAI).date()
    day = timedelta(days=1)
    same_day = await linli_client.get(
        f"{ADMIN}/audit", params={"since": today.isoformat(), "until": today.isoformat()}
    )
    assert same_day.text.count('class="audit-entry"') == 3
    url = f"{ADMIN}/audit"
    tomorrow = await linli_client.get(url, params={"since": (today + day).isoformat()})
    assert tomorrow.text.count('class="audit-entry"') == 0
    yesterday = await linli_client.get(url, params={"until": (today - day).isoformat()})
    assert yesterday.text.count('class="audit-entry"') == 0
    _english(linli_client)
    garbled = await linli_client.get(f"{ADMIN}/audit", params={"since": "last week"})
    assert garbled.status_code == 400 and "year-month-day" in garbled.text
    backwards = await linli_client.get(
        f"{ADMIN}/audit", params={"since": today.isoformat(), "until": (today - day).isoformat()}
    )
    assert backwards.status_code == 400


async def test_audit_trail_costs_the_same_number_of_queries_per_page(linli_client, linli_community):
    trees = await _trees(linli_community)
    await _admin(linli_client, linli_community)
    await _some_writes(linli_client, trees, linli_community)

    async def audit_queries() -> int:
        return len(await page_queries(linli_client, f"{ADMIN}/audit"))

    few = await audit_queries()
    people = [await make_account(f"staff{n}", linli_community) for n in range(5)]
    for number in range(60):
        await AuditEntry.create(
            community=linli_community,
            actor=people[number % 5],
            action=f"test.action{number % 7}",
            object_type="core.Node",
            object_id=str(number),
            before={"n": number},
            after={"n": number + 1},
        )
    assert await audit_queries() == few
    page = await linli_client.get(f"{ADMIN}/audit")
    assert page.text.count('class="audit-entry"') == 50 and 'rel="next"' in page.text


async def test_grant_and_role_changes_are_in_the_trail(linli_client, linli_community):
    trees = await _trees(linli_community)
    await make_account("li", linli_community, "resident")
    await _admin(linli_client, linli_community)
    role = await Role.get(community=linli_community, key="volunteer")
    await form_post(
        linli_client, f"{ADMIN}/nodes/{trees.b10.id}/grant", {"account": "li", "role": str(role.id)}
    )
    await form_post(linli_client, f"{ADMIN}/roles/{role.id}", {"name": "志愿者"})
    page = await linli_client.get(f"{ADMIN}/audit", params={"object_type": "core.Grant"})
    assert page.text.count('class="audit-entry"') == 1
    roles = await linli_client.get(f"{ADMIN}/audit", params={"action": "role.edit"})
    assert roles.text.count('class="audit-entry"') == 1
    assert "identity.act_on_behalf" in roles.text  # the permission that was taken away


# Plugins


@pytest.mark.linli_plugins("sample", "needy")
async def test_switching_plugins_from_the_page(linli_client, linli_community):
    await _admin(linli_client, linli_community)
    _english(linli_client)
    page = await linli_client.get(f"{ADMIN}/plugins")
    assert page.status_code == 200
    assert "Notice board" in page.text and f'action="{ADMIN}/plugins/sample/disable"' in page.text
    needed = await form_post(linli_client, f"{ADMIN}/plugins/sample/disable", {})
    assert needed.status_code == 400 and "Switch off needy first" in needed.text
    assert (await PluginState.get(community=linli_community, plugin="sample")).enabled
    off = await form_post(linli_client, f"{ADMIN}/plugins/needy/disable", {"confirmed": "yes"})
    assert off.status_code == 200 and "Switched off." in off.text
    # switching off asks first, saying what it stops, and changes nothing until confirmed
    from linli_sample.models import Note

    await Note.create(community=linli_community, text="a")
    await Note.create(community=linli_community, text="b")
    asked = await form_post(linli_client, f"{ADMIN}/plugins/sample/disable", {})
    assert asked.status_code == 200
    assert "Switch Notice board off in this community?" in asked.text
    assert "2 notes would no longer be shown" in asked.text
    assert "nothing" not in asked.text  # a count of 0 is not shown
    assert 'name="confirmed" value="yes"' in asked.text
    assert (await PluginState.get(community=linli_community, plugin="sample")).enabled
    off = await form_post(linli_client, f"{ADMIN}/plugins/sample/disable", {"confirmed": "yes"})
    assert off.status_code == 200
    assert f'action="{ADMIN}/plugins/sample/enable"' in off.text
    assert (await linli_client.get("/c/test/sample/")).status_code == 404
    on = await form_post(linli_client, f"{ADMIN}/plugins/needy/enable", {})
    assert on.status_code == 200  # switching needy on brings sample back too
    assert (await linli_client.get("/c/test/sample/")).status_code == 200
    assert [(e.action, e.object_id) for e in await AuditEntry.all().order_by("id")] == [
        ("plugin.disable", "needy"),
        ("plugin.disable", "sample"),
        ("plugin.enable", "sample"),
        ("plugin.enable", "needy"),
    ]
    unknown = await form_post(linli_client, f"{ADMIN}/plugins/nothing/enable", {})
    assert unknown.status_code == 404


async def test_accounts_are_opened_reset_and_switched_off_from_the_admin_pages(
    linli_client, linli_community
):
    from linli.domain.audit.models import AuditEntry
    from linli.domain.identity.models import Account, Person
    from linli.testing import form_post, log_in, make_account

    await make_account("admin", linli_community, "administrator")
    await log_in(linli_client, "admin")
    grandpa = await Person.create(community=linli_community, name="李爷爷")
    opened = await form_post(
        linli_client,
        "/c/test/admin/accounts",
        {"username": "li-yeye", "phone": "13900000002", "person_id": str(grandpa.id)},
    )
    assert opened.status_code == 200
    assert "临时密码" in opened.text or "Temporary password" in opened.text
    account = await Account.get(username="li-yeye")
    assert account.person_id == grandpa.id and account.must_change_password
    twice = await form_post(
        linli_client, "/c/test/admin/accounts", {"username": "li-2", "person_id": str(grandpa.id)}
    )
    assert twice.status_code == 400 and not await Account.exists(username="li-2")
    await form_post(linli_client, f"/c/test/admin/accounts/{account.id}/active", {"active": "off"})
    assert not (await Account.get(id=account.id)).is_active
    reset = await form_post(linli_client, f"/c/test/admin/accounts/{account.id}/reset", {})
    assert reset.status_code == 200 and "temporary-password" in reset.text
    actions = set(await AuditEntry.all().values_list("action", flat=True))
    assert {"account.create", "account.deactivate", "account.reset_password"} <= actions


async def test_accounts_of_another_community_are_out_of_reach(
    linli_client, linli_community, linli_registry
):
    from linli.domain.communities import create_community
    from linli.domain.identity.models import Account
    from linli.testing import form_post, log_in, make_account

    other = await create_community("other", "别的社区", linli_registry)
    stranger = await make_account("stranger", other, "resident")
    await make_account("admin", linli_community, "administrator")
    await log_in(linli_client, "admin")
    response = await form_post(
        linli_client, f"/c/test/admin/accounts/{stranger.id}/active", {"active": "off"}
    )
    assert response.status_code == 404
    assert (await Account.get(id=stranger.id)).is_active
    listing = await linli_client.get("/c/test/admin/accounts")
    assert "stranger" not in listing.text
