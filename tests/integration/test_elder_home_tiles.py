"""The elder home (长辈版) with every bundled plugin on: the visitor's most used
services as its first tiles, read from the cookie ``linli_use`` their device keeps, and
"All services" leading to the rest; a cookie that is not what the script writes changes
nothing, and the normal home is as before."""

import re

import pytest

from linli.testing import log_in, make_account
from linli.web.site import USE_COOKIE

PLUGINS = ("streetbank", "canteen", "council", "requests", "volunteers", "care", "mediation")
pytestmark = pytest.mark.linli_plugins(*PLUGINS, "codesign")

TILE = re.compile(
    r'<a class="card-link[^"]*" href="([^"]+)">.*?<span class="card-title">([^<]*)', re.S
)


def _lists(page: str) -> list[list[tuple[str, str]]]:
    """Each list of service cards on the page, as (href, title)."""
    found = re.findall(r'<ul class="card-grid services">(.*?)</ul>', page, re.S)
    return [TILE.findall(services) for services in found]


async def _home(client, use: str | None = None, elder: bool = True) -> str:
    client.cookies.set("linli_elder", "1" if elder else "0")
    headers = {}
    if use is not None:  # as a browser sends it, the bytes it was given
        jar = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
        headers["cookie"] = f"{jar}; {USE_COOKIE}={use}".encode()
    page = await client.get("/c/test/", headers=headers)
    assert page.status_code == 200
    return page.text


@pytest.fixture
async def worker(linli_client, linli_community):
    """A community worker: more services open to them than six tiles."""
    await make_account("worker", linli_community, "community_worker")
    await log_in(linli_client, "worker")


async def test_the_most_used_services_are_the_tiles_and_all_services_leads_to_the_rest(
    linli_client, worker
):
    tiles, everything = _lists(await _home(linli_client))
    usual = [href for href, _ in everything]
    assert len(usual) > 6
    # no cookie (a first visit, or no script): the first six in the usual order
    assert tiles == [*everything[:6], ("#services", "全部服务")]
    # the cookie's counts choose the tiles; a service of no one here counts for nothing
    used = ["/c/test/mediation/", "/c/test/canteen/", "/c/test/volunteers/"]
    page = await _home(linli_client, "mediation.9|volunteers.4|canteen.4|nosuchplugin.99")
    tiles, again = _lists(page)
    hrefs = [href for href, _ in tiles]
    unused = [href for href in usual if href not in used][:3]
    # the used and the first unused, in their usual order, then "All services"
    assert hrefs == [*(href for href in usual if href in used + unused), "#services"]
    assert '<h2 id="often-used">常用服务</h2>' in page
    # the full list stays, in its usual order, after the news, where the tile leads
    assert again == everything
    assert page.index('class="widgets"') < page.index('<h2 id="services">本社区的服务</h2>')


async def test_in_english_the_tiles_say_all_services(linli_client, worker):
    linli_client.cookies.set("linli_lang", "en")
    tiles, _ = _lists(await _home(linli_client, "care.2"))
    assert "/c/test/care/" in [href for href, _ in tiles]
    assert tiles[-1] == ("#services", "All services")
    assert len(tiles) == 7


@pytest.mark.parametrize(
    "use",
    [
        "",
        "garbage",
        "%%%;;",
        "mediation.-1|volunteers.x",
        "mediation.99999",
        "MEDIATION.9",
        "调解.9",
        "mediation.9|" * 60,
        "mediation.9,volunteers.4",
    ],
)
async def test_a_garbage_cookie_gives_the_usual_order(linli_client, worker, use):
    usual = _lists(await _home(linli_client))
    assert _lists(await _home(linli_client, use)) == usual


async def test_the_normal_home_is_as_before(linli_client, worker):
    plain = await _home(linli_client, elder=False)
    used = await _home(linli_client, "mediation.9|volunteers.4", elder=False)
    assert _lists(used) == _lists(plain) and len(_lists(plain)) == 1  # one list, all of them
    assert "often-used" not in used and "全部服务" not in used


@pytest.mark.linli_plugins("canteen", "council")
async def test_with_six_services_or_fewer_all_are_tiles_in_their_places(linli_client, worker):
    [tiles] = _lists(await _home(linli_client))
    assert 1 < len(tiles) <= 6
    last = tiles[-1][0].split("/")[-2]
    page = await _home(linli_client, f"{last}.1")
    assert _lists(page) == [tiles]  # every one where it was, no "All services"
    assert "全部服务" not in page and '<h2 id="services">本社区的服务</h2>' in page
