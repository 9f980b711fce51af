"""Acceptance 3: a volunteer who is not someone's carer cannot see their care page,
their visit form or their notes (HTTP); their carer and care staff can, and every
staff read of health notes is written to the audit trail."""

from datetime import UTC, datetime

import pytest

from linli.kit import AuditEntry, load_actor
from linli.testing import form_post, log_in
from linli_care import services

pytestmark = pytest.mark.linli_plugins("care")

BASE = "/c/test/care/"


@pytest.fixture
async def noted(kit):
    await services.add_note(
        kit.elder, "高血压,每天服药", actor=await load_actor(kit.worker), now=datetime.now(UTC)
    )
    return kit


@pytest.mark.parametrize("user", ["volunteer", "resident", "grid10"])
async def test_who_is_not_a_carer_sees_nothing(linli_client, noted, user):
    await log_in(linli_client, user)
    for path in (
        f"people/{noted.elder.id}",
        f"people/{noted.elder.id}/notes",
        f"visit/{noted.elder.id}",
    ):
        page = await linli_client.get(BASE + path)
        assert page.status_code == 404, (user, path)
        assert "高血压" not in page.text and "张奶奶" not in page.text
    posted = await form_post(linli_client, f"{BASE}people/{noted.elder.id}/notes", {"text": "x"})
    assert posted.status_code == 404
    home = await linli_client.get(BASE)
    assert "张奶奶" not in home.text
    register = await linli_client.get(f"/c/test/register/people/{noted.elder.id}")
    assert "高血压" not in register.text
    assert await AuditEntry.filter(action="care.notes.read").count() == 0


@pytest.mark.parametrize(
    ("user", "as_"), [("carer", "carer"), ("grid", "staff"), ("worker", "staff")]
)
async def test_carers_and_staff_read_the_notes_and_each_read_is_audited(
    linli_client, noted, user, as_
):
    await log_in(linli_client, user)
    page = await linli_client.get(f"{BASE}people/{noted.elder.id}")
    assert page.status_code == 200 and "高血压" not in page.text  # behind a link
    assert await AuditEntry.filter(action="care.notes.read").count() == 0
    page = await linli_client.get(f"{BASE}people/{noted.elder.id}/notes")
    assert page.status_code == 200 and "高血压" in page.text
    await linli_client.get(f"{BASE}people/{noted.elder.id}/notes")
    reads = await AuditEntry.filter(action="care.notes.read").prefetch_related("actor")
    assert len(reads) == 2
    assert {(r.actor.username, r.after["as"], r.object_id) for r in reads} == {
        (user, as_, str(noted.elder.id))
    }


async def test_the_carer_sees_the_person_on_their_phone_list(linli_client, kit):
    await log_in(linli_client, "carer")
    page = await linli_client.get(BASE)
    assert page.status_code == 200 and "张奶奶" in page.text
    assert f'href="{BASE}visit/{kit.elder.id}"' in page.text
