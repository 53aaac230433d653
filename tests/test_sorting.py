"""Registers and ledgers sort by their columns and the ledgers have a keyword box (issue 11, "Lists and maps").

Every list page heads its sortable columns with `sort_header` (core/sorting.py, core/templatetags/em.py): a link
carrying `data-sort="<key>"`. The walk below reads those keys off each page and asks for each one both ways, so a
header naming a key its view does not declare (which would silently fall back to the default order) fails here.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import login, make_enterprise
from emergency.core.models import Division
from emergency.core.sorting import Sorting

from . import persona_dataset

LIST_PAGES = [
    ("enterprises:list", None), ("prevention:hazard_list", None), ("prevention:ledger_hazards", None),
    ("prevention:ledger_risk_points", None), ("prevention:risk_point_list", None),
    ("resources:shelter_list", None), ("resources:team_list", None), ("resources:expert_list", None),
    ("resources:equipment_list", None), ("resources:reserve_list", None), ("resources:warehouse_list", None),
    ("resources:stock_ledger", None), ("resources:document_list", None), ("plans:notice_list", None),
    ("plans:report_list", "plan"), ("core:division_list", None), ("core:department_list", None),
]
ADMIN_PAGES = [("accounts:user_list", "system_admin"), ("accounts:user_list", "security_admin")]
SORT_KEY = re.compile(r'data-sort="([a-z_]+)"')


def _aria(body: str, key: str) -> str:
    match = re.search(r'<th[^>]*aria-sort="(\w+)"><a[^>]*data-sort="' + key + '"', body)
    assert match, f"no sortable header {key!r}"
    return match.group(1)


def test_every_register_and_ledger_sorts_by_each_of_its_columns_both_ways(db, client, request):
    ds = persona_dataset.build(request)
    login(client, ds.users["bureau_admin"])
    walked = {}
    for name, arg in LIST_PAGES:
        url = reverse(name, args=[ds.singles[arg]] if arg else [])
        body = client.get(url).content.decode()
        keys = SORT_KEY.findall(body)
        assert len(keys) >= 2, (name, keys)
        for key in keys:
            for sort, state in ((key, "ascending"), (f"-{key}", "descending")):
                resp = client.get(url, {"sort": sort})
                assert resp.status_code == 200, (name, sort)
                assert _aria(resp.content.decode(), key) == state, (name, sort)
        walked[name] = keys
    assert len(walked) == len(LIST_PAGES)
    for name, persona in ADMIN_PAGES:
        login(client, ds.users[persona])
        url = reverse(name)
        for key in SORT_KEY.findall(client.get(url).content.decode()):
            assert _aria(client.get(url, {"sort": f"-{key}"}).content.decode(), key) == "descending", (name, key)


def test_a_column_sorts_the_rows_and_its_header_links_to_the_other_direction(db, client, bureau_admin, guangfu):
    for n, name in enumerate(("甲安全科技有限公司", "乙建筑工程有限公司", "丙化工有限公司"), start=1):
        make_enterprise(name, n, guangfu)
    login(client, bureau_admin)
    url = reverse("enterprises:list")

    def names(params):
        body = client.get(url, params).content.decode()
        return re.findall(r'<a href="/enterprises/\d+/">([^<]+)</a>', body), body

    ascending, body = names({"sort": "name", "industry": "", "page": "1"})
    assert ascending == sorted(ascending) and len(ascending) == 3
    descending, _body = names({"sort": "-name"})
    assert descending == ascending[::-1]
    # The sorted column links to the other direction, keeps the filters and goes back to page 1.
    link = re.search(r'href="\?([^"]*)" data-sort="name"', body).group(1)
    assert "sort=-name" in link and "industry=" in link and "page=" not in link
    # The filter form carries the sort, so filtering keeps it.
    assert '<input type="hidden" name="sort" value="name">' in body


@pytest.mark.parametrize("raw", ["nonsense", "--name", "name\x00", "-", "", "pk", "password"])
def test_a_sort_the_view_does_not_declare_is_the_default_order_never_an_error(db, client, bureau_admin, raw):
    login(client, bureau_admin)
    resp = client.get(reverse("enterprises:list"), {"sort": raw})
    assert resp.status_code in (200, 400)  # 400: the control character, refused before the view
    if resp.status_code == 200:
        assert _aria(resp.content.decode(), "name") == "ascending"  # the default: by name


def test_empty_values_sort_last_both_ways_and_the_key_breaks_ties(db, district, guangfu, wanghai):
    sorting = Sorting({"parent": ("parent__code",)}, default="parent")
    rows = list(Division.objects.filter(pk__in=[district.pk, guangfu.pk, wanghai.pk]))
    up, _ = sorting.apply(Division.objects.filter(pk__in=[r.pk for r in rows]), {"sort": "parent"})
    down, _ = sorting.apply(Division.objects.filter(pk__in=[r.pk for r in rows]), {"sort": "-parent"})
    assert list(up)[-1] == district and list(down)[-1] == district  # the district has no parent
    assert [d.pk for d in up][:2] == sorted([guangfu.pk, wanghai.pk])  # same parent: by key
    assert [d.pk for d in down][:2] == sorted([guangfu.pk, wanghai.pk], reverse=True)
    with pytest.raises(ValueError):
        Sorting({"name": ("name",)}, default="code")


def test_sorting_adds_no_query(db, client, bureau_admin, guangfu):
    for n in range(1, 4):
        make_enterprise(f"企业{n}", n, guangfu)
    login(client, bureau_admin)
    url = reverse("enterprises:list")
    client.get(url)
    with CaptureQueriesContext(connection) as plain:
        client.get(url)
    with CaptureQueriesContext(connection) as sorted_:
        client.get(url, {"sort": "-division"})
    assert len(sorted_) == len(plain)


# --- keyword boxes on the ledgers -------------------------------------------------------------------------

def test_the_ledgers_find_a_word_inside_chinese_text(db, client, request):
    ds = persona_dataset.build(request)
    login(client, ds.users["bureau_admin"])
    hazard = ds.pairs["hazard"]
    from emergency.prevention.models import HiddenHazard, RiskPoint

    title = HiddenHazard.objects.get(pk=hazard[0]).title
    word = title[1:3]  # a word inside the title, not at its start
    body = client.get(reverse("prevention:ledger_hazards"), {"q": word}).content.decode()
    assert f'data-pk="{hazard[0]}"' in body
    body = client.get(reverse("prevention:ledger_hazards"), {"q": "不存在的词语"}).content.decode()
    assert 'data-pk="' not in body

    point = RiskPoint.objects.get(pk=ds.pairs["risk_point"][0])
    body = client.get(reverse("prevention:ledger_risk_points"), {"q": point.name[1:3]}).content.decode()
    assert point.name in body
    body = client.get(reverse("prevention:ledger_risk_points"), {"q": "不存在的词语"}).content.decode()
    assert point.name not in body


def test_the_ledger_export_follows_the_keyword_and_the_sort(db, client, request):
    import io

    from openpyxl import load_workbook

    ds = persona_dataset.build(request)
    login(client, ds.users["bureau_admin"])
    resp = client.get(reverse("prevention:ledger_risk_points_export"), {"sort": "-name"})
    rows = list(load_workbook(io.BytesIO(b"".join(resp.streaming_content))).active.iter_rows(values_only=True))
    names = [r[3] for r in rows[1:]]
    assert names == sorted(names, reverse=True) and len(names) >= 2
    resp = client.get(reverse("prevention:ledger_risk_points_export"), {"q": "不存在的词语"})
    rows = list(load_workbook(io.BytesIO(b"".join(resp.streaming_content))).active.iter_rows(values_only=True))
    assert len(rows) == 1  # the header only


def test_the_stock_ledger_finds_an_item_by_a_word_of_its_name(db, client, request):
    ds = persona_dataset.build(request)
    login(client, ds.users["bureau_admin"])
    from django.apps import apps

    movement = apps.get_model("resources", "StockMovement").objects.select_related("lot__item").first()
    assert movement is not None
    name = movement.lot.item.name
    url = reverse("resources:stock_ledger")
    body = client.get(url, {"q": name[-2:]}).content.decode()
    assert name in body and 'name="q"' in body
    body = client.get(url, {"q": "不存在的词语"}).content.decode()
    assert f"<td>{name}<" not in body
    assert client.get(url, {"q": "x" * 101}).status_code == 200  # too long: a form error, the filter ignored


def test_a_sort_parameter_that_is_not_one_declared_key_gives_the_default():
    sorting = Sorting({"name": ("name",), "code": ("code",)}, default="-code")
    for raw in (None, 3, ["name"], "-name-", "name,code", " name"):
        assert sorting.chosen({"sort": raw}) == "-code"
    assert sorting.chosen({}) == sorting.chosen(None) == "-code"
    assert sorting.chosen({"sort": "-name"}) == "-name"
