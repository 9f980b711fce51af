"""Approved volunteer hours earn street bank points once: the volunteers report the
service with the core's shared ``service.verified`` and the street bank credits it.
Neither plugin imports the other; only this test loads both."""

from datetime import date

import pytest

from linli.testing import form_post, log_in, make_account, make_person
from linli_streetbank import services as bank
from linli_volunteers.models import Hours
from linli_volunteers.testing import make_volunteer

pytestmark = pytest.mark.linli_plugins("volunteers", "streetbank")


async def test_approved_hours_are_credited_once(linli_app, linli_client, linli_community):
    from linli_streetbank.models import ServiceCategory

    await ServiceCategory.get_or_create(
        community=linli_community, key="patrol",
        defaults={"name": "平安巡逻", "name_en": "Patrol", "unit": "hour", "rate": 8},
    )  # fmt: skip
    volunteer = await make_volunteer(linli_community, await make_person(linli_community, "王师傅"))
    entry = await Hours.create(
        community=linli_community, volunteer=volunteer, reference="shift:1", title="平安巡逻",
        category="patrol", day=date(2026, 3, 14), hours=3.0, scheduled=3.0,
    )  # fmt: skip
    await make_account("worker", linli_community, "community_worker")
    await log_in(linli_client, "worker")
    url = f"/c/test/volunteers/hours/{entry.id}/approve"
    await form_post(linli_client, url, {})
    await form_post(linli_client, url, {})  # a double click
    bus = linli_app.state.site.bus
    await bus.dispatch_due()
    person = await volunteer.person
    assert await bank.balance_of(person) == 24  # 3 hours at 8 points, once
    await form_post(linli_client, url, {})
    await bus.dispatch_due()
    assert await bank.balance_of(person) == 24


async def test_pending_and_declined_hours_earn_nothing(linli_app, linli_client, linli_community):
    volunteer = await make_volunteer(linli_community, await make_person(linli_community, "赵姐"))
    declined = await Hours.create(
        community=linli_community, volunteer=volunteer, reference="shift:2", title="巡逻",
        category="skills", day=date(2026, 3, 14), hours=3.0, scheduled=3.0,
    )  # fmt: skip
    await Hours.create(
        community=linli_community, volunteer=volunteer, reference="shift:3", title="巡逻",
        category="skills", day=date(2026, 3, 15), hours=3.0, scheduled=3.0,
    )  # fmt: skip
    await make_account("worker", linli_community, "community_worker")
    await log_in(linli_client, "worker")
    await form_post(linli_client, f"/c/test/volunteers/hours/{declined.id}/decline", {})
    await linli_app.state.site.bus.dispatch_due()
    assert await bank.balance_of(await volunteer.person) == 0
