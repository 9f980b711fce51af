"""Each plugin speaks its own words: one English id may be 排序 in the council and 订餐 in
the canteen, and every page shows its own plugin's word (the core's on core pages)."""

import importlib
import re
from pathlib import Path

import pytest

import linli
from linli.kernel.i18n import Catalogues
from linli.testing import log_in, make_account, make_place


def _catalogue(root: Path, name: str, entries: dict[str, str]) -> Path:
    folder = root / name / "locale" / "zh_CN" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    body = "".join(f'msgid "{k}"\nmsgstr "{v}"\n\n' for k, v in entries.items())
    (folder / "messages.po").write_text(
        f'msgid ""\nmsgstr "Content-Type: text/plain; charset=utf-8\\n"\n\n{body}',
        encoding="utf-8",
    )
    return folder.parents[1]


def test_each_domain_takes_its_own_word_first_then_the_cores(tmp_path: Path):
    alpha = _catalogue(tmp_path, "alpha", {"Order": "订餐", "Soup": "汤"})
    beta = _catalogue(tmp_path, "beta", {"Order": "排序", "Home": "主页"})
    catalogues = Catalogues({"alpha": [alpha], "beta": [beta]})
    assert catalogues.translate("zh_CN", "Order", "alpha") == "订餐"
    assert catalogues.translate("zh_CN", "Order", "beta") == "排序"
    # the core's word before another plugin's, and a plugin's word on its own pages
    assert catalogues.translate("zh_CN", "Home", "alpha") == "首页"
    assert catalogues.translate("zh_CN", "Home", "beta") == "主页"
    assert catalogues.translate("zh_CN", "Home") == "首页"
    # a word only another plugin has is still found
    assert catalogues.translate("zh_CN", "Soup", "beta") == "汤"
    assert catalogues.translate("en", "Order", "beta") == "Order"


def test_a_word_that_only_other_plugins_translate_differently_is_ambiguous(tmp_path: Path):
    alpha = _catalogue(tmp_path, "alpha", {"Order": "订餐"})
    beta = _catalogue(tmp_path, "beta", {"Order": "排序"})
    gamma = _catalogue(tmp_path, "gamma", {"Soup": "汤"})
    catalogues = Catalogues({"alpha": [alpha], "beta": [beta], "gamma": [gamma]})
    assert catalogues.translations_of("Order") == {"alpha": "订餐", "beta": "排序"}
    assert catalogues.ambiguous("gamma", ["Order", "Soup", "Home"]) == ["Order"]
    assert catalogues.ambiguous("alpha", ["Order"]) == []
    assert catalogues.domain_of_template("beta/page.html") == "beta"
    assert catalogues.domain_of_template("beta:beta/page.html") == "beta"
    assert catalogues.domain_of_template("core:base.html") == "core"
    assert catalogues.domain_of_template("admin/node.html") == "core"


@pytest.mark.linli_plugins("canteen", "council")
async def test_the_council_says_sort_where_the_canteen_says_order(linli_client, linli_community):
    """The canteen translates "Order" as 订餐 and loads first; the council's needs list
    still labels its sort control 排序, and the admin page keeps the core's 编码."""
    await make_account("member", linli_community, "council_member")
    await log_in(linli_client, "member")
    page = await linli_client.get("/c/test/council/needs/")
    assert page.status_code == 200
    assert "排序" in page.text and "订餐" not in page.text


@pytest.mark.linli_plugins("streetbank")
async def test_the_admin_node_page_keeps_the_cores_words(linli_client, linli_community):
    building = await make_place(linli_community, "building", "10栋", code="B10")
    await make_account("admin", linli_community, "administrator")
    await log_in(linli_client, "admin")
    page = await linli_client.get(f"/c/test/admin/nodes/{building.id}")
    assert page.status_code == 200
    assert "编码" in page.text and "兑换码" not in page.text
    assert "类型" in page.text


