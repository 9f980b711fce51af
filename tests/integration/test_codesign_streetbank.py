"""Co-design and the street bank together: confirmed hours of a co-built project earn
points, once, through the core's shared ``service.verified`` (neither plugin imports
the other; only this test imports both)."""

from datetime import date

import pytest
from tortoise.transactions import in_transaction

from linli.kit import emit, load_actor
from linli.testing import make_account, make_place, make_resident
from linli_codesign import services
from linli_codesign.models import BUILD
from linli_codesign.testing import make_project, move_to
from linli_streetbank import services as bank


@pytest.mark.linli_plugins("codesign", "streetbank")
async def test_confirmed_hours_earn_street_bank_points_once(linli_bus, linli_community):
    await bank.save_category(linli_community, key="clean-up", name="环境整治", rate=5)
    building = await make_place(linli_community, "building", "10栋", code="10")
    worker = await make_account("worker", linli_community, "community_worker")
    project = await make_project(linli_community, "10栋法治架空层", place=building, by=worker)
    await move_to(project, BUILD)
    painter, _ = await make_resident(
        linli_community, building, "居民0", roles=(), born=date(1970, 5, 1)
    )
    offered = await services.offer_contribution(
        project, person_id=painter.id, kind="time", hours="4", description="手绘壁画",
        on=date(2026, 6, 1),
    )  # fmt: skip
    await services.decide_contribution(
        offered, project, confirm=True, actor=await load_actor(worker)
    )
    assert await linli_bus.dispatch_due() >= 1
    assert await bank.balance_of(painter) == 20
    # Delivered again (a retry, a second worker): credited once.
    async with in_transaction():
        await emit(
            "service.verified",
            {"person": painter.id, "hours": 4.0, "category": "clean-up", "source": "codesign",
             "reference": f"codesign-contribution-{offered.id}"},
            community=linli_community,
        )  # fmt: skip
    await linli_bus.dispatch_due()
    assert await bank.balance_of(painter) == 20
