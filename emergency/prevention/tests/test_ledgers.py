"""The ledgers (台账) of hidden hazards and risk points, and their .xlsx exports with the filters applied.

甲化工 (光复道) and 乙机械 (望海楼) each keep hazards; the bureau filters and exports the district's
ledger, a subdistrict only its own area, an enterprise only itself.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import login
from emergency.core.models import AuditEvent
from emergency.prevention import services

HAZARDS = reverse("prevention:ledger_hazards")
HAZARDS_XLSX = reverse("prevention:ledger_hazards_export")
POINTS = reverse("prevention:ledger_risk_points")
POINTS_XLSX = reverse("prevention:ledger_risk_points_export")


def read_export(resp) -> list[list]:
    assert resp.status_code == 200, resp.content[:300]
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(b"".join(resp.streaming_content)), read_only=True)
    rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
    return rows


def column(rows, header: str) -> list:
    i = rows[0].index(header)
    return [r[i] for r in rows[1:]]


@pytest.fixture(autouse=True)
def english(client, settings):
    """Headers and labels are read back in the English source strings."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def ledgers(hz_loop, hz_loop_b, subdistrict_officer, enterprise_manager, other_enterprise_manager):
    closed = hz_loop.awaiting_acceptance(title="配电箱未接地")
    services.hazard_accept(acting_user=subdistrict_officer, hazard=closed, passed=True, note="合格")
    late = hz_loop.rectifying(title="消防通道堵塞", days=1)
    services.hazards_mark_overdue(today=timezone.localdate() + datetime.timedelta(days=3))
    fresh = hz_loop.report(title="=HYPERLINK(\"http://x\")")
    major = hz_loop_b.assessed("major", title="液氨储罐泄漏")
    for loop, user, name, score in ((hz_loop, enterprise_manager, "储罐区", (10, 6, 7)),
                                    (hz_loop, enterprise_manager, "装卸区", (3, 6, 3)),
                                    (hz_loop_b, other_enterprise_manager, "冷库", (6, 6, 7))):
        point = services.risk_point_create(acting_user=user, enterprise=loop.enterprise, name=name, kind="area",
                                           control_level=2, responsible_person="王工")
        services.risk_assess(acting_user=user, point=point, method="lec", l=score[0], e=score[1], c=score[2])
    return {"closed": closed, "late": late, "fresh": fresh, "major": major}


def listed_titles(resp) -> set[str]:
    return {h.title for h in resp.context["page"]}


def test_the_bureau_filters_the_hazard_ledger(ledgers, bureau_officer, guangfu, client):
    login(client, bureau_officer)

    assert listed_titles(client.get(HAZARDS)) == {"配电箱未接地", "消防通道堵塞", '=HYPERLINK("http://x")', "液氨储罐泄漏"}
    assert listed_titles(client.get(HAZARDS, {"state": "closed"})) == {"配电箱未接地"}
    assert listed_titles(client.get(HAZARDS, {"overdue": "yes"})) == {"消防通道堵塞"}
    assert listed_titles(client.get(HAZARDS, {"hazard_class": "major"})) == {"液氨储罐泄漏"}
    assert listed_titles(client.get(HAZARDS, {"hazard_class": "none"})) == {'=HYPERLINK("http://x")'}
    assert listed_titles(client.get(HAZARDS, {"subdistrict": guangfu.pk, "overdue": "no"})) == {
        "配电箱未接地", '=HYPERLINK("http://x")'}
    assert listed_titles(client.get(HAZARDS, {"industry": "F"})) == set()
    today = timezone.localdate()
    assert len(listed_titles(client.get(HAZARDS, {"since": today, "until": today}))) == 4
    assert listed_titles(client.get(HAZARDS, {"until": today - datetime.timedelta(days=1)})) == set()


def test_the_ledger_links_each_hazard_and_enterprise_to_its_page(ledgers, bureau_officer, client):
    login(client, bureau_officer)
    page = client.get(HAZARDS).content.decode()

    major = ledgers["major"]
    assert f'href="/prevention/hazards/{major.pk}/"' in page and f'href="/enterprises/{major.enterprise_id}/"' in page


def test_a_subdistrict_cannot_filter_its_way_into_another_area(ledgers, subdistrict_officer, wanghai, client):
    login(client, subdistrict_officer)

    assert "液氨储罐泄漏" not in listed_titles(client.get(HAZARDS))
    resp = client.get(HAZARDS, {"subdistrict": wanghai.pk})
    assert resp.status_code == 200 and resp.context["invalid"] and listed_titles(resp) == set()
    assert "subdistrict" in resp.context["filter"].form.errors
    export = client.get(HAZARDS_XLSX, {"subdistrict": wanghai.pk})
    assert export.status_code == 400 and "subdistrict" in export.json()["errors"]


