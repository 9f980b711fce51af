"""Acceptance 4: a programme's places hold when a crowd enrols at once (on SQLite the
one connection serialises the transactions, on PostgreSQL they race), and a child is
enrolled only with a guardian who consents."""

import asyncio
from datetime import UTC, date, datetime

import pytest

from linli.kit import Actor, load_actor
from linli.testing import form_post, log_in, make_account, make_household, make_person
from linli_care import services
from linli_care.models import Enrolment, Programme
from linli_care.testing import make_programme

pytestmark = pytest.mark.linli_plugins("care")


class Worker(Actor):
    def can(self, permission, node):
        return permission == "care.programmes"


async def test_thirty_enrol_at_once_for_five_places(linli_community):
    programme = await make_programme(linli_community, "老年大学书法班", kind="silver", capacity=5)
    people = [
        await make_person(linli_community, f"学员{i}", born=date(1950, 1, 1)) for i in range(30)
    ]
    today, now = date(2026, 7, 1), datetime.now(UTC)
    results = await asyncio.gather(
        *(
            services.enrol(programme, p, actor=Worker(account=None), today=today, now=now)
            for p in people
        ),
        return_exceptions=True,
    )
    assert sum(isinstance(r, Enrolment) for r in results) == 5
    assert all(isinstance(r, Enrolment | services.ProgrammeFull) for r in results), results
    assert (await Programme.get(id=programme.id)).taken == 5
    assert await Enrolment.filter(programme=programme).count() == 5


async def test_a_double_tap_enrols_once(linli_community):
    programme = await make_programme(linli_community, capacity=5, kind="silver")
    person = await make_person(linli_community, "王老师", born=date(1950, 1, 1))
    results = await asyncio.gather(
        *(
            services.enrol(
                programme, person, actor=Worker(account=None), today=date(2026, 7, 1),
                now=datetime.now(UTC),
            )
            for _ in range(5)
        ),
        return_exceptions=True,
    )  # fmt: skip
    assert sum(isinstance(r, Enrolment) for r in results) == 1
    assert (await Programme.get(id=programme.id)).taken == 1


async def test_a_child_needs_a_guardian_who_consents(linli_client, linli_community, kit):
    community = linli_community
    programme = await make_programme(community, "暑期托管班", capacity=10)
    child = await make_person(community, "小宇", born=date(2016, 5, 1))
    parent = await make_person(community, "小宇妈妈", born=date(1988, 2, 1))
    await make_household(community, kit.building, child, parent, code="H-xy")
    await make_account("parent", community, "resident", person=parent)
    url = f"/c/test/care/programmes/{programme.id}/enrol"
    await log_in(linli_client, "parent")
    alone = await form_post(linli_client, url, {"who": "小宇"})
    assert alone.status_code == 400 and 'id="guardian-error"' in alone.text
    unconsented = await form_post(linli_client, url, {"who": "小宇", "guardian": "小宇妈妈"})
    assert unconsented.status_code == 400 and 'id="consent-error"' in unconsented.text
    assert await Enrolment.all().count() == 0
    # a stranger cannot name themselves the guardian of somebody else's child
    await log_in(linli_client, "resident")
    stranger = await form_post(
        linli_client, url, {"who": "小宇", "guardian": "邻居", "consent": "yes"}
    )
    assert stranger.status_code in (400, 403)
    assert await Enrolment.all().count() == 0
    await log_in(linli_client, "parent")
    done = await form_post(
        linli_client, url, {"who": "小宇", "guardian": "小宇妈妈", "consent": "yes"}
    )
    assert done.status_code == 200
    enrolment = await Enrolment.get(person=child)
    assert enrolment.guardian_id == parent.id and enrolment.consent_at is not None
    assert (await Programme.get(id=programme.id)).taken == 1


async def test_a_worker_enrols_a_child_with_the_guardian_named(linli_community, kit):
    programme = await make_programme(linli_community, capacity=10)
    child = await make_person(linli_community, "小美", born=date(2015, 9, 1))
    mother = await make_person(linli_community, "小美妈妈", born=date(1985, 1, 1))
    with pytest.raises(services.GuardianNeeded):
        await services.enrol(
            programme, child, actor=await load_actor(kit.worker), today=date(2026, 7, 1),
            now=datetime.now(UTC),
        )  # fmt: skip
    row = await services.enrol(
        programme, child, actor=await load_actor(kit.worker), today=date(2026, 7, 1),
        now=datetime.now(UTC), guardian=mother, consent=True,
    )  # fmt: skip
    assert row.guardian_id == mother.id
