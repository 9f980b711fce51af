"""Acceptance 4 (Chinese and English complete) and the demo seeder."""

import asyncio
import html
import os
import subprocess
import time
from zoneinfo import ZoneInfo

import pytest

from linli.kit import Account, community_root, load_actor
from linli.testing import (
    cli_command,
    log_in,
    make_account,
    make_person,
    make_place,
    make_resident,
)
from linli_mediation import services
from linli_mediation.demo import seed
from linli_mediation.models import Case, FollowUp, Session, Studio, Transition
from linli_mediation.testing import make_studio


def _check(folder):
    return subprocess.run(
        [*cli_command(), "plugins", "check", "mediation"],
        capture_output=True, text=True, cwd=folder, timeout=120, check=False,
        env={**os.environ, "LINLI_SECRET_KEY": "mediation-check-" * 3},
    )  # fmt: skip


async def test_linli_plugins_check_passes_with_every_message_in_chinese(tmp_path):
    """What a plugin author runs before publishing: the manifest, hooks, routes'
    permissions, templates and migrations, and every message translated into Chinese
    with the placeholders of its English id."""
    checked = await asyncio.to_thread(_check, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "translations: ok" in checked.stdout.splitlines()


@pytest.mark.linli_plugins("mediation")
def test_the_catalogue_merges_with_the_core(linli_registry):
    catalogues = linli_registry.catalogues
    assert catalogues.translate("zh_CN", "Mediation", "mediation") == "调解工作室"
    assert catalogues.translate("zh_CN", "Things thrown from height", "mediation") == "高空抛物"
    assert catalogues.translate("zh_CN", "Home", "mediation") == "首页"


async def _small_register(community):
    """Residents in two buildings under the party organisation (committee → branch →
    building group), and the demo's ``resident``: a person of no household, so that
    the seeder makes them a party of its first case only."""
    root = await community_root(community)
    committee = await make_place(community, "party_committee", "社区党委", covers=root)
    for number in (1, 2):
        building = await make_place(community, "building", f"{number}栋")
        branch = await make_place(
            community, "party_branch", f"{number}栋支部", parent=committee, covers=building
        )
        await make_place(
            community, "party_group", f"{number}栋党小组", parent=branch, covers=building
        )
        for flat in range(1, 7):
            await make_resident(community, building, f"居民{number}-{flat}")
    await make_account("resident", community, "resident", person=await make_person(community, "林"))


@pytest.mark.linli_plugins("mediation")
async def test_the_demo_seeds_a_plausible_year(linli_community):
    await _small_register(linli_community)
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


@pytest.mark.linli_plugins("mediation")
async def test_a_studio_is_named_in_the_reader_s_language(linli_client, linli_community):
    """A studio has its name in both languages (莲姐议事, Sister Lian's council): the
    English list of studios uses the English one (as do the case list and the forms)."""
    studio = await make_studio(linli_community, "莲姐议事", name_en="Sister Lian's council")
    await make_account("boss", linli_community, "mediation_supervisor")
    await log_in(linli_client, "boss")
    linli_client.cookies.set("linli_lang", "en")
    page = html.unescape((await linli_client.get("/c/test/mediation/")).text)
    assert f"<h3>{studio.name_en}</h3>" in page and "<h3>莲姐议事</h3>" not in page
    linli_client.cookies.set("linli_lang", "zh_CN")
    assert "<h3>莲姐议事</h3>" in (await linli_client.get("/c/test/mediation/")).text
