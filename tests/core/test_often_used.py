"""The elder home's tiles: the visitor's most used services first, read from the cookie
``linli.js`` keeps on their device; whatever the cookie holds, the worst is the usual
order."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linli.web.often_used import MAX_COOKIE_CHARS, MAX_TILES, choose_tiles, read_usage

NAMES = ["requests", "streetbank", "canteen", "care", "council", "volunteers", "mediation"]


def test_the_cookie_gives_the_visits_of_each_service():
    assert read_usage("canteen.12|streetbank.3") == {"canteen": 12, "streetbank": 3}
    assert read_usage("care.0") == {"care": 0}
    # of a name given twice the first counts, as the script writes each once
    assert read_usage("canteen.2|canteen.40") == {"canteen": 2}


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "|||",
        "canteen",
        "canteen.",
        ".12",
        "canteen.-1",
        "canteen.1.2",
        "canteen.12345",  # more than the script ever counts
        "Canteen.3",
        "食堂.3",
        "c.3",  # no plugin has a one-letter name
        "canteen 3",
        '"canteen.3"',
        "canteen.3;care.2",
        "x" * 40 + ".3",
        "canteen.3|" * 50,  # too long to be the script's: ignored whole
        "canteen.%00",
        "__proto__.1x",
    ],
)
def test_a_malformed_cookie_gives_nothing(value):
    assert read_usage(value) == {}


def test_good_entries_beside_bad_ones_still_count():
    assert read_usage("canteen.x|care.4|.|食堂.9") == {"care": 4}


def test_the_most_used_are_chosen_and_keep_their_usual_places():
    usage = {"mediation": 9, "canteen": 3, "volunteers": 3, "gone": 50}
    tiles = choose_tiles(NAMES, usage, name=str)
    # the three used, then the first unused to fill six: shown in the usual order
    assert tiles.chosen == ["requests", "streetbank", "canteen", "care", "volunteers", "mediation"]
    assert tiles.more  # council is left out: "All services" leads to it
    # more visits to a service already shown moves nothing
    assert choose_tiles(NAMES, {**usage, "care": 90}, name=str).chosen == tiles.chosen


def test_without_usage_the_first_six_in_the_usual_order():
    tiles = choose_tiles(NAMES, {}, name=str)
    assert tiles.chosen == NAMES[:MAX_TILES] and tiles.more
    small = choose_tiles(NAMES[:4], {"care": 2}, name=str)
    assert small.chosen == NAMES[:4]
    assert not small.more  # all four are tiles: nothing is left to lead to


def test_services_are_matched_by_the_name_given():
    items = [{"plugin": name, "label": name.title()} for name in NAMES]
    tiles = choose_tiles(items, {"council": 1}, name=lambda item: item["plugin"])
    assert {"plugin": "council", "label": "Council"} in tiles.chosen


counts = st.integers(min_value=0, max_value=9999)
usages = st.dictionaries(st.sampled_from([*NAMES, "gone", "admin"]), counts, max_size=12)
services = st.lists(st.sampled_from(NAMES), unique=True, max_size=len(NAMES))


@given(services=services, usage=usages)
def test_the_tiles_are_the_most_used_services_in_their_usual_order(services, usage):
    tiles = choose_tiles(services, usage, name=str)
    chosen = tiles.chosen
    # never more than six, and all of them (at least four) when there are that many
    assert len(chosen) == min(len(services), MAX_TILES)
    assert len(chosen) + tiles.more <= MAX_TILES + 1
    assert tiles.more == (len(services) > MAX_TILES)
    # every tile an offered service, each once
    assert set(chosen) <= set(services) and len(set(chosen)) == len(chosen)
    # in the usual order
    assert chosen == [s for s in services if s in chosen]
    # none left out was used more than one shown
    left = set(services) - set(chosen)
    assert all(usage.get(s, 0) <= min(usage.get(c, 0) for c in chosen) for s in left)


@given(st.text(max_size=MAX_COOKIE_CHARS + 20))
def test_any_cookie_reads_as_counts_or_nothing(value):
    usage = read_usage(value)
    assert len(usage) <= 24
    assert all(0 <= count <= 9999 for count in usage.values())
    assert set(usage) <= set(value.replace(".", "|").split("|"))
