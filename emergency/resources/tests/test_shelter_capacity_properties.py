"""Properties of the shelter capacity rule capacity = floor(area ÷ area per person) (GB 21734), on the pure
`services.capacity_from_area` (the rules table only supplies the area per person). No database."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from emergency.resources.shelters.services import capacity_from_area

PROPERTY = settings(max_examples=150, derandomize=True, deadline=None, database=None)

areas = st.decimals(min_value=0, max_value=1_000_000, places=2)
per_person = st.decimals(min_value=Decimal("0.1"), max_value=10, places=2)


@PROPERTY
@given(areas, per_person)
def test_capacity_is_the_whole_number_of_people_the_area_holds(area, app):
    capacity = capacity_from_area(area, app)
    assert isinstance(capacity, int) and capacity >= 0
    assert capacity * app <= area < (capacity + 1) * app


@PROPERTY
@given(areas, areas, per_person)
def test_capacity_is_monotone_in_area(a, b, app):
    small, large = sorted((a, b))
    assert capacity_from_area(small, app) <= capacity_from_area(large, app)


@PROPERTY
@given(per_person, st.data())
def test_an_area_under_one_person_holds_nobody(app, data):
    area = data.draw(st.decimals(min_value=0, max_value=app, places=4).filter(lambda a: a < app))
    assert capacity_from_area(area, app) == 0
    assert capacity_from_area(app, app) == 1


@PROPERTY
@given(st.integers(0, 100_000), per_person)
def test_exactly_n_people_of_area_hold_n_people(n, app):
    assert capacity_from_area(n * app, app) == n


@PROPERTY
@given(st.integers(0, 10_000_000), per_person)
def test_a_float_area_is_read_as_written(hundredths, app):
    area = Decimal(hundredths) / 100
    assert capacity_from_area(float(area), app) == capacity_from_area(area, app)


@PROPERTY
@given(st.one_of(st.none(), st.decimals(min_value=-1_000_000, max_value=Decimal("-0.01"), places=2)), per_person)
def test_no_or_negative_area_holds_nobody(area, app):
    assert capacity_from_area(area, app) == 0
