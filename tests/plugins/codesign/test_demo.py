"""The demo seeder: the finished legal corner of building 10 (98% satisfied, murals and
donated furniture) and the dog-keeping project open for the vote."""

from datetime import date

import pytest

from linli_codesign import services
from linli_codesign.demo import seed
from linli_codesign.models import BUILD, CLOSED, ITEM, TIME, VOTE, Contribution, Project

from .conftest import make_participant, make_site

pytestmark = pytest.mark.linli_plugins("codesign")


async def test_the_demo_projects_tell_the_case(linli_bus, linli_community):
    place = await make_site(linli_community, residents=0)
    for i in range(60):
        await make_participant(
            linli_community, place.b10, f"十栋{i}", born=date(1960 + i % 40, 1, 1)
        )
    lines = await seed(linli_community)
    assert "98%" in lines[0]
    corner = await services.project_with_figures(
        linli_community.id, (await Project.get(title="10栋法治架空层", stage=CLOSED)).id, None
    )
    assert corner.stage == CLOSED and corner.place_id == place.b10.id
    assert services.satisfaction(corner.n_answers, corner.n_satisfied) == 98
    murals = await Contribution.filter(project_id=corner.id, kind=TIME).count()
    furniture = await Contribution.filter(project_id=corner.id, kind=ITEM).count()
    assert murals > 0 and furniture > 0
    await Project.filter(id=corner.id).update(stage=BUILD)  # results of the vote are counted
    corner.stage = BUILD
    assert (await services.results(corner)).winners[0].title.startswith("方案一")
    dogs = await Project.get(title="文明养犬公约")
    assert dogs.stage == VOTE and dogs.place_id == place.root.id
