"""The demo seeds Jianghanli's care: groups from the register, carers from the lead
households, a month of visits with a few people overdue, the summer class."""

import pytest

from linli.cli import seed_demo_community
from linli.kernel.models import Community
from linli_care.models import CareGroup, Carer, Enrolment, Member, Programme, Visit

pytestmark = pytest.mark.linli_plugins("care")


async def test_the_demo_has_groups_carers_visits_and_the_summer_class(linli_db, linli_registry):
    lines = await seed_demo_community(linli_registry)
    community = await Community.get(slug="jianghanli")
    assert await CareGroup.filter(community=community).count() == 4
    alone = await CareGroup.get(community=community, name="高龄独居")
    assert await Member.filter(group=alone).count() > 20
    assert await Carer.filter(community=community, kind="party").count() > 20
    assert await Visit.filter(community=community).count() > 200
    overdue = [line for line in lines if line.startswith("care: 高龄独居")]
    assert overdue and "100%" not in overdue[0], lines
    summer = await Programme.get(community=community, title="暑期托管班")
    assert summer.taken == await Enrolment.filter(programme=summer).count() > 0
    assert not await Enrolment.filter(programme=summer, guardian_id__isnull=True).exists()
