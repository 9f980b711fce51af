"""The pages through HTTP: what residents and workers see and may do, uploads
(acceptance 3), secrecy on the pages, and a constant number of queries (acceptance 5)."""

import pytest

from linli.kit import AuditEntry, Person, Upload, create_community
from linli.testing import form_post, log_in, make_account, page_queries
from linli_codesign import services
from linli_codesign.models import (
    BUILD,
    DESIGN,
    EVALUATE,
    VOTE,
    Comment,
    Contribution,
    Project,
    Proposal,
    Support,
    SurveyAnswer,
    Update,
    Voter,
)
from linli_codesign.testing import move_to

from .conftest import DAY, png, speak_english

pytestmark = pytest.mark.linli_plugins("codesign")

BASE = "/c/test/codesign"


def _project(site):
    return f"{BASE}/projects/{site.project.id}"


async def _submit(client, site, filename, data, content_type="image/png"):
    return await form_post(
        client, f"{_project(site)}/proposals", {"title": "墙上画普法漫画", "body": "孩子们一起画"},
        files={"file": (filename, data, content_type)},
    )  # fmt: skip


async def test_a_resident_shares_an_idea_with_a_picture(linli_client, site_for):
    site = await site_for("r0")
    await log_in(linli_client, "r0")
    page = await linli_client.get(_project(site))
    assert page.status_code == 200 and "10栋法治架空层" in page.text
    response = await _submit(linli_client, site, "mural.png", png((2400, 1200)))
    assert response.status_code == 200 and "墙上画普法漫画" in response.text
    idea = await Proposal.get()
    assert idea.kind == "idea" and idea.author_id == site.residents[0].id
    image = await linli_client.get(f"{BASE}/proposals/{idea.id}/image")
    assert image.status_code == 200
    assert image.headers["content-type"].startswith("image/")
    assert image.headers["x-content-type-options"] == "nosniff"
    upload = await Upload.get(id=idea.image_id)
    assert max(upload.width, upload.height) == 1600  # resized


