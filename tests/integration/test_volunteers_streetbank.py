"""Approved volunteer hours earn street bank points once: the volunteers report the
service with the core's shared ``service.verified`` and the street bank credits it; the
street bank announces the credit (``streetbank.points_credited``) and the volunteer's
page shows the points. Neither plugin imports the other; only this test loads both."""

from datetime import date

import pytest

from linli.testing import emitted_events, form_post, log_in, make_account, make_person
from linli_streetbank import services as bank
from linli_volunteers import services
from linli_volunteers.models import Correction, Hours
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


async def deliver(bus) -> None:
    """Deliver events until none is due: the street bank's credit emits one more."""
    while await bus.dispatch_due():
        pass


def test_each_hears_what_the_other_sends(linli_registry):
    assert linli_registry.subscription_problems() == []


async def test_the_volunteer_sees_the_points_their_hours_earned(
    linli_app, linli_client, linli_community
):
    from linli_streetbank.models import ServiceCategory

    await ServiceCategory.get_or_create(
        community=linli_community, key="patrol",
        defaults={"name": "平安巡逻", "name_en": "Patrol", "unit": "hour", "rate": 8},
    )  # fmt: skip
    person = await make_person(linli_community, "王师傅")
    await make_account("wang", linli_community, "resident", person=person)
    volunteer = await make_volunteer(linli_community, person)
    today = services.local_day(services.now_utc())
    march = await Hours.create(
        community=linli_community, volunteer=volunteer, reference="shift:1", title="平安巡逻",
        category="patrol", day=today.replace(month=3, day=14), hours=3.0, scheduled=3.0,
    )  # fmt: skip
    april = await Hours.create(
        community=linli_community, volunteer=volunteer, reference="shift:2", title="平安巡逻",
        category="patrol", day=today.replace(month=4, day=2), hours=1.0, scheduled=1.0,
    )  # fmt: skip
    await make_account("worker", linli_community, "community_worker")
    await log_in(linli_client, "worker")
    for entry in (march, april):
        await form_post(linli_client, f"/c/test/volunteers/hours/{entry.id}/approve", {})
    bus = linli_app.state.site.bus
    await deliver(bus)
    assert await bank.balance_of(person) == 32
    credited = await emitted_events("streetbank.points_credited")
    assert sorted(p["reference"] for _, p in credited) == [
        f"hours:{march.id}",
        f"hours:{april.id}",
    ]
    await log_in(linli_client, "wang")
    page = await linli_client.get(f"/c/test/volunteers/register/{volunteer.id}")
    assert f"{today.year}年获得街坊银行积分：32" in page.text
    assert "<tr><td>3</td><td>3.0</td><td>24</td></tr>" in page.text
    assert "<tr><td>4</td><td>1.0</td><td>8</td></tr>" in page.text
    # a correction: the first credit is reversed and the corrected hours credited
    await form_post(
        linli_client, f"/c/test/volunteers/hours/{march.id}/correction",
        {"hours": "4", "reason": "签退晚了"},
    )  # fmt: skip
    await log_in(linli_client, "worker")
    correction = await Correction.get(entry_id=march.id)
    await form_post(
        linli_client, f"/c/test/volunteers/corrections/{correction.id}", {"approve": "yes"}
    )
    await deliver(bus)
    assert await bank.balance_of(person) == 40
    assert (await Hours.get(id=march.id)).points == 32
    await log_in(linli_client, "wang")
    page = await linli_client.get(f"/c/test/volunteers/register/{volunteer.id}")
    assert f"{today.year}年获得街坊银行积分：40" in page.text
    assert "<tr><td>3</td><td>4.0</td><td>32</td></tr>" in page.text
