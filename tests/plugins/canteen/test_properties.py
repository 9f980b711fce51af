"""Invariants of the pure rules, for any input Hypothesis can think of."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from linli_canteen import services
from linli_canteen.models import FIXED, PERCENT, SubsidyTier

tiers = st.builds(
    SubsidyTier,
    name=st.just("t"),
    min_age=st.one_of(st.none(), st.integers(0, 110)),
    max_age=st.one_of(st.none(), st.integers(0, 110)),
    tag=st.sampled_from(["", "低保", "残疾"]),
    kind=st.sampled_from([FIXED, PERCENT]),
    amount=st.integers(0, 100),
    cap=st.one_of(st.none(), st.integers(0, 5000)),
    active=st.booleans(),
)


@given(st.lists(tiers, max_size=6), st.one_of(st.none(), st.integers(0, 110)),
       st.sets(st.sampled_from(["低保", "残疾", "独居"])), st.integers(1, 100_000))  # fmt: skip
def test_the_breakdown_always_adds_up(candidates, age, tags, price):
    tier = services.best_tier(candidates, age, tags, price)
    subsidy = services.subsidy_of(tier, price) if tier else 0
    assert 0 <= subsidy <= price
    if tier is not None:
        assert tier.active and services.tier_matches(tier, age, tags)
        matching = [t for t in candidates if t.active and services.tier_matches(t, age, tags)]
        assert subsidy == max(services.subsidy_of(t, price) for t in matching)
        if tier.cap is not None:
            assert subsidy <= tier.cap


@given(st.dates(date(1900, 1, 1), date(2030, 12, 31)),
       st.dates(date(1900, 1, 1), date(2100, 12, 31)))  # fmt: skip
def test_age_grows_by_one_on_each_birthday(birth, day):
    age = services.age_on(birth, day)
    if day >= birth:
        assert age >= 0
        try:
            birthday = birth.replace(year=day.year)
        except ValueError:  # 29 February in a common year
            birthday = date(day.year, 3, 1)
        assert age == day.year - birth.year - (day < birthday)


coordinate = st.tuples(st.floats(-80, 80), st.floats(-179, 179))


@given(coordinate, coordinate)
def test_distance_is_symmetric_and_never_negative(a, b):
    there = services.distance_km(*a, *b)
    back = services.distance_km(*b, *a)
    assert there >= 0 and abs(there - back) < 1e-9
    assert there <= 3.1416 * services.EARTH_RADIUS_KM + 1e-6


@given(st.integers(0, 99_999_999))
def test_yuan_round_trips(fen):
    assert services.parse_yuan(services.yuan(fen)) == fen
