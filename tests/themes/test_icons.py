"""linli's icons, logo and favicon: the icon() macro draws a symbol of one cached sprite,
decorative unless it is the only label; every icon a plugin names exists; the services
in the menu and on the home page show theirs; browsers find a favicon wherever they
look, kept for long."""

import re
import warnings
from importlib.metadata import entry_points
from pathlib import Path

import httpx
import msgspec
import pytest
from jinja2 import Environment, FileSystemLoader, select_autoescape

import linli_theme_default
from linli.kernel import icons
from linli.kernel.icons import ICONS, SPRITE, UnknownIconWarning, sprite_names
from linli.kernel.plugins import ENTRY_POINT_GROUP, Manifest, ManifestError, NavItem
from linli.kernel.registry import BUILTINS
from linli.testing import log_in, make_account
from linli.web.templating import CORE_STATIC, CORE_TEMPLATES, StaticFiles
from linli_theme_default import logo

THEME_STATIC = Path(linli_theme_default.__file__).parent / "static"
BUNDLED = sorted(
    entry_point.name
    for entry_point in entry_points(group=ENTRY_POINT_GROUP)
    if not entry_point.dist.name.startswith("linli-test-")
)


@pytest.fixture(scope="module")
def render():
    static = StaticFiles([THEME_STATIC, CORE_STATIC])
    env = Environment(
        loader=FileSystemLoader(CORE_TEMPLATES), autoescape=select_autoescape(default=True)
    )
    env.globals.update(icon_url=static.icon_url, _=lambda text, **values: text % values)

    def render(source: str, **context: object) -> str:
        header = '{% from "components.html" import icon, card with context %}'
        return env.from_string(header + source).render(**context)

    return render


def test_an_icon_beside_words_is_hidden_from_screen_readers(render):
    html = render('{{ icon("utensils") }}')
    assert re.fullmatch(
        r'<svg class="icon" width="24" height="24" focusable="false" aria-hidden="true">'
        r'<use href="/static/linli/icons\.svg\?v=[0-9a-f]{12}#utensils"></use></svg>',
        html,
    ), html
    assert "role=" not in html


def test_an_icon_alone_carries_its_label_escaped(render):
    html = render("{{ icon('printer', label=label) }}", label='<b>"打印"</b>')
    assert 'role="img" aria-label="&lt;b&gt;&#34;打印&#34;&lt;/b&gt;"' in html
    assert "aria-hidden" not in html and "<b>" not in html


def test_a_card_draws_its_icon_before_its_title(render):
    html = render('{{ card("/c/x/canteen/", "幸福食堂", icon="utensils") }}')
    assert html.index("#utensils") < html.index('<span class="card-title">幸福食堂</span>')
    assert 'class="card-link has-icon"' in html
    assert "<svg" not in render('{{ card("/c/x/", "首页") }}')


def test_no_icon_named_draws_nothing_and_warns_of_nothing(render):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert render("{{ icon(none) }}{{ icon('') }}") == ""


def test_an_unknown_icon_fails_in_tests_and_shows_a_resident_the_words_alone(render):
    # linli's pytest plugin turns the warning into an error: a plugin's tests fail
    with pytest.raises(UnknownIconWarning, match="no-such-icon"):
        render('{{ icon("no-such-icon") }}')
    # on a site, the card keeps its words and the page its answer
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        html = render('{{ card("/c/x/", "食堂", icon=name) }}', name='x"><script>')
    assert "<svg" not in html and "<script>" not in html
    assert '<span class="card-title">食堂</span>' in html
    assert [w.category for w in caught] == [UnknownIconWarning]


def test_the_sprite_holds_every_listed_icon_with_its_licence():
    text = SPRITE.read_text()
    assert sorted(sprite_names()) == sorted(ICONS)
    assert len(re.findall(r'<symbol id="[^"]+" viewBox="0 0 24 24" fill="none"', text)) == len(
        ICONS
    )
    assert "<script" not in text and "style=" not in text  # the CSP allows neither
    licence = (SPRITE.parent / "icons-LICENSE.txt").read_text()
    assert "Lucide" in licence and "ISC License" in licence
    assert len(text.encode()) < 16_000  # a few dozen icons, not the whole set


def test_icon_names_are_checked_when_a_plugin_is_written():
    with pytest.raises(ManifestError, match="icon"):
        Manifest(name="tools", title={"zh_CN": "工具", "en": "Tools"}, version="1", icon="Tools!")
    with pytest.raises(ManifestError, match="icon"):
        NavItem("Tools", "tools/", icon="<svg>")
    assert NavItem("Tools", "tools/").icon is None  # optional: old plugins keep working


def _manifests() -> dict[str, Manifest]:
    from importlib import import_module

    found = {
        ep.name: ep.load().manifest
        for ep in entry_points(group=ENTRY_POINT_GROUP)
        if ep.name in BUNDLED
    }
    for builtin in BUILTINS:
        manifest = import_module(builtin.module).manifest
        found[manifest.name] = manifest
    return found