async def test_the_english_register_shows_gender_and_tags_in_english(linli_client, linli_community):
    from linli.domain.identity.people import add_tag
    from linli.testing import make_resident

    building = await make_place(linli_community, "building", "10栋")
    person, _ = await make_resident(linli_community, building, "周老伯")
    person.gender = "男"
    await person.save()
    await add_tag(person, "独居", actor=None)
    await make_account("worker", linli_community, "community_worker")
    await log_in(linli_client, "worker")
    linli_client.cookies.set("linli_lang", "en")
    listing = await linli_client.get("/c/test/register/")
    page = await linli_client.get(f"/c/test/register/people/{person.id}")
    for shown in (listing, page):
        assert shown.status_code == 200
        assert "Male" in shown.text and "Lives alone" in shown.text
        assert "<td>男</td>" not in shown.text and ">独居<" not in shown.text


async def test_places_are_listed_in_natural_order(linli_client, linli_community):
    from linli.domain.communities import community_root
    from linli.domain.hierarchy.services import children_of

    root = await community_root(linli_community)
    for name in ("1栋", "20栋", "2栋", "10栋"):
        await make_place(linli_community, "building", name, parent=root)
    assert [n.name for n in await children_of(root)][-4:] == ["1栋", "2栋", "10栋", "20栋"]


ACTION_CALL = re.compile(r"\b(?:audit|record)\(\s*\"([a-z_]+\.[a-z_.]+)\"")


@pytest.mark.linli_plugins("canteen", "codesign", "council", "mediation", "streetbank")
def test_every_audited_action_has_a_title(linli_registry):
    """The audit trail names every action a plugin or the core records in words."""
    from linli.builtin.admin.routes import ACTION_TITLES

    titled = set(ACTION_TITLES) | set(linli_registry.audit_titles())
    sources = [*Path(linli.__file__).parent.rglob("*.py")]
    for name in ("canteen", "codesign", "council", "mediation", "streetbank"):
        package = Path(importlib.import_module(f"linli_{name}").__file__).parent
        sources += package.rglob("*.py")
    recorded = {
        action for path in sources for action in ACTION_CALL.findall(path.read_text("utf-8"))
    }
    assert len(recorded) > 40
    assert sorted(recorded - titled) == []


@pytest.mark.linli_plugins("canteen")
async def test_the_audit_trail_speaks_chinese_for_plugin_actions(linli_client, linli_community):
    from linli.domain.audit.models import AuditEntry

    await AuditEntry.create(
        community_id=linli_community.id,
        action="canteen.alert.resolve",
        object_type="canteen.WelfareAlert",
        object_id="7",
    )
    await AuditEntry.create(
        community_id=linli_community.id, action="grant.add", object_type="core.Grant"
    )
    await make_account("admin", linli_community, "administrator")
    await log_in(linli_client, "admin")
    page = await linli_client.get("/c/test/admin/audit")
    assert page.status_code == 200
    assert "解决关怀预警" in page.text and "关怀预警 #7" in page.text
    assert "授予角色" in page.text and "角色授权" in page.text
    for key in ("canteen.alert.resolve", "canteen.WelfareAlert", "core.Grant"):
        assert f">{key}<" not in page.text and f"> {key}" not in page.text


def test_natural_order_reads_numbers_in_digits_and_in_chinese():
    from linli.kernel.sorting import natural_sorted

    names = ["江汉里三期", "10栋", "江汉里一期", "2栋", "十二栋", "江汉里二期", "1201室", "601室"]
    assert natural_sorted(names) == [
        "2栋", "10栋", "十二栋", "601室", "1201室", "江汉里一期", "江汉里二期", "江汉里三期",
    ]  # fmt: skip


@pytest.mark.linli_plugins("streetbank")
async def test_an_id_no_row_can_have_is_not_found(linli_client, linli_community):
    await make_account("admin", linli_community, "administrator")
    await log_in(linli_client, "admin")
    for path in ("/c/test/admin/nodes/2147483648", "/c/test/admin/grants/99999999999/withdraw"):
        page = await linli_client.get(path)
        assert page.status_code in (404, 405)
    page = await linli_client.get("/c/test/admin/nodes/99999999999999999999")
    assert page.status_code == 404