def test_it_rejects_a_bad_filter_value_naming_the_field(ledgers, bureau_officer, client):
    login(client, bureau_officer)

    resp = client.get(POINTS_XLSX, {"level": "9", "since": "not-a-date"})
    assert resp.status_code == 400 and set(resp.json()["errors"]) == {"level", "since"}
    assert not AuditEvent.objects.filter(event_type=AuditEvent.Type.EXPORT).exists()


def test_the_hazard_export_applies_the_filters_and_is_audited(ledgers, bureau_officer, client):
    login(client, bureau_officer)
    rows = read_export(client.get(HAZARDS_XLSX, {"hazard_class": "major"}))

    assert column(rows, "Hidden hazard") == ["液氨储罐泄漏"]
    assert column(rows, "Subdistrict") == ["望海楼"] and column(rows, "Class") == ["Major"]
    event = AuditEvent.objects.get(event_type=AuditEvent.Type.EXPORT)
    assert event.actor == bureau_officer and event.changes == {"filters": "hazard_class=major", "rows": 1}


def test_the_export_writes_form_text_as_text_never_as_a_formula(ledgers, bureau_officer, client):
    login(client, bureau_officer)
    rows = read_export(client.get(HAZARDS_XLSX, {"overdue": "no"}))

    assert '=HYPERLINK("http://x")' in column(rows, "Hidden hazard")
    assert column(rows, "Overdue").count("Yes") == 0
    closed = next(r for r in rows[1:] if r[rows[0].index("Hidden hazard")] == ledgers["closed"].title)
    assert isinstance(closed[rows[0].index("Closed at")], datetime.datetime)


def test_a_subdistrict_export_contains_only_its_area(ledgers, subdistrict_officer, client):
    login(client, subdistrict_officer)
    rows = read_export(client.get(HAZARDS_XLSX))

    assert set(column(rows, "Hidden hazard")) == {"配电箱未接地", "消防通道堵塞", '=HYPERLINK("http://x")'}
    assert set(column(rows, "Subdistrict")) == {"光复道"}
    points = read_export(client.get(POINTS_XLSX))
    assert set(column(points, "Risk point")) == {"储罐区", "装卸区"}


def test_an_enterprise_exports_only_its_own_ledgers(ledgers, other_enterprise_manager, client):
    login(client, other_enterprise_manager)

    assert column(read_export(client.get(HAZARDS_XLSX)), "Hidden hazard") == ["液氨储罐泄漏"]
    assert column(read_export(client.get(POINTS_XLSX)), "Enterprise") == ["乙机械有限公司"]
    assert listed_titles(client.get(HAZARDS)) == {"液氨储罐泄漏"}


def test_the_risk_point_ledger_filters_by_level_and_exports_the_colour(ledgers, bureau_officer, client):
    login(client, bureau_officer)

    assert {p.name for p in client.get(POINTS, {"level": "1"}).context["page"]} == {"储罐区"}
    assert {p.name for p in client.get(POINTS, {"level": "4"}).context["page"]} == {"装卸区"}
    assert {p.name for p in client.get(POINTS, {"industry": "C", "control_level": "2"}).context["page"]} == {
        "储罐区", "装卸区", "冷库"}
    rows = read_export(client.get(POINTS_XLSX, {"level": "2"}))
    assert column(rows, "Risk point") == ["冷库"] and column(rows, "Colour") == ["Orange"]


def test_the_ledger_filters_by_enterprise_from_the_map(ledgers, bureau_officer, enterprise_b, client):
    login(client, bureau_officer)

    assert {p.name for p in client.get(POINTS, {"enterprise": enterprise_b.pk}).context["page"]} == {"冷库"}


@pytest.mark.parametrize("url", [HAZARDS, POINTS, HAZARDS_XLSX, POINTS_XLSX])
def test_ledgers_and_exports_run_a_fixed_number_of_queries(url, hz_loop, hz_loop_b, enterprise_manager,
                                                           other_enterprise_manager, bureau_officer, client,
                                                           django_assert_max_num_queries):
    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            loop, user = (hz_loop, enterprise_manager) if i % 2 else (hz_loop_b, other_enterprise_manager)
            loop.report(title=f"隐患{i}")
            services.risk_point_create(acting_user=user, enterprise=loop.enterprise, name=f"风险点{i}", kind="area",
                                       control_level=3, responsible_person="王工")

    login(client, bureau_officer)
    add(5, 0)
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        resp = client.get(url)
        if hasattr(resp, "streaming_content"):
            assert len(read_export(resp)) == 6
    add(25, 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        resp = client.get(url)
        if hasattr(resp, "streaming_content"):
            assert len(read_export(resp)) == 31
