"""Issue 13 through HTTP: every form of the plugin answers a refusal with the form again
(the message beside its field, the input kept, the refusal's status, nothing changed);
a repeated submission says it is already done and shows the state; every write says
it was done; moving a stage on and deciding a contribution ask first; places sort
naturally and show with their building; switching the plugin off tells what stops."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from linli.kit import create_community
from linli.testing import form_post, log_in, make_place
from linli_codesign import services
from linli_codesign.models import (
    BUILD,
    DESIGN,
    EVALUATE,
    IDEAS,
    VOTE,
    Ballot,
    Comment,
    Contribution,
    Project,
    Proposal,
    Support,
    SurveyAnswer,
    Task,
    Update,
    Voter,
)
from linli_codesign.testing import make_project, move_to

from .conftest import DAY, Place, make_participant, speak_english

pytestmark = pytest.mark.linli_plugins("codesign")

BASE = "/c/test/codesign"
ERROR_PAGE = "无法理解这个请求"


def flashed(response, message: str) -> bool:
    """Whether the page shows ``message`` as the one-time message of the last write."""
    return f'<p class="flash" role="status">{message}</p>' in response.text


@dataclass
class Scene:
    """A project of building 10 with an idea and a comment of 居民1, a task, a
    contribution of 居民0 waiting, and a design; residents r0, r1, outsider log in."""

    site: Place
    idea: Proposal
    design: Proposal
    comment: Comment
    task: Task
    contribution: Contribution

    @property
    def project(self) -> Project:
        return self.site.project


async def _scene(site_for) -> Scene:
    site = await site_for("r0", "r1", "outsider")
    project, author = site.project, site.residents[1].id
    idea = await services.submit_proposal(
        project, person_id=author, title="放旧桌椅", body="大家的旧家具", on=DAY
    )
    comment = await services.add_comment(idea, project, person_id=author, body="好主意", on=DAY)
    await move_to(project, DESIGN)
    design = await services.submit_proposal(
        project, person_id=author, title="方案一", body="", on=DAY
    )
    await move_to(project, IDEAS)
    task = await Task.create(project_id=project.id, title="清理杂物")
    contribution = await Contribution.create(
        project_id=project.id, person_id=site.residents[0].id, kind="time",
        hours=Decimal(2), description="刷墙",
    )  # fmt: skip
    return Scene(site, idea, design, comment, task, contribution)


async def _state() -> tuple:
    """Everything a refused form could have changed."""
    return (
        await Project.all().order_by("id").values_list("title", "stage"),
        await Proposal.all().order_by("id").values_list("title", "hidden_reason"),
        await Comment.all().order_by("id").values_list("body", "hidden_reason"),
        await Support.all().count(),
        await Voter.all().count(),
        await Ballot.all().count(),
        await Contribution.all().order_by("id").values_list("description", "status"),
        await Task.all().order_by("id").values_list("title", "done"),
        await Update.all().count(),
        await SurveyAnswer.all().count(),
    )


LONG = "长" * 4001

# (case, who, stage, path, form, status, message shown, input kept)
REFUSALS = [
    ("idea without a title", "r0", IDEAS, "{project}/proposals",
     {"title": " ", "body": "孩子们一起画"}, 400, "起一个简短的标题", "孩子们一起画"),
    ("idea too long", "r0", IDEAS, "{project}/proposals",
     {"title": "墙上画普法漫画", "body": LONG}, 400, "最多 4000 个字", "墙上画普法漫画"),
    ("idea from another building", "outsider", IDEAS, "{project}/proposals",
     {"title": "九栋的点子"}, 403, "本项目仅限居住在10栋的居民参与", "九栋的点子"),
    ("comment empty", "r0", IDEAS, "/proposals/{idea}/comments",
     {"body": ""}, 400, "请先写下评论内容", None),
    ("comment too long", "r0", IDEAS, "/proposals/{idea}/comments",
     {"body": "好" * 1001}, 400, "最多 1000 个字", "好" * 1001),
    ("comment in the wrong stage", "r0", BUILD, "/proposals/{idea}/comments",
     {"body": "晚了一步"}, 409, "项目当前处于“共建”阶段", None),
    ("support in the wrong stage", "r0", VOTE, "/proposals/{idea}/support",
     {}, 409, "项目当前处于“投票”阶段", None),
    ("ballot without a choice", "r0", VOTE, "{project}/vote",
     {}, 400, "请至少选择一个设计方案", None),
    ("ballot with a forged choice", "r0", VOTE, "{project}/vote",
     {"choice": "abc"}, 400, "请在选票上的设计方案中选择", None),
    ("hours not a number", "r0", BUILD, "{project}/contributions",
     {"kind": "time", "hours": "三", "description": "画壁画"}, 400, "请填写时长", "画壁画"),
    ("contribution without a description", "r0", BUILD, "{project}/contributions",
     {"kind": "item", "description": ""}, 400, "请说明您做了什么或捐赠什么", None),
    ("survey score not a number", "r0", EVALUATE, "{project}/survey",
     {"score": "x", "comment": "很满意"}, 400, "请选择 1 到 5 分", "很满意"),
    ("survey comment too long", "r0", EVALUATE, "{project}/survey",
     {"score": "5", "comment": "赞" * 501}, 400, "最多 500 个字", "赞" * 501),
    ("project without a title", "worker", IDEAS, "/manage/new",
     {"title": "", "summary": "楼道堆物", "place": "{b10}"}, 400, "请填写项目名称", "楼道堆物"),
    ("project title too long", "worker", IDEAS, "/manage/new",
     {"title": "题" * 121, "place": "{b10}"}, 400, "最多 120 个字", "题" * 121),
    ("minimum age not a number", "worker", IDEAS, "/manage/new",
     {"title": "儿童乐园", "min_age": "十六", "place": "{b10}"}, 400, "请输入整数", "儿童乐园"),
    ("date not a date", "worker", IDEAS, "/manage/new",
     {"title": "儿童乐园", "vote_on": "2026-13-01", "place": "{b10}"}, 400, "年-月-日",
     "2026-13-01"),
    ("dates out of order", "worker", IDEAS, "/manage/new",
     {"title": "儿童乐园", "ideas_on": "2026-06-01", "vote_on": "2026-05-01", "place": "{b10}"},
     400, "按先后顺序", "2026-05-01"),
    ("place of another community", "worker", IDEAS, "/manage/new",
     {"title": "儿童乐园", "place": "{foreign_place}"}, 400, "请选择本社区的一个地点", "儿童乐园"),
    ("hiding without a reason", "worker", IDEAS, "/manage/proposals/{idea}/hide",
     {"reason": ""}, 400, "请填写隐藏的理由", None),
    ("hiding reason too long", "worker", IDEAS, "/manage/comments/{comment}/hide",
     {"reason": "因" * 301}, 400, "最多 300 个字", "因" * 301),
    ("update without text", "worker", BUILD, "/manage/projects/{project_id}/updates",
     {"body": ""}, 400, "请填写完成了哪些工作", None),
    ("unknown resident", "worker", BUILD, "/manage/projects/{project_id}/contributions",
     {"person": "没这个人", "kind": "item", "description": "木椅两把"}, 400,
     "没有找到与该姓名或电话相符的居民", "木椅两把"),
    ("task without a title", "worker", BUILD, "/manage/projects/{project_id}/tasks",
     {"title": ""}, 400, "请填写任务名称", None),
    ("task done in the wrong stage", "worker", DESIGN, "/manage/tasks/{task}/done",
     {}, 409, "项目当前处于“参与式设计”阶段", None),
    ("vote without a design", "worker", DESIGN, "/manage/projects/{project_id}/advance",
     {"stage": DESIGN, "confirmed": "yes"}, 400, "至少要有一个设计方案才能开始投票", None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("who", "stage", "path", "form", "status", "message", "kept"),
    [case[1:] for case in REFUSALS],
    ids=[case[0] for case in REFUSALS],
)
async def test_a_refused_form_comes_back_with_the_message_and_the_input(
    linli_client, site_for, linli_registry, who, stage, path, form, status, message, kept
):
    scene = await _scene(site_for)
    if stage == DESIGN and "advance" in path:
        await Proposal.filter(id=scene.design.id).update(hidden_reason="重复")
    await move_to(scene.project, stage)
    other = await create_community("other", "别的社区", linli_registry)
    foreign_place = await make_place(other, "building", "1栋")
    ids = {
        "project": f"/projects/{scene.project.id}", "project_id": scene.project.id,
        "idea": scene.idea.id, "comment": scene.comment.id, "task": scene.task.id,
        "b10": scene.site.b10.id, "foreign_place": foreign_place.id,
    }  # fmt: skip
    await log_in(linli_client, who)
    before = await _state()
    data = {key: value.format(**ids) for key, value in form.items()}
    response = await form_post(linli_client, BASE + path.format(**ids), data)
    assert response.status_code == status, response.text[-2000:]
    assert ERROR_PAGE not in response.text and 'class="error-summary"' in response.text
    assert message in response.text
    assert response.text.count("<form") >= 2  # the page with its forms, not an error page
    if kept is not None:
        assert kept in response.text
    assert await _state() == before


async def test_the_field_is_marked_and_the_summary_links_to_it(linli_client, site_for):
    scene = await _scene(site_for)
    await move_to(scene.project, BUILD)
    await log_in(linli_client, "r0")
    response = await form_post(
        linli_client, f"{BASE}/projects/{scene.project.id}/contributions",
        {"kind": "time", "hours": "99", "description": "画壁画"},
    )  # fmt: skip
    assert response.status_code == 400
    assert '<a href="#hours">' in response.text
    beside = '<p class="field-error" id="hours-error">请填写时长'
    assert beside in response.text.split('<label for="hours">', 1)[1]  # under its label
    assert 'id="hours" name="hours" inputmode="decimal" aria-invalid="true"' in response.text
    assert 'value="99"' in response.text and 'value="画壁画"' in response.text
    assert await Contribution.filter(description="画壁画").count() == 0
    # the worker's twin form on the same page keeps its own ids
    await log_in(linli_client, "worker")
    behalf = await form_post(
        linli_client, f"{BASE}/manage/projects/{scene.project.id}/contributions",
        {"person": "没这个人", "kind": "item", "description": "木椅两把"},
    )  # fmt: skip
    assert behalf.status_code == 400
    assert '<a href="#behalf-person">' in behalf.text
    assert '<p class="field-error" id="behalf-person-error">' in behalf.text
    assert '<details class="cd-behalf" open>' in behalf.text
    assert 'value="没这个人"' in behalf.text
    assert await Contribution.filter(description="木椅两把").count() == 0


async def test_a_refused_upload_keeps_the_text(linli_client, site_for):
    scene = await _scene(site_for)
    await log_in(linli_client, "r0")
    response = await form_post(
        linli_client, f"{BASE}/projects/{scene.project.id}/proposals",
        {"title": "墙上画普法漫画", "body": "孩子们一起画"},
        files={"file": ("notes.png", b"not a picture", "image/png")},
    )  # fmt: skip
    assert response.status_code == 400 and ERROR_PAGE not in response.text
    assert '<a href="#file">' in response.text
    assert 'value="墙上画普法漫画"' in response.text and "孩子们一起画" in response.text
    assert await Proposal.filter(title="墙上画普法漫画").count() == 0


async def test_refusals_speak_english_too(linli_client, site_for):
    scene = await _scene(site_for)
    await move_to(scene.project, BUILD)
    await log_in(linli_client, "outsider")
    await speak_english(linli_client)
    response = await form_post(
        linli_client, f"{BASE}/proposals/{scene.idea.id}/comments", {"body": "late"}
    )
    assert response.status_code == 409
    assert "current stage (Build)" in response.text and ">late</textarea>" in response.text


# ------------------------------------------------------------ another community's ids


FORGED = [
    ("comment", "r0", "/proposals/{idea}/comments", {"body": "越界"}),
    ("support", "r0", "/proposals/{idea}/support", {}),
    ("idea", "r0", "/projects/{project}/proposals", {"title": "越界"}),
    ("ballot", "r0", "/projects/{project}/vote", {"choice": "{design}"}),
    ("offer", "r0", "/projects/{project}/contributions", {"kind": "item", "description": "x"}),
    ("survey", "r0", "/projects/{project}/survey", {"score": "5"}),
    ("advance", "worker", "/manage/projects/{project}/advance", {"confirmed": "yes"}),
    ("hide idea", "worker", "/manage/proposals/{idea}/hide", {"reason": "越界"}),
    ("hide comment", "worker", "/manage/comments/{comment}/hide", {"reason": "越界"}),
    ("update", "worker", "/manage/projects/{project}/updates", {"body": "越界"}),
    ("record", "worker", "/manage/projects/{project}/contributions",
     {"person": "居民0", "kind": "item", "description": "x"}),
    ("task", "worker", "/manage/projects/{project}/tasks", {"title": "越界"}),
    ("task done", "worker", "/manage/tasks/{task}/done", {}),
    ("confirm", "worker", "/manage/contributions/{contribution}/confirm", {"confirmed": "yes"}),
    ("decline", "worker", "/manage/contributions/{contribution}/decline", {"confirmed": "yes"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("who", "path", "form"), [case[1:] for case in FORGED], ids=[case[0] for case in FORGED]
)
async def test_another_community_s_objects_are_not_found_and_unchanged(
    linli_client, site_for, linli_registry, who, path, form
):
    await site_for("r0")
    other = await create_community("other", "别的社区", linli_registry)
    building = await make_place(other, "building", "1栋")
    person, _ = await make_participant(other, building, "外人")
    project = await make_project(other, "别处的项目", place=building)
    idea = await services.submit_proposal(
        project, person_id=person.id, title="别处点子", body="", on=DAY
    )
    comment = await services.add_comment(idea, project, person_id=person.id, body="c", on=DAY)
    design = await Proposal.create(project_id=project.id, kind="design", author=person, title="d")
    task = await Task.create(project_id=project.id, title="别处任务")
    contribution = await Contribution.create(
        project_id=project.id, person=person, kind="item", description="别处捐赠"
    )
    stage = BUILD if path.startswith(("/manage/tasks", "/manage/contributions")) else IDEAS
    await move_to(project, VOTE if "vote" in path else stage)
    ids = {
        "project": project.id, "idea": idea.id, "comment": comment.id, "design": design.id,
        "task": task.id, "contribution": contribution.id,
    }  # fmt: skip
    await log_in(linli_client, who)
    before = await _state()
    data = {key: value.format(**ids) for key, value in form.items()}
    response = await form_post(linli_client, BASE + path.format(**ids), data)
    assert response.status_code == 404
    assert await _state() == before


# --------------------------------------------------------------- repeated submissions


async def test_a_second_vote_says_already_voted_and_shows_the_vote(linli_client, site_for):
    scene = await _scene(site_for)
    await move_to(scene.project, VOTE)
    await log_in(linli_client, "r0")
    url = f"{BASE}/projects/{scene.project.id}/vote"
    first = await form_post(linli_client, url, {"choice": str(scene.design.id)})
    assert first.status_code == 200 and flashed(first, "已投票，感谢您的参与！")
    again = await form_post(linli_client, url, {"choice": str(scene.design.id)})
    assert again.status_code == 200 and ERROR_PAGE not in again.text
    assert flashed(again, "您已经在本项目中投过票了。")
    assert "已有 1 位居民投票" in again.text  # the vote page as it stands
    assert await Voter.all().count() == 1 and await Ballot.all().count() == 1


async def test_a_second_support_says_already_supported(linli_client, site_for):
    scene = await _scene(site_for)
    await log_in(linli_client, "r0")
    url = f"{BASE}/proposals/{scene.idea.id}/support"
    first = await form_post(linli_client, url, {})
    assert flashed(first, "谢谢，您的支持已记录。")
    again = await form_post(linli_client, url, {})
    assert again.status_code == 200 and flashed(again, "您已经支持过这个提议了。")
    assert "1 人支持" in again.text and "您已支持" in again.text
    assert await Support.all().count() == 1


async def test_a_double_posted_idea_is_kept_once_and_shown(linli_client, site_for):
    scene = await _scene(site_for)
    await log_in(linli_client, "r0")
    url = f"{BASE}/projects/{scene.project.id}/proposals"
    form = {"title": "墙上画普法漫画", "body": "孩子们一起画"}
    first = await form_post(linli_client, url, form)
    assert first.status_code == 200 and flashed(first, "点子已提交，谢谢您！")
    again = await form_post(linli_client, url, form)
    assert again.status_code == 200 and ERROR_PAGE not in again.text
    assert "您已经提交过了" in again.text and "墙上画普法漫画" in again.text
    assert await Proposal.filter(title="墙上画普法漫画").count() == 1


@pytest.mark.parametrize(
    ("who", "stage", "path", "form", "said", "count"),
    [
        ("r0", IDEAS, "/proposals/{idea}/comments", {"body": "同意"}, "您已经提交过了",
         lambda: Comment.filter(body="同意").count()),
        ("r0", EVALUATE, "/projects/{project}/survey", {"score": "4"}, "您已经",
         lambda: SurveyAnswer.all().count()),
        ("r0", BUILD, "/projects/{project}/contributions",
         {"kind": "time", "hours": "2", "description": "画壁画"}, "正在等待确认",
         lambda: Contribution.filter(description="画壁画").count()),
        ("worker", BUILD, "/manage/projects/{project}/tasks", {"title": "买油漆"},
         "已经在清单上了", lambda: Task.filter(title="买油漆").count()),
        ("worker", BUILD, "/manage/projects/{project}/updates", {"body": "墙面刷白"},
         "已经发布过了", lambda: Update.all().count()),
        ("worker", IDEAS, "/manage/new", {"title": "儿童乐园", "place": "{b10}"},
         "已经建好并在进行中", lambda: Project.filter(title="儿童乐园").count()),
    ],
    ids=["comment", "survey", "offer", "task", "update", "project"],
)  # fmt: skip
async def test_a_repeated_write_says_it_is_already_done(
    linli_client, site_for, who, stage, path, form, said, count
):
    scene = await _scene(site_for)
    await move_to(scene.project, stage)
    ids = {"project": scene.project.id, "idea": scene.idea.id, "b10": scene.site.b10.id}
    await log_in(linli_client, who)
    url = BASE + path.format(**ids)
    data = {key: value.format(**ids) for key, value in form.items()}
    first = await form_post(linli_client, url, data)
    assert first.status_code == 200 and 'class="flash"' in first.text
    again = await form_post(linli_client, url, data)
    assert again.status_code == 200 and ERROR_PAGE not in again.text
    assert said in again.text
    assert await count() == 1


async def test_repeated_moderation_and_ticks_say_already_done(linli_client, site_for):
    scene = await _scene(site_for)
    await move_to(scene.project, BUILD)
    await log_in(linli_client, "worker")
    hide = f"{BASE}/manage/comments/{scene.comment.id}/hide"
    assert flashed(
        await form_post(linli_client, hide, {"reason": "广告"}), "已隐藏，原处显示隐藏原因。"
    )
    again = await form_post(linli_client, hide, {"reason": "广告"})
    assert again.status_code == 200 and flashed(again, "此内容已经被隐藏了。")
    done = f"{BASE}/manage/tasks/{scene.task.id}/done"
    assert flashed(await form_post(linli_client, done, {}), "任务已标记为完成。")
    twice = await form_post(linli_client, done, {})
    assert twice.status_code == 200 and flashed(twice, "这项任务已经完成了。")


# --------------------------------------------------------- confirmations and messages


async def test_moving_on_asks_first_and_a_second_confirmation_moves_once(linli_client, site_for):
    scene = await _scene(site_for)
    await log_in(linli_client, "worker")
    url = f"{BASE}/manage/projects/{scene.project.id}/advance"
    page = await linli_client.get(f"{BASE}/projects/{scene.project.id}")
    assert 'name="stage" value="ideas"' in page.text
    asked = await form_post(linli_client, url, {"stage": "ideas"})
    assert asked.status_code == 200
    assert "确定让“10栋法治架空层”进入下一阶段：参与式设计？" in asked.text
    assert "居民将不能再提点子" in asked.text and "不能退回" in asked.text
    assert 'name="confirmed" value="yes"' in asked.text
    assert 'name="stage" value="ideas"' in asked.text
    assert (await Project.get(id=scene.project.id)).stage == IDEAS
    moved = await form_post(linli_client, url, {"stage": "ideas", "confirmed": "yes"})
    assert flashed(moved, "项目已进入：参与式设计。")
    again = await form_post(linli_client, url, {"stage": "ideas", "confirmed": "yes"})
    assert again.status_code == 200 and "项目已经进入下一阶段" in again.text
    assert (await Project.get(id=scene.project.id)).stage == DESIGN


async def test_declining_a_contribution_asks_first(linli_client, site_for):
    scene = await _scene(site_for)
    await move_to(scene.project, BUILD)
    await log_in(linli_client, "worker")
    url = f"{BASE}/manage/contributions/{scene.contribution.id}/decline"
    asked = await form_post(linli_client, url, {})
    assert asked.status_code == 200 and "不采纳居民0的这项贡献？" in asked.text
    assert "贡献内容：刷墙" in asked.text and "处理后不能更改。" in asked.text
    assert (await Contribution.get(id=scene.contribution.id)).status == "offered"
    declined = await form_post(linli_client, url, {"confirmed": "yes"})
    assert flashed(declined, "已不采纳这项贡献。")
    assert (await Contribution.get(id=scene.contribution.id)).status == "declined"
    confirm = f"{BASE}/manage/contributions/{scene.contribution.id}/confirm"
    late = await form_post(linli_client, confirm, {"confirmed": "yes"})
    assert late.status_code == 200 and flashed(late, "这项贡献已经处理过了。")
    assert (await Contribution.get(id=scene.contribution.id)).status == "declined"


async def test_every_write_says_it_was_done(linli_client, site_for):
    scene = await _scene(site_for)
    project = f"{BASE}/projects/{scene.project.id}"
    manage = f"{BASE}/manage/projects/{scene.project.id}"
    await log_in(linli_client, "r0")
    said = await form_post(linli_client, f"{BASE}/proposals/{scene.idea.id}/comments",
                           {"body": "我也来"})  # fmt: skip
    assert flashed(said, "评论已发表。")
    await move_to(scene.project, DESIGN)
    said = await form_post(linli_client, f"{project}/proposals", {"title": "方案二"})
    assert flashed(said, "设计方案已提交，谢谢您！")
    await move_to(scene.project, BUILD)
    said = await form_post(
        linli_client, f"{project}/contributions", {"kind": "item", "description": "书架"}
    )
    assert flashed(said, "谢谢！社区工作人员确认后即计入。")
    await move_to(scene.project, EVALUATE)
    said = await form_post(linli_client, f"{project}/survey", {"score": "5"})
    assert flashed(said, "谢谢！您的评价已记录。")
    await log_in(linli_client, "worker")
    await move_to(scene.project, BUILD)
    for path, form, text in (
        (f"{manage}/tasks", {"title": "买油漆"}, "任务已添加。"),
        (f"{manage}/updates", {"body": "墙面刷白"}, "进展已发布。"),
        (f"{manage}/contributions", {"person": "居民1", "kind": "item", "description": "椅子"},
         "贡献已登记，等待确认。"),
        (f"{BASE}/manage/proposals/{scene.idea.id}/hide", {"reason": "重复"},
         "已隐藏，原处显示隐藏原因。"),
        (f"{BASE}/manage/new", {"title": "儿童乐园", "place": str(scene.site.b10.id)},
         "项目已创建，居民现在可以提点子了。"),
    ):  # fmt: skip
        said = await form_post(linli_client, path, form)
        assert said.status_code == 200 and flashed(said, text), path
    # shown once: the next page has no message
    assert 'class="flash"' not in (await linli_client.get(project)).text


# ------------------------------------------------------------------------ places


async def test_places_sort_naturally_and_show_with_their_building(linli_client, site_for):
    site = await site_for()
    await make_place(site.community, "building", "2栋", code="2")
    corner = await make_place(site.community, "facility", "架空层", parent=site.b10)
    await make_project(site.community, "架空层改造", place=corner)
    await log_in(linli_client, "worker")
    form = await linli_client.get(f"{BASE}/manage/new")
    text = form.text
    assert text.index(">· 2栋<") < text.index(">· 9栋<") < text.index(">· 10栋<")
    assert text.index(">· 10栋<") < text.index(">· · 架空层<")  # under its building
    index = await linli_client.get(f"{BASE}/")
    assert "10栋 架空层" in index.text


async def test_switching_codesign_off_tells_what_would_stop(site_for, linli_registry):
    site = await site_for()
    await make_project(site.community, "已完成的项目", place=site.b9)
    await Project.filter(title="已完成的项目").update(stage="closed")
    await Contribution.create(
        project_id=site.project.id, person_id=site.residents[0].id, kind="item",
        description="书架",
    )  # fmt: skip
    found = linli_registry.collect(
        "linli_disable_consequences", only=["codesign"], isolate=True, community=site.community
    )
    counted = {item.message: await item.count(site.community) for _, item in found}
    assert sorted(counted.values()) == [1, 1]  # the closed project does not count
    said = " ".join(
        linli_registry.catalogues.translate("zh_CN", message, "codesign") % {"count": n}
        for message, n in counted.items()
    )
    assert "1 个进行中的项目将对居民关闭" in said
    assert "1 项待确认的贡献将无法确认" in said


@pytest.mark.parametrize(
    ("who", "method", "path"),
    [
        ("r0", "get", "/projects/2147483648"),
        ("r0", "get", "/proposals/99999999999"),
        ("r0", "get", "/projects/1/proposals?kind=idea&page=99999999999999999"),
        ("r0", "post", "/proposals/99999999999/comments"),
        ("r0", "post", "/projects/100000000000000000000000/vote"),
        ("worker", "post", "/manage/projects/99999999999/advance"),
        ("worker", "post", "/manage/contributions/99999999999/confirm"),
    ],
)
async def test_ids_no_row_can_have_are_not_found(linli_client, site_for, who, method, path):
    """PostgreSQL refuses such numbers in a query: the page says 404, not 500."""
    site = await site_for("r0")
    await log_in(linli_client, who)
    path = path.replace("/projects/1/", f"/projects/{site.project.id}/")
    before = await _state()
    if method == "get":
        response = await linli_client.get(BASE + path)
        expected = 200 if "page=" in path else 404
    else:
        response = await form_post(linli_client, BASE + path, {"body": "x", "confirmed": "yes"})
        expected = 404
    assert response.status_code == expected
    assert await _state() == before