@pytest.mark.parametrize(
    ("filename", "data", "status", "words"),
    [
        ("notes.png", b"just some text, not a picture", 400, "图片"),
        ("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (6 * 1024 * 1024), 413, "5"),
        ("photo.jpg", None, 400, ".jpg"),  # a PNG named .jpg: a forged extension
    ],
)
async def test_bad_uploads_are_refused_and_change_nothing(
    linli_client, site_for, filename, data, status, words
):
    site = await site_for("r0")
    await log_in(linli_client, "r0")
    response = await _submit(linli_client, site, filename, data or png())
    assert response.status_code == status
    assert words in response.text
    assert await Proposal.all().count() == 0
    assert await Upload.all().count() == 0


async def test_outsiders_and_wrong_stages_are_refused_in_words(linli_client, site_for):
    site = await site_for("r0", "outsider")
    await log_in(linli_client, "outsider")
    refused = await form_post(linli_client, f"{_project(site)}/proposals", {"title": "x"})
    assert refused.status_code == 403 and "10栋" in refused.text
    await linli_client.post("/logout", data={"_csrf_token": linli_client.cookies.get("linli_csrf")})
    await log_in(linli_client, "r0")
    ballot = await form_post(linli_client, f"{_project(site)}/vote", {"choice": "1"})
    assert ballot.status_code == 409 and "阶段" in ballot.text
    assert await Voter.all().count() == 0


async def test_another_community_s_project_does_not_exist_here(
    linli_client, site_for, linli_registry
):
    await site_for("r0")

    other = await create_community("other", "别的社区", linli_registry)
    foreign = await services.create_project(other, title="别处的项目", place=None)
    await log_in(linli_client, "r0")
    assert (await linli_client.get(f"{BASE}/projects/{foreign.id}")).status_code == 404
    await log_in(linli_client, "worker")
    advance = await form_post(linli_client, f"{BASE}/manage/projects/{foreign.id}/advance", {})
    assert advance.status_code == 404
    assert (await Project.get(id=foreign.id)).stage == "ideas"


async def test_only_a_worker_moves_the_stage(linli_client, site_for):
    site = await site_for("r0")
    await log_in(linli_client, "r0")
    refused = await form_post(linli_client, f"{BASE}/manage/projects/{site.project.id}/advance", {})
    assert refused.status_code == 403
    await log_in(linli_client, "worker")
    page = await linli_client.get(_project(site))
    assert "manage/projects" in page.text
    url = f"{BASE}/manage/projects/{site.project.id}/advance"
    asked = await form_post(linli_client, url, {"stage": "ideas"})
    assert asked.status_code == 200 and "不能退回" in asked.text
    assert (await Project.get(id=site.project.id)).stage == "ideas"  # asked, not moved
    done = await form_post(linli_client, url, {"stage": "ideas", "confirmed": "yes"})
    assert done.status_code == 200 and "项目已进入：参与式设计" in done.text
    assert (await Project.get(id=site.project.id)).stage == DESIGN


async def test_a_worker_creates_a_project(linli_client, site_for):
    site = await site_for()
    await log_in(linli_client, "worker")
    form = await linli_client.get(f"{BASE}/manage/new")
    assert form.status_code == 200 and "9栋" in form.text
    created = await form_post(
        linli_client, f"{BASE}/manage/new",
        {"title": "文明养犬公约", "place": str(site.root.id), "max_choices": "2",
         "min_age": "16", "ideas_on": "2026-06-01", "vote_on": "2026-05-01"},
    )  # fmt: skip
    assert created.status_code == 400 and "顺序" in created.text
    created = await form_post(
        linli_client, f"{BASE}/manage/new",
        {"title": "文明养犬公约", "place": str(site.root.id), "max_choices": "2", "min_age": "16"},
    )  # fmt: skip
    assert created.status_code == 200 and "文明养犬公约" in created.text
    project = await Project.get(title="文明养犬公约")
    assert (project.max_choices, project.min_age, project.place_id) == (2, 16, site.root.id)


async def test_a_hidden_comment_says_who_hid_it_and_why(linli_client, site_for):
    site = await site_for("r1", "r2")
    idea = await services.submit_proposal(
        site.project, person_id=site.residents[0].id, title="放旧桌椅", body="", on=DAY
    )
    await log_in(linli_client, "r1")
    await form_post(linli_client, f"{BASE}/proposals/{idea.id}/comments", {"body": "加微信买装修"})
    await form_post(linli_client, f"{BASE}/proposals/{idea.id}/support", {})
    await form_post(linli_client, f"{BASE}/proposals/{idea.id}/support", {})  # twice: once
    assert await Support.filter(proposal_id=idea.id).count() == 1
    comment = await Comment.get()
    await log_in(linli_client, "worker")
    empty = await form_post(linli_client, f"{BASE}/manage/comments/{comment.id}/hide", {})
    assert empty.status_code == 400
    hidden = await form_post(
        linli_client, f"{BASE}/manage/comments/{comment.id}/hide", {"reason": "广告"}
    )
    assert hidden.status_code == 200
    await log_in(linli_client, "r2")
    page = await linli_client.get(f"{BASE}/proposals/{idea.id}")
    assert "已被管理员隐藏：广告" in page.text
    assert "加微信买装修" not in page.text
    assert await Comment.filter(id=comment.id).exists()


async def test_the_vote_over_http_is_secret_and_counted_after_closing(linli_client, site_for):
    site = await site_for("r0", "r1", "r2")
    await move_to(site.project, DESIGN)
    designs = [
        await services.submit_proposal(
            site.project, person_id=site.residents[0].id, title=f"方案{n}", body="", on=DAY
        )
        for n in "一二"
    ]
    await move_to(site.project, VOTE)
    for username, design in (("r0", designs[0]), ("r1", designs[1]), ("r2", designs[1])):
        await log_in(linli_client, username)
        page = await linli_client.get(f"{_project(site)}/vote")
        assert "方案一" in page.text and "方案二" in page.text
        voted = await form_post(linli_client, f"{_project(site)}/vote", {"choice": str(design.id)})
        assert voted.status_code == 200
        again = await form_post(linli_client, f"{_project(site)}/vote", {"choice": str(design.id)})
        assert again.status_code == 200 and "您已经在本项目中投过票了" in again.text
    assert await Voter.all().count() == 3
    await log_in(linli_client, "worker")
    during = await linli_client.get(f"{_project(site)}/vote")
    assert "票数" not in during.text and "已有 3 位居民投票" in during.text  # turnout only
    await move_to(site.project, BUILD)
    after = await linli_client.get(f"{_project(site)}/vote")
    assert "选定的方案：方案二" in after.text
    for name in ("居民0", "居民1", "居民2"):
        assert name not in after.text


async def test_confirmed_time_over_http(linli_client, site_for):
    site = await site_for("r0")
    await move_to(site.project, BUILD)
    await log_in(linli_client, "r0")
    offered = await form_post(
        linli_client, f"{_project(site)}/contributions",
        {"kind": "time", "hours": "3", "description": "手绘壁画"},
    )  # fmt: skip
    assert offered.status_code == 200
    contribution = await Contribution.get()
    mine = await form_post(
        linli_client, f"{BASE}/manage/contributions/{contribution.id}/confirm", {}
    )
    assert mine.status_code == 403
    await log_in(linli_client, "worker")
    url = f"{BASE}/manage/contributions/{contribution.id}/confirm"
    asked = await form_post(linli_client, url, {})
    assert asked.status_code == 200 and "确认居民0的这项贡献？" in asked.text
    assert "3.00 小时将作为已核实的志愿服务上报" in asked.text
    assert (await Contribution.get()).status == "offered"  # asked, not decided
    done = await form_post(linli_client, url, {"confirmed": "yes"})
    assert done.status_code == 200 and "贡献已确认。" in done.text and "居民0" in done.text
    assert (await Contribution.get()).status == "confirmed"
    update = await form_post(
        linli_client, f"{BASE}/manage/projects/{site.project.id}/updates",
        {"body": "壁画完成"}, files={"file": ("wall.png", png(), "image/png")},
    )  # fmt: skip
    assert update.status_code == 200 and "壁画完成" in update.text
    photo = await Update.get()
    assert (await linli_client.get(f"{BASE}/updates/{photo.id}/image")).status_code == 200


async def test_the_survey_and_the_satisfaction_on_the_project_page(linli_client, site_for):
    site = await site_for("r0", "r1", "r2")
    await move_to(site.project, EVALUATE)
    for username, score in (("r0", "5"), ("r1", "4"), ("r2", "2")):
        await log_in(linli_client, username)
        answered = await form_post(
            linli_client, f"{_project(site)}/survey", {"score": score, "comment": "好"}
        )
        assert answered.status_code == 200
    again = await form_post(linli_client, f"{_project(site)}/survey", {"score": "5"})
    assert again.status_code == 200 and "您已经" in again.text
    bad = await form_post(linli_client, f"{_project(site)}/survey", {"score": "x"})
    assert bad.status_code == 400
    page = await linli_client.get(_project(site))
    assert "67%" in page.text
    assert await SurveyAnswer.all().count() == 3


# ------------------------------------------------------------------ constant queries


async def _grow(site, n):
    """``n`` ideas, and on the first one ``n`` supporters and ``n`` comments; ``n``
    voters, answers, contributions and updates on the project."""
    project = site.project
    await Person.bulk_create(
        [Person(community_id=site.community.id, name=f"街坊{i}") for i in range(n)]
    )
    people = list(
        await Person.filter(name__startswith="街坊").order_by("id").values_list("id", flat=True)
    )[-n:]
    await Proposal.bulk_create(
        [
            Proposal(project_id=project.id, author_id=p, title=f"点子{i}")
            for i, p in enumerate(people)
        ]
    )
    first = await Proposal.filter(project_id=project.id).order_by("id").first()
    await Support.bulk_create([Support(proposal_id=first.id, person_id=p) for p in people])
    await Comment.bulk_create(
        [Comment(proposal_id=first.id, author_id=p, body=f"评论{p}") for p in people]
    )
    await Voter.bulk_create([Voter(project_id=project.id, person_id=p) for p in people])
    await SurveyAnswer.bulk_create(
        [SurveyAnswer(project_id=project.id, person_id=p, score=5) for p in people]
    )
    await Contribution.bulk_create(
        [Contribution(project_id=project.id, person_id=p, description="x", status="confirmed")
         for p in people]
    )  # fmt: skip
    await Update.bulk_create([Update(project_id=project.id, body=f"进展{i}") for i in range(n)])
    return first


async def _queries(client, path):
    return len(await page_queries(client, path))


async def test_pages_run_at_most_eight_queries_at_10_and_at_500(linli_client, site_for):
    site = await site_for("r0")
    await log_in(linli_client, "r0")
    first = await _grow(site, 10)
    pages = {
        "project": _project(site),
        "ideas": f"{_project(site)}/proposals?kind=idea",
        "detail": f"{BASE}/proposals/{first.id}",
    }
    few = {name: await _queries(linli_client, path) for name, path in pages.items()}
    await _grow(site, 490)  # the first idea now has 500 supporters and 500 comments
    assert await Support.filter(proposal_id=first.id).count() == 500
    assert await Comment.filter(proposal_id=first.id).count() == 500
    many = {name: await _queries(linli_client, path) for name, path in pages.items()}
    print("queries at 10 and at 500:", few, many)
    assert few == many
    assert max(many.values()) <= 8, many


async def test_a_worker_records_an_elder_s_donation_and_the_dashboard_counts(
    linli_client, site_for
):
    site = await site_for()
    await move_to(site.project, BUILD)
    await log_in(linli_client, "worker")
    url = f"{BASE}/manage/projects/{site.project.id}/contributions"
    unknown = await form_post(linli_client, url, {"person": "没这个人", "description": "x"})
    assert unknown.status_code == 400 and "没有找到" in unknown.text
    recorded = await form_post(
        linli_client, url,
        {"person": f"#{site.residents[2].id}", "kind": "item", "description": "木椅两把"},
    )  # fmt: skip
    assert recorded.status_code == 200 and "木椅两把" in recorded.text
    contribution = await Contribution.get()
    assert contribution.person_id == site.residents[2].id and contribution.status == "offered"
    entry = await AuditEntry.get(action="codesign.contribution.record")
    assert entry.on_behalf_of_id == site.residents[2].id and entry.actor_id == site.worker.id
    home = await linli_client.get("/c/test/")
    assert "进行中的项目 1 个，已完成 0 个。" in home.text


async def test_a_building_coordinator_runs_their_building_only(linli_client, site_for):
    site = await site_for()
    await make_account("b9lead", site.community, ("codesign_coordinator", site.b9))
    await log_in(linli_client, "b9lead")
    index = await linli_client.get(f"{BASE}/")
    assert "manage/new" in index.text
    form = await linli_client.get(f"{BASE}/manage/new")
    assert form.status_code == 200 and "9栋" in form.text and "10栋" not in form.text
    refused = await form_post(
        linli_client, f"{BASE}/manage/new", {"title": "十栋的事", "place": str(site.b10.id)}
    )
    assert refused.status_code == 403 and 'value="十栋的事"' in refused.text
    assert not await Project.filter(title="十栋的事").exists()
    created = await form_post(
        linli_client, f"{BASE}/manage/new", {"title": "九栋楼道", "place": str(site.b9.id)}
    )
    assert created.status_code == 200 and "九栋楼道" in created.text
    # Building 10's project is not theirs to move on.
    moved = await form_post(linli_client, f"{BASE}/manage/projects/{site.project.id}/advance", {})
    assert moved.status_code == 403


async def test_the_pages_speak_english_too(linli_client, site_for):
    site = await site_for("outsider")
    await log_in(linli_client, "outsider")
    await speak_english(linli_client)
    page = await linli_client.get(_project(site))
    assert "Collect ideas" in page.text and "征集点子" not in page.text
    assert "Only residents living in Building 10 take part in this project." in page.text
    refused = await form_post(linli_client, f"{_project(site)}/proposals", {"title": "x"})
    assert refused.status_code == 403 and "living in Building 10 take" in refused.text


async def test_the_sections_give_the_link_the_front_page_and_the_workers_tab(
    linli_client, site_for
):
    """The navigation links to the project list, the plugin's front page; only those
    who run projects get a tab bar, with the new project's form."""
    site = await site_for("r0")
    await log_in(linli_client, "r0")
    front = await linli_client.get(f"{BASE}/")
    assert front.status_code == 200 and "10栋法治架空层" in front.text
    assert f'href="{BASE}/"' in front.text  # the navigation's link
    assert 'class="section-tabs"' not in front.text  # one section: no tab bar
    await log_in(linli_client, "worker")
    project = await linli_client.get(_project(site))
    tabs = project.text.split('class="section-tabs"', 1)[1].split("</nav>", 1)[0]
    assert f'<a href="{BASE}/" aria-current="page">共建项目</a>' in tabs
    assert f'<a href="{BASE}/manage/new">新建项目</a>' in tabs
    new = await linli_client.get(f"{BASE}/manage/new")
    assert f'<a href="{BASE}/manage/new" aria-current="page">新建项目</a>' in new.text
