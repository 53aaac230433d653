"""Use case: a subdistrict or the bureau imports communities and grids from a spreadsheet."""

from __future__ import annotations

import pytest

from conftest import login
from emergency.core.models import AuditEvent, Division, ImportJob

from .xlsx_files import community, grid, upload

NEW_URL = "/imports/divisions/new/"


def _upload(client, rows, **kw) -> ImportJob:
    resp = client.post(NEW_URL, {"file": upload(rows, **kw)})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    return ImportJob.objects.get(pk=int(resp.url.rstrip("/").split("/")[-1]))


def _reasons(job: ImportJob) -> dict[int, str]:
    return {e["line"]: e["reason"] for e in job.errors}


def test_a_good_file_previews_then_imports_every_row_after_confirmation(client, subdistrict_officer):
    login(client, subdistrict_officer)
    job = _upload(client, [
        community("120105001801", "导入甲社区"),
        community("120105001802", "导入乙社区", population=None, lat=None, lng=None),
        grid("120105001801001", "导入甲社区第1网格", parent="120105001801"),
        grid("120105001802001", "导入乙社区第1网格", parent="120105001802"),
    ])

    assert job.status == ImportJob.Status.READY
    assert (job.total_rows, job.processed_rows) == (4, 4)
    assert not Division.objects.filter(code__startswith="12010500180").exists()
    page = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert "导入乙社区第1网格" in page and 'data-testid="import-confirm"' in page

    resp = client.post(f"/imports/jobs/{job.pk}/confirm/")
    assert resp.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.created_count == 4 and job.finished_at is not None
    grid_row = Division.objects.get(code="120105001801001")
    assert grid_row.parent.code == "120105001801"
    assert grid_row.path == "/120105/120105001/120105001801/120105001801001/"
    first = Division.objects.get(code="120105001801")
    assert (first.population, first.latitude, first.is_synthetic) == (3000, 39.15, True)
    assert first.history.first().history_user == subdistrict_officer
    event = AuditEvent.objects.get(event_type=AuditEvent.Type.IMPORT, success=True)
    assert event.actor == subdistrict_officer and event.changes["rows"] == 4


def test_a_file_with_one_bad_row_imports_nothing_and_names_that_row(client, subdistrict_officer):
    login(client, subdistrict_officer)
    job = _upload(client, [
        community("120105001801", "甲社区"),
        community("120105001802", "乙社区", population="很多"),
        community("120105001803", "丙社区"),
    ])

    assert job.status == ImportJob.Status.INVALID
    assert list(_reasons(job)) == [3]
    assert "很多" in _reasons(job)[3]
    page = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert _reasons(job)[3] in page
    assert 'data-testid="import-confirm"' not in page

    client.post(f"/imports/jobs/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.INVALID
    assert not Division.objects.filter(code__in=["120105001801", "120105001802", "120105001803"]).exists()
    assert not AuditEvent.objects.filter(event_type=AuditEvent.Type.IMPORT).exists()


def test_every_bad_row_is_reported_with_its_line_and_reason(client, bureau_officer):
    login(client, bureau_officer)
    job = _upload(client, [
        community("120105001801", ""),  # line 2: no name
        community("120105001802", "好社区"),  # line 3: fine
        ["120105001803", "丙社区", "街道", "120105001"],  # line 4: not an importable level
        community("120105001804", "丁社区", lat=139.1, lng=39.2),  # line 5: latitude out of range
        community("120105001805", "戊社区", lat=39.1, lng=None),  # line 6: half a point
        ["120105001806", "己社区", "社区", "120105001", -5, None, None, None, "call me", "也许"],  # line 7
    ])

    reasons = _reasons(job)
    assert sorted(reasons) == [2, 4, 5, 6, 7]
    assert "name" in reasons[2].lower() or "名称" in reasons[2]
    assert "街道" in reasons[4]
    assert "90" in reasons[5]
    assert "call me" in reasons[7] and "也许" in reasons[7]  # every problem of the row, not just the first
    assert not Division.objects.filter(code="120105001802").exists()


def test_it_reports_a_code_repeated_inside_the_file(client, subdistrict_officer):
    login(client, subdistrict_officer)
    job = _upload(client, [community("120105001801", "甲社区"), community("120105001802", "乙社区"),
                           community("120105001801", "甲社区重复")])

    assert list(_reasons(job)) == [4]
    assert "120105001801" in _reasons(job)[4] and "2" in _reasons(job)[4]


def test_it_rejects_an_unknown_parent_and_a_parent_given_only_later(client, subdistrict_officer):
    login(client, subdistrict_officer)
    job = _upload(client, [
        community("120105001801", "甲社区", parent="120105001999"),
        grid("120105001802001", "早到的网格", parent="120105001802"),
        community("120105001802", "乙社区"),
    ])

    reasons = _reasons(job)
    assert sorted(reasons) == [2, 3]
    assert "120105001999" in reasons[2]
    assert "120105001802" in reasons[3]


def test_a_subdistrict_officer_cannot_import_under_another_subdistrict(client, subdistrict_officer,
                                                                       bureau_officer, community_b):
    rows = [community("120105002801", "越界社区", parent="120105002"),
            grid("120105002901001", "越界网格", parent=community_b.code)]
    login(client, subdistrict_officer)
    job = _upload(client, rows)
    assert sorted(_reasons(job)) == [2, 3]
    assert "120105002" in _reasons(job)[2] and community_b.code in _reasons(job)[3]

    login(client, bureau_officer)
    job = _upload(client, rows)
    assert job.status == ImportJob.Status.READY


def test_it_checks_the_code_against_the_parent_the_level_and_the_register(client, subdistrict_officer,
                                                                          community_a):
    login(client, subdistrict_officer)
    job = _upload(client, [
        community(community_a.code, "已存在的社区"),  # line 2: code taken
        community("120105003801", "前缀不对", parent="120105001"),  # line 3: code outside parent
        grid("120105001777", "网格挂在街道下", parent="120105001"),  # line 4: grid under a subdistrict
        community("120105001", "与上级同码", parent="120105001"),  # line 5: not longer than parent (and taken)
    ])

    reasons = _reasons(job)
    assert sorted(reasons) == [2, 3, 4, 5]
    assert community_a.code in reasons[2]
    assert "120105003801" in reasons[3]
    assert "120105001" in reasons[4]


def test_english_headers_and_level_names_are_accepted(client, bureau_officer):
    login(client, bureau_officer)
    job = _upload(client, [["120105004801", "English Community", "community", 120105004]],
                  headers=["Code", "Name", "Level", "Parent code"])

    assert job.status == ImportJob.Status.READY, job.errors
    client.post(f"/imports/jobs/{job.pk}/confirm/")
    assert Division.objects.get(code="120105004801").level == Division.Level.COMMUNITY


@pytest.mark.parametrize("persona", ["department_clerk", "expert", "system_admin"])
def test_only_subdistrict_and_bureau_users_may_import_divisions(client, request, persona):
    login(client, request.getfixturevalue(persona))
    assert client.get(NEW_URL).status_code == 403
    assert client.post(NEW_URL, {"file": upload([community("120105001801", "甲社区")])}).status_code == 403
    assert not ImportJob.objects.exists()
