"""The default theme's design system: colours a 75-year-old can read, components every
plugin page gains, the elder-mode switch and the menu on the first screen, and the style
page a demo shows them on."""

import re
from pathlib import Path

import httpx
import msgspec
import pytest

import linli_theme_default
from linli.testing import log_in, make_account, make_household, make_person, make_place

CSS = (Path(linli_theme_default.__file__).parent / "static" / "default" / "theme.css").read_text()
#: (foreground token, background token, least ratio): text 4.5:1, controls' edges 3:1.
PAIRS = [
    ("ink", "paper", 4.5),
    ("muted", "paper", 4.5),
    ("link", "paper", 4.5),
    ("link", "card", 4.5),
    ("accent", "paper", 4.5),
    ("accent-ink", "accent", 4.5),
    ("border", "paper", 3),
    ("field", "card", 3),
    ("good-ink", "good-tint", 4.5),
    ("warn-ink", "warn-tint", 4.5),
    ("bad", "bad-tint", 4.5),
    ("info-ink", "info-tint", 4.5),
    ("neutral-ink", "neutral-tint", 4.5),
    ("focus-ink", "focus", 4.5),
    ("focus", "accent", 3),  # the focus ring on the red header
]


def _tokens(selector: str) -> dict[str, str]:
    block = re.search(re.escape(selector) + r"\s*{(.*?)}", CSS, re.S)
    assert block, selector
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", block.group(1)))


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _ratio(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("mode", ["normal", "elder"])
def test_text_and_controls_are_contrasted_enough_in_both_modes(mode):
    tokens = _tokens(":root")
    if mode == "elder":
        tokens |= _tokens("html.elder")
    tokens.setdefault("card", "#ffffff")
    weak = [
        f"--{fg} on --{bg}: {_ratio(tokens[fg], tokens[bg]):.2f}:1 < {least}:1"
        for fg, bg, least in PAIRS
        if _ratio(tokens[fg], tokens[bg]) < least
    ]
    assert weak == []


def test_fields_have_2px_borders_and_targets_grow_in_elder_mode():
    assert re.search(r"input, select, textarea {[^}]*border: 2px solid var\(--field\)", CSS)
    assert "--touch: 44px" in _tokens_text(":root")
    assert "--touch: 60px" in _tokens_text("html.elder")
    # tabs and pagination links are at least a target high
    assert re.search(r"\.tabs a, \.section-tabs a {[^}]*min-height: var\(--touch\)", CSS)
    assert re.search(r"\.pagination a, \.pager a {[^}]*min-height: var\(--touch\)", CSS)


def _tokens_text(selector: str) -> str:
    return re.search(re.escape(selector) + r"\s*{(.*?)}", CSS, re.S).group(1)


async def test_every_page_has_the_elder_switch_and_the_menu_in_its_header(
    linli_client, linli_community
):
    page = await linli_client.get("/c/test/")
    header = page.text[page.text.index("<header") : page.text.index("</header>")]
    assert 'action="/prefs/elder"' in header and ">长辈版</button>" in header
    assert re.search(
        r'<summary class="menu-button"><svg [^>]+><use [^>]+#menu"></use></svg>菜单</summary>',
        header,
    )
    assert re.search(r'<a href="/c/test/" aria-current="page"><svg [^>]+>.*?</svg>首页</a>', header)
    footer = page.text[page.text.index("<footer") :]
    assert "/prefs/elder" not in footer  # one switch, at the top

    elder = await linli_client.get("/c/test/", cookies={"linli_elder": "1"})
    assert '<html lang="zh-CN" class="elder">' in elder.text
    assert 'value="off" class="elder-switch" aria-pressed="true">标准版</button>' in elder.text


async def test_the_header_names_the_person_not_the_login(linli_client, linli_community):
    person = await make_person(linli_community, "王秀英")
    await make_account("wang_login", linli_community, "resident", person=person)
    await log_in(linli_client, "wang_login")
    page = await linli_client.get("/c/test/")
    assert '<span class="account-name">王秀英</span>' in page.text
    assert "wang_login" not in page.text


async def test_the_style_page_shows_the_components_in_demo_mode_only(linli_client, linli_settings):
    assert (await linli_client.get("/style")).status_code == 404

    from linli.web.app import create_app

    demo_app = create_app(msgspec.structs.replace(linli_settings, mode="demo"))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=demo_app), base_url="http://t"
    ) as client:
        page = await client.get("/style")
        english = await client.get("/style", cookies={"linli_lang": "en"})
    assert page.status_code == 200
    for part in (
        'class="breadcrumbs" aria-label="您的位置"',
        '<nav class="tabs"',
        'aria-current="page">首页</a>',
        'class="button primary"',
        'class="button warning"',
        'class="card-link"',
        'class="panel"',
        "LL-2026-0042",
        'class="error-summary"',
        '<a href="#style-time">',
        'class="tag tag-good"',
        'class="summary-list"',
        'class="table reflow"',
        'data-label="积分"',
        'class="empty-state"',
        'class="pagination"',
        'aria-current="page">4</a>',
        "…",
    ):
        assert part in page.text, part
    assert "Every component of the pages" in english.text


def test_numbered_places_are_spelled_out_in_english():
    from linli.kernel.models import english_place

    assert english_place("10栋") == "Building 10"
    assert english_place("2单元902室") == "Unit 2 Room 902"
    assert english_place("江汉里警务室") is None  # a named place keeps its name


async def test_relations_genders_tags_and_flats_read_in_english(linli_client, linli_community):
    building = await make_place(linli_community, "building", "10栋", code="10")
    person = await make_person(linli_community, "王秀英", gender="女", tags=["独居"])
    home = await make_place(linli_community, "household", "902室", parent=building, code="10-902")
    await make_household(linli_community, home, person)
    await make_account("worker", linli_community, "community_worker")
    await log_in(linli_client, "worker")
    page = await linli_client.get(
        f"/c/test/register/people/{person.id}", cookies={"linli_lang": "en"}
    )
    assert page.status_code == 200
    main = page.text[page.text.index("<main") :]
    for english in ("Female", "Head of household", "Lives alone", "Room 902"):
        assert english in main, english
    for chinese in (">女<", ">本人<", ">独居", "902室"):
        assert chinese not in main, chinese


@pytest.mark.parametrize(
    ("page", "has_next", "numbers"),
    [
        (1, False, []),  # one page: no pagination at all
        (1, True, ["1", "2"]),
        (4, True, ["1", "…", "3", "4", "5"]),
        (2, False, ["1", "2"]),
        (100_000_000, False, ["1", "…", "99999999", "100000000"]),
    ],
)
def test_pagination_shows_the_ends_and_the_neighbours_whatever_the_page(page, has_next, numbers):
    """The first and last pages and the page's neighbours, with a gap between; a made-up
    page number far away costs no more than any other (no loop over every page)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from linli.web.templating import CORE_TEMPLATES

    env = Environment(
        loader=FileSystemLoader(CORE_TEMPLATES), autoescape=select_autoescape(default=True)
    )
    env.globals["_"] = lambda text, **values: text % values
    html = env.from_string(
        '{% from "components.html" import pagination with context %}'
        "{{ pagination(page, has_next=has_next) }}"
    ).render(page=page, has_next=has_next)
    shown = re.findall(r'<li(?: class="pagination-gap")?>(?:<a [^>]*>)?([^<]+)<', html)
    assert shown == numbers, html
    assert ('rel="next"' in html) == has_next