def test_every_bundled_plugin_names_an_icon_linli_has():
    manifests = _manifests()
    names = {name: manifests[name].icon for name in [*BUNDLED, "register", "admin", "inbox"]}
    assert {name: icon for name, icon in names.items() if icon not in sprite_names()} == {}


@pytest.mark.linli_plugins(*BUNDLED)
async def test_every_link_of_the_menu_and_every_service_shows_its_icon(
    linli_client, linli_community, linli_registry
):
    nav_items = linli_registry.collect("linli_nav_items", community=linli_community)
    assert [item for _, item in nav_items if item.icon and item.icon not in sprite_names()] == []

    await make_account("worker", linli_community, "community_worker")
    await log_in(linli_client, "worker")
    page = (await linli_client.get("/c/test/")).text
    menu = page[page.index('<nav class="site-nav"') : page.index("</nav>")]
    links = re.findall(r'<li><a href="/c/test/[^"]*"[^>]*>(.*?)</a></li>', menu)
    assert len(links) > 8, menu
    assert [link for link in links if '<svg class="icon"' not in link] == []
    assert '#house"></use></svg>首页' in menu
    assert '#utensils"></use></svg>幸福食堂' in menu
    services = page[page.index('id="services"') :]
    assert services.count('class="card-link has-icon"') == len(links) - 1  # all but home


@pytest.mark.parametrize(
    ("path", "content_type", "magic"),
    [
        ("/favicon.ico", "image/vnd.microsoft.icon", b"\x00\x00\x01\x00"),
        ("/apple-touch-icon.png", "image/png", b"\x89PNG"),
    ],
)
async def test_browsers_find_the_favicon_at_the_root_kept_for_a_month(
    linli_client, path, content_type, magic
):
    answer = await linli_client.get(path)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == content_type
    assert answer.content.startswith(magic)
    cache = answer.headers["cache-control"]
    assert "public" in cache and int(re.search(r"max-age=(\d+)", cache).group(1)) >= 30 * 86400
    assert "set-cookie" not in answer.headers


async def test_every_page_links_its_icons_at_addresses_kept_for_a_year(
    linli_client, linli_community
):
    page = (await linli_client.get("/c/test/")).text
    head = page[: page.index("</head>")]
    links = {
        rel: href
        for rel, href in re.findall(r'<link rel="([\w-]+ ?[\w-]*)" href="([^"]+)"', head)
        if "icon" in rel
    }
    assert re.search(r'rel="icon" href="/static/favicon\.ico\?v=\w+" sizes="48x48"', head)
    assert re.search(r'rel="icon" href="/static/default/logo\.svg\?v=\w+" type="image/svg', head)
    assert "apple-touch-icon" in links
    linli_client.cookies.clear()  # a first visit: the page's cookies are not sent
    for href in [*re.findall(r'href="(/static/[^"]+(?:ico|svg|png)\?v=\w+)"', head)]:
        answer = await linli_client.get(href)
        assert answer.status_code == 200, href
        assert "immutable" in answer.headers["cache-control"], href
        assert "set-cookie" not in answer.headers, href  # nothing of the visitor's to keep


def test_the_committed_logo_is_the_one_the_generator_draws():
    assert (THEME_STATIC / "default" / "logo.svg").read_text() == logo.svg()
    picture = logo.picture(32)
    assert picture.size == (32, 32)
    assert picture.getpixel((16, 22))[:3] != (255, 255, 255)  # a house, not blank


async def test_the_style_page_shows_every_icon_and_the_logo(linli_settings, linli_db):
    from linli.web.app import create_app

    demo_app = create_app(msgspec.structs.replace(linli_settings, mode="demo"))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=demo_app), base_url="http://t"
    ) as client:
        page = (await client.get("/style")).text
    for name in icons.ICONS:
        assert f'#{name}"></use></svg><code>{name}</code>' in page, name
    assert re.search(r'<img src="/static/default/logo\.svg\?v=\w+" alt="邻里"', page)


def test_plugins_check_names_an_icon_linli_lacks():
    from types import ModuleType

    from linli.cli.checks import check_manifest

    module = ModuleType("linli_tools")
    words = {"zh_CN": "工具", "en": "Tools"}
    module.manifest = Manifest(
        name="tools", title=words, description=words, version="1", icon="no-such-icon"
    )
    assert [p for p in check_manifest("tools", module) if "icon" in p] == [
        "icon 'no-such-icon' is not one of linli's icons (linli/icons.svg; "
        "the demo's /style page shows them)"
    ]
    module.manifest = Manifest(
        name="tools", title=words, description=words, version="1", icon="wrench"
    )
    assert check_manifest("tools", module) == []
