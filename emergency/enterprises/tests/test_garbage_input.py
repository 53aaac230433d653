"""Garbage in the URL, the form, the filters or the uploaded file is a 4xx with a message, never a 500."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import login, make_enterprise
from emergency.core.models import ImportJob
from emergency.core.tests.xlsx_files import upload
from emergency.enterprises.models import Enterprise

from .conftest import IMPORT_HEADERS, code, form_data, read_xlsx

GARBAGE = ["", "'; DROP TABLE x;--", "\x00", "９９", "-1", "1e309", "null", "<script>", "x" * 5000]


@pytest.mark.parametrize("param", ["q", "subdistrict", "division", "industry", "above_scale", "flag",
                                   "enforcement_category", "page"])
def test_garbage_filters_never_fail_the_list_or_the_export(param, client, bureau_officer, enterprise_a):
    login(client, bureau_officer)
    for value in GARBAGE:
        assert client.get("/enterprises/", {param: value}).status_code == 200
        assert client.get("/enterprises/export.xlsx", {param: value}).status_code == 200
        assert client.get("/api/v1/enterprises/", {param: value}).status_code in (200, 400, 404)


def test_a_bad_api_filter_is_a_400_naming_the_field(client, bureau_officer, enterprise_a):
    login(client, bureau_officer)
    resp = client.get("/api/v1/enterprises/", {"industry": "ZZ"})
    assert resp.status_code == 400 and "industry" in resp.content.decode()


def test_the_api_is_read_only(client, bureau_officer, enterprise_a):
    login(client, bureau_officer)
    assert client.post("/api/v1/enterprises/", {"name": "x"}, content_type="application/json").status_code == 405
    assert client.patch(f"/api/v1/enterprises/{enterprise_a.pk}/", {"name": "x"},
                        content_type="application/json").status_code == 405
    enterprise_a.refresh_from_db()
    assert enterprise_a.name == "甲化工有限公司"


@pytest.mark.parametrize("field", ["name", "credit_code", "industry", "employees", "division", "latitude",
                                   "longitude", "principal_phone", "standardisation", "enforcement_category"])
def test_garbage_in_any_form_field_is_saved_as_text_or_refused_but_never_a_500(field, client, bureau_officer, guangfu):
    login(client, bureau_officer)
    for serial, value in enumerate(GARBAGE):
        data = form_data(division=guangfu.pk, credit_code=code(800 + serial), name=f"垃圾测试{serial}")
        resp = client.post("/enterprises/new/", {**data, field: value})
        assert resp.status_code in (302, 400), (field, value, resp.status_code)
        if resp.status_code == 400:
            assert resp.context["form"].errors, (field, value)


@pytest.mark.parametrize(("field", "value"), [
    ("name", ""), ("name", "\x00"), ("credit_code", "'; DROP TABLE x;--"), ("credit_code", "\x00"),
    ("industry", "ZZ"), ("employees", "-1"), ("employees", "many"), ("division", "null"), ("division", "-1"),
    ("latitude", "1e309"), ("latitude", "north"), ("longitude", "200"), ("principal_phone", "<script>"),
    ("standardisation", "level9"), ("enforcement_category", "E"),
])
def test_an_invalid_value_is_an_error_on_its_own_field(field, value, client, bureau_officer, guangfu):
    login(client, bureau_officer)
    resp = client.post("/enterprises/new/", {**form_data(division=guangfu.pk), field: value})
    assert resp.status_code == 400
    assert resp.context["form"].has_error(field), resp.context["form"].errors
    assert not Enterprise.objects.exists()


def test_control_characters_saved_in_a_name_do_not_break_the_export(client, bureau_officer, guangfu):
    make_enterprise("控制\x01字符\x1f公司", 31, guangfu)
    login(client, bureau_officer)
    resp = client.get("/enterprises/export.xlsx")
    assert resp.status_code == 200
    assert read_xlsx(b"".join(resp.streaming_content))[1][0] == "控制字符公司"


def test_unknown_or_malformed_ids_are_404(client, bureau_officer):
    login(client, bureau_officer)
    assert client.get("/enterprises/999999/").status_code == 404
    assert client.get("/enterprises/abc/").status_code == 404
    assert client.get("/api/v1/enterprises/999999/").status_code == 404


@pytest.mark.parametrize("content", [b"", b"not a workbook", b"PK\x03\x04broken zip"])
def test_an_unreadable_file_is_a_form_error(content, client, bureau_officer):
    login(client, bureau_officer)
    resp = client.post("/imports/enterprises/new/", {"file": SimpleUploadedFile("e.xlsx", content)})
    assert resp.status_code == 400
    assert not ImportJob.objects.exists()


def test_garbage_cells_are_row_errors(client, bureau_officer):
    login(client, bureau_officer)
    row = ["\t", "#REF!", 3.5, "也许", "很多", None, "", "北纬", None, None, "x" * 60, None, "☎☎☎", None,
           "abc", "maybe", None, None, None, "五级", 7]
    resp = client.post("/imports/enterprises/new/", {"file": upload([row], headers=IMPORT_HEADERS,
                                                                   name="e.xlsx")})
    assert resp.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.INVALID and [e["line"] for e in job.errors] == [2]
    assert not Enterprise.objects.exists()
