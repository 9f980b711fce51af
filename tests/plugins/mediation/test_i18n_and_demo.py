"""Acceptance 4 (Chinese and English complete) and the demo seeder."""

import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import linli_mediation
from linli.demo import build_demo_register
from linli.i18n import Catalogues, message_ids, missing_translations, placeholder_mismatches
from linli.identity.models import Account
from linli.permissions.services import load_actor
from linli_mediation import services
from linli_mediation.demo import seed
from linli_mediation.models import Case, FollowUp, Session, Studio, Transition

PACKAGE = Path(linli_mediation.__file__).parent


def test_every_message_is_translated_into_chinese():
    assert len(message_ids(PACKAGE)) > 150
    assert missing_translations(PACKAGE) == []


def test_placeholders_survive_translation():
    assert placeholder_mismatches(PACKAGE) == []


def test_the_catalogue_merges_with_the_core():
    catalogues = Catalogues([PACKAGE / "locale"])
    assert catalogues.translate("zh_CN", "Mediation") == "调解工作室"
    assert catalogues.translate("zh_CN", "Things thrown from height") == "高空抛物"
    assert catalogues.translate("zh_CN", "Home") == "首页"


@pytest.mark.linli_plugins("mediation")
async def test_the_demo_seeds_a_plausible_year(linli_community, linli_registry):
    await build_demo_register(linli_community, linli_registry)
    started = time.perf_counter()
    lines = await seed(linli_community)
    assert time.perf_counter() - started < 10
    assert any("mediator_fan" in line and "mediation_supervisor" in line for line in lines)
    assert await Studio.filter(community=linli_community).count() == 2
    cases = await Case.filter(community=linli_community)
    assert len(cases) == 42
    assert {c.category for c in cases} == set(services.CATEGORIES)
    assert any(c.status == "referred" for c in cases)
    assert any(c.escalations for c in cases)
    for case in cases:
        actions = await Transition.filter(case_id=case.id).values_list("action", flat=True)
        assert actions[0] in ("intake", "request")
        if case.status == "closed":
            assert await Session.filter(case_id=case.id).exists()
            if case.outcome == "agreement":
                assert await FollowUp.filter(case_id=case.id).exists()
    mediator = await load_actor(await Account.get(username="mediator"))
    zone = ZoneInfo("Asia/Shanghai")
    board = await services.dashboard(
        mediator, linli_community, today=services.now_utc().astimezone(zone).date(), zone=zone
    )
    assert board is not None and board.overdue_count > 0
    # the demo resident is a party of one case, and sees only that one
    resident = await load_actor(await Account.get(username="resident"))
    assert await services.visible_cases(resident, linli_community).count() == 1
