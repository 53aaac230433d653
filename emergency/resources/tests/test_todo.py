"""Resources' to-dos on the home page: what the user manages, counted in a bounded number of queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from emergency.core.registry import todos_for
from emergency.resources.stock import services as stock_services

from .conftest import st_make_warehouse

pytestmark = pytest.mark.django_db


def _labels(user) -> dict[str, int]:
    with translation.override("en"):
        return {str(e.label): e.count for e in todos_for(user)}


@pytest.fixture
def stocked(guangfu, wanghai, st_item, bureau_officer):
    """A lot expiring in 5 days in a 光复道 warehouse and one in a 望海楼 warehouse; a minimum not met in each."""
    today = timezone.localdate()
    for division in (guangfu, wanghai):
        wh = st_make_warehouse(division, f"{division.name}仓库")
        stock_services.stock_receive(acting_user=bureau_officer, warehouse=wh, item=st_item, quantity=Decimal(3), reason="procurement",
                                     lot_number=f"L-{division.code}", expires_on=today + datetime.timedelta(days=5))
        stock_services.minimum_stock_set(acting_user=bureau_officer, warehouse=wh, item=st_item, minimum=Decimal(10))


def test_a_subdistrict_sees_its_own_warehouses_and_the_bureau_all(stocked, subdistrict_officer, bureau_officer):
    assert _labels(subdistrict_officer)["Stock lots expiring soon"] == 1
    assert _labels(subdistrict_officer)["Stock below its minimum"] == 1
    assert _labels(bureau_officer)["Stock lots expiring soon"] == 2
    assert _labels(bureau_officer)["Stock below its minimum"] == 2


def test_a_department_reads_resources_but_handles_no_stock(stocked, department_clerk, enterprise_manager):
    assert "Stock lots expiring soon" not in _labels(department_clerk)
    assert "Stock lots expiring soon" not in _labels(enterprise_manager)


def test_the_counts_take_a_fixed_number_of_queries(stocked, bureau_officer, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        todos_for(bureau_officer)
