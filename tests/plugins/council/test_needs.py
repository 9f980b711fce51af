"""Needs: raising them (with a photo through the core's uploads), "me too" once per
resident whatever the race, merging duplicates, and the needs list's constant queries."""

import asyncio
import io
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from linli.kit import AuditEntry, Community, Person, Upload
from linli.testing import count_queries, form_post, log_in, make_resident
from linli_council import services
from linli_council.models import MERGED, Need, NeedSupport
from linli_council.testing import make_need

pytestmark = pytest.mark.linli_plugins("council")

NEEDS = "/c/test/council/needs/"


def picture(format: str = "JPEG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "orange").save(out, format=format)
    return out.getvalue()


async def _need(council, text="楼下电动车乱停", category="parking", author=None):
    author = author or council.resident
    return await make_need(council.community, author, text, category=category, by=council.worker)


async def test_a_resident_raises_a_need_with_a_photo(client, council):
    await log_in(client, "resident")
    response = await form_post(
        client,
        NEEDS,
        {"text": "  楼道灯坏了  ", "category": "property", "place": ""},
        files={"file": ("lamp.jpg", picture(), "image/jpeg")},
    )
    assert response.status_code == 200
    need = await Need.get(text="楼道灯坏了")
    assert need.author_id == council.resident.id and need.support_count == 1
    assert need.place_id is not None  # where the resident lives
    assert "楼道灯坏了" in response.text
    photo = await client.get(f"{NEEDS}{need.id}/photo")
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    assert photo.headers["x-content-type-options"] == "nosniff"


BAD_PHOTOS = [
    ("notes.jpg", b"MZ\x90\x00 not a picture at all", 400, "not a picture"),
    ("photo.png", picture("JPEG"), 400, "ends in .png"),
    ("huge.jpg", b"\xff\xd8\xff" + bytes(6 * 1024 * 1024), 413, "too large"),
]


async def test_a_bad_photo_is_refused_and_nothing_is_kept(client, council):
    """Wrong type, forged extension, oversized: a clear message, and no need and no
    upload left behind."""
    await log_in(client, "resident")
    for filename, data, status, message in BAD_PHOTOS:
        response = await form_post(
            client,
            NEEDS,
            {"text": "高空抛物", "category": "safety"},
            files={"file": (filename, data, "image/jpeg")},
        )
        assert response.status_code == status, filename
        assert message in response.text, filename
    assert await Need.all().count() == 0
    assert await Upload.all().count() == 0


async def test_a_bad_photo_is_refused_in_chinese(linli_client, council):
    client = linli_client
    await log_in(client, "resident")
    client.cookies.set("linli_lang", "zh_CN")
    response = await form_post(
        client,
        NEEDS,
        {"text": "高空抛物", "category": "safety"},
        files={"file": ("a.jpg", b"just text", "image/jpeg")},
    )
    assert response.status_code == 400
    assert "无法识别这张图片" in response.text
    assert await Need.all().count() == 0


async def test_bad_input_is_refused_with_a_message(client, council):
    await log_in(client, "resident")
    empty = await form_post(client, NEEDS, {"text": "  ", "category": "parking"})
    assert empty.status_code == 400 and "Describe the need." in empty.text
    wrong = await form_post(client, NEEDS, {"text": "x", "category": "spaceships"})
    assert wrong.status_code == 400 and "Choose a category." in wrong.text
    elsewhere = await form_post(
        client, NEEDS, {"text": "x", "category": "parking", "place": str(council.group.id)}
    )
    assert elsewhere.status_code == 400  # a party node is not a place
    assert await Need.all().count() == 0


async def test_a_resident_may_not_raise_a_need_for_someone_else(client, council):
    await log_in(client, "resident")
    response = await form_post(
        client, NEEDS, {"text": "x", "category": "parking", "for_person": "李大爷"}
    )
    assert response.status_code == 403
    assert await Need.all().count() == 0


async def test_a_worker_raises_a_need_on_behalf_of_a_resident(client, council):
    await log_in(client, "worker")
    response = await form_post(
        client, NEEDS, {"text": "电梯停运", "category": "lift", "for_person": "李大爷"}
    )
    assert response.status_code == 200
    need = await Need.get(text="电梯停运")
    assert need.author_id == council.neighbour.id
    assert need.raised_by_id == council.worker.id


async def test_me_too_once_per_resident(client, council):
    need = await _need(council)
    await log_in(client, "neighbour")
    first = await form_post(client, f"{NEEDS}{need.id}/support", {})
    assert first.status_code == 200 and "You back this need." in first.text
    # a second press says so and shows the need as it is: no error
    again = await form_post(client, f"{NEEDS}{need.id}/support", {})
    assert again.status_code == 200 and "You already back this need." in again.text
    assert "2 residents" in again.text
    await need.refresh_from_db()
    assert need.support_count == 2
    assert await NeedSupport.filter(need_id=need.id).count() == 2


async def test_the_author_already_backs_their_need(council):
    need = await _need(council)
    with pytest.raises(services.AlreadySupported):
        await services.support_need(need, council.resident)


async def test_twenty_clicks_of_one_resident_at_once_count_once(council):
    need = await _need(council)
    results = await asyncio.gather(
        *(services.support_need(need, council.neighbour) for _ in range(20)),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(refused) == 19
    assert all(isinstance(r, services.AlreadySupported) for r in refused)
    await need.refresh_from_db()
    assert need.support_count == 2
    assert await NeedSupport.filter(need_id=need.id).count() == 2


async def test_thirty_neighbours_at_once_are_all_counted(council):
    need = await _need(council)
    people = [await Person.create(community=council.community, name=f"邻居{i}") for i in range(30)]
    await asyncio.gather(*(services.support_need(need, person) for person in people))
    await need.refresh_from_db()
    assert need.support_count == 31 == await NeedSupport.filter(need_id=need.id).count()


async def test_merging_moves_supporters_and_counts_each_resident_once(client, council):
    keep = await _need(council, "电动车乱停")
    duplicate = await _need(council, "电动车停车难", author=council.neighbour)
    both, _ = await make_resident(council.community, council.b10, "赵阿姨")
    only_dup, _ = await make_resident(council.community, council.b10, "钱大爷")
    await services.support_need(keep, both)
    await services.support_need(duplicate, both)
    await services.support_need(duplicate, only_dup)
    # keep: resident, both (2); duplicate: neighbour, both, only_dup (3); union: 4
    await log_in(client, "member")
    asked = await form_post(client, f"{NEEDS}{duplicate.id}/merge", {"into": str(keep.id)})
    assert asked.status_code == 200 and "cannot be undone" in asked.text
    assert (await Need.get(id=duplicate.id)).status != MERGED  # asking changes nothing
    response = await form_post(
        client, f"{NEEDS}{duplicate.id}/merge", {"into": str(keep.id), "confirmed": "yes"}
    )
    assert response.status_code == 200 and "The needs were merged." in response.text
    await keep.refresh_from_db()
    await duplicate.refresh_from_db()
    assert keep.support_count == 4
    assert await NeedSupport.filter(need_id=keep.id).count() == 4
    assert duplicate.status == MERGED and duplicate.merged_into_id == keep.id
    assert await NeedSupport.filter(need_id=duplicate.id).count() == 0
    audit = await AuditEntry.get(action="council.need.merge")
    assert audit.object_id == str(duplicate.id) and audit.after["supporters_moved"] == 2
    with pytest.raises(services.CouncilError):
        await services.support_need(duplicate, await Person.get(name="王委员"))


async def test_merging_is_refused_for_the_same_need_or_a_merged_one(council):
    actor = await council.actor(council.member)
    one = await _need(council, "一")
    two = await _need(council, "二")
    with pytest.raises(services.CouncilError):
        await services.merge_needs(one, one, actor=actor)
    await services.merge_needs(one, two, actor=actor)
    with pytest.raises(services.CouncilError):
        await services.merge_needs(two, one, actor=actor)  # two is merged


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    a=st.sets(st.integers(0, 9), max_size=10),
    b=st.sets(st.integers(0, 9), max_size=10),
)
async def test_after_a_merge_the_count_is_the_union_of_supporters(council, a, b):
    await NeedSupport.all().delete()
    await Need.all().delete()
    people = list(await Person.filter(community_id=council.community.id).order_by("id"))
    while len(people) < 11:
        people.append(await Person.create(community=council.community, name=f"p{len(people)}"))
    keep = await _need(council, "留", author=people[10])
    dup = await _need(council, "并", author=people[10])
    for i in a:
        await services.support_need(keep, people[i])
    for i in b:
        await services.support_need(dup, people[i])
    await services.merge_needs(keep, dup, actor=await council.actor(council.member))
    await keep.refresh_from_db()
    assert keep.support_count == len(a | b) + 1
    assert keep.support_count == await NeedSupport.filter(need_id=keep.id).count()


async def test_another_communitys_need_does_not_exist_here(client, council):
    other = await Community.create(slug="other", name="别处")
    stranger = await Person.create(community=other, name="外人")
    need = await Need.create(
        community=other,
        author=stranger,
        text="别处的需求",
        category="other",
        created_at=datetime.now(UTC),
    )
    await log_in(client, "resident")
    assert (await client.get(f"{NEEDS}{need.id}")).status_code == 404
    assert (await form_post(client, f"{NEEDS}{need.id}/support", {})).status_code == 404
    assert (await client.get(f"{NEEDS}{need.id}/photo")).status_code == 404
    assert await NeedSupport.filter(need_id=need.id).count() == 0
    with pytest.raises(services.NotAllowed):
        await services.support_need(need, council.resident)


async def _bulk_needs(council, n: int) -> None:
    start = datetime.now(UTC) - timedelta(days=n)
    await Need.bulk_create(
        [
            Need(
                community_id=council.community.id,
                author_id=council.resident.id,
                text=f"需求{i}",
                category="parking",
                place_id=council.b10.id,
                support_count=1 + i % 7,
                created_at=start + timedelta(hours=i),
            )
            for i in range(n)
        ],
        batch_size=500,
    )
    ids = list(
        await Need.filter(community_id=council.community.id, supports__id__isnull=True).values_list(
            "id", flat=True
        )
    )
    await NeedSupport.bulk_create(
        [NeedSupport(need_id=i, person_id=council.resident.id) for i in ids], batch_size=500
    )


async def _queries(client, url):
    await client.get(url)  # warm up
    with count_queries() as queries:
        response = await client.get(url)
    assert response.status_code == 200
    return queries


async def test_the_needs_list_runs_at_most_11_queries_at_10_and_500_needs(client, council):
    """Constant: the session, the visitor, the page of needs and what they back, the
    community's node (what the visitor may do there), the ranking level and the places'
    addresses, whatever the number of needs."""
    await log_in(client, "neighbour")
    await _bulk_needs(council, 10)
    few = await _queries(client, NEEDS)
    await _bulk_needs(council, 490)
    assert await Need.all().count() == 500
    many = await _queries(client, NEEDS)
    assert len(few) == len(many) <= 11, many
    page = await client.get(NEEDS)
    assert page.text.count("/support") == services.PER_PAGE
    assert "page=2" in page.text


async def test_merges_and_me_toos_racing_keep_every_count_right(council):
    """Merges in both directions and "me too" on both needs at once: whichever wins,
    each need's cached count equals its supporters and nobody counts twice."""
    actor = await council.actor(council.member)
    one = await _need(council, "一")
    two = await _need(council, "二", author=council.neighbour)
    people = [await Person.create(community=council.community, name=f"邻居{i}") for i in range(6)]
    calls = [
        services.merge_needs(await Need.get(id=one.id), await Need.get(id=two.id), actor=actor),
        services.merge_needs(await Need.get(id=two.id), await Need.get(id=one.id), actor=actor),
    ]
    calls += [services.support_need(one, p) for p in people[:3]]
    calls += [services.support_need(two, p) for p in people[3:]]
    calls += [services.support_need(two, people[0])]
    results = await asyncio.gather(*calls, return_exceptions=True)
    unexpected = [
        r
        for r in results
        if isinstance(r, BaseException) and not isinstance(r, services.CouncilError)
    ]
    assert unexpected == []
    needs = list(await Need.filter(id__in=[one.id, two.id]))
    assert [n.status for n in needs].count(MERGED) <= 1
    for need in needs:
        assert need.support_count == await NeedSupport.filter(need_id=need.id).count()
    backers = await NeedSupport.filter(need_id__in=[one.id, two.id]).values_list(
        "need_id", "person_id"
    )
    assert len(backers) == len(set(backers))
