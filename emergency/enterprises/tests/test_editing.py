"""Use case: the bureau and subdistricts register and maintain enterprises; an enterprise keeps its own contacts
and flags current, and nothing else."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import login, make_enterprise
from emergency.core.models import AuditEvent
from emergency.enterprises import services
from emergency.enterprises.models import Enterprise

from .conftest import code, form_data


def test_the_bureau_registers_an_enterprise_with_an_audit_row_and_history(client, bureau_officer, wanghai):
    login(client, bureau_officer)
    resp = client.post("/enterprises/new/", form_data(division=wanghai.pk))
    e = Enterprise.objects.get(name="丙仓储有限公司")
    assert resp.status_code == 302 and resp.url == reverse("enterprises:detail", args=[e.pk])
    assert (e.division, e.industry, e.above_scale, e.employees, e.enforcement_category) == (wanghai, "G", True, 120, "B")
    event = AuditEvent.objects.get(event_type=AuditEvent.Type.CREATE, object_type="enterprises.Enterprise")
    assert event.actor == bureau_officer and event.changes["credit_code"] == [None, code(500)]
    assert e.history.get().history_user == bureau_officer


def test_a_subdistrict_registers_in_its_own_community(client, subdistrict_officer, community_a):
    login(client, subdistrict_officer)
    resp = client.post("/enterprises/new/", form_data(division=community_a.pk))
    assert resp.status_code == 302
    assert Enterprise.objects.get(name="丙仓储有限公司").division == community_a


def test_a_subdistrict_cannot_register_in_another_subdistrict(client, subdistrict_officer, wanghai, community_b):
    login(client, subdistrict_officer)
    for division in (wanghai, community_b):
        resp = client.post("/enterprises/new/", form_data(division=division.pk))
        assert resp.status_code == 400
        assert resp.context["form"].has_error("division", code="invalid_choice")
    assert not Enterprise.objects.exists()


def test_a_subdistrict_cannot_move_its_enterprise_out_of_its_area(client, subdistrict_officer, enterprise_a, wanghai):
    login(client, subdistrict_officer)
    resp = client.post(reverse("enterprises:edit", args=[enterprise_a.pk]),
                       form_data(name=enterprise_a.name, credit_code=enterprise_a.credit_code, division=wanghai.pk))
    assert resp.status_code == 400 and resp.context["form"].has_error("division")
    enterprise_a.refresh_from_db()
    assert enterprise_a.division.code == "120105001"


def test_a_grid_or_the_district_is_not_a_place_to_register(bureau_officer, district):
    with pytest.raises(ValidationError) as exc:
        services.enterprise_create(acting_user=bureau_officer, name="区级企业", credit_code=code(600), industry="C",
                                   division=district, address="某路", legal_representative="甲")
    assert "division" in exc.value.message_dict


def test_an_enterprise_edits_its_contacts_but_not_its_identity_or_grading(client, enterprise_manager, enterprise_a,
                                                                          wanghai):
    login(client, enterprise_manager)
    url = reverse("enterprises:edit", args=[enterprise_a.pk])
    form = client.get(url).context["form"]
    assert form.fields["name"].disabled and form.fields["enforcement_category"].disabled
    assert not form.fields["safety_manager_phone"].disabled

    resp = client.post(url, form_data(name="改名公司", credit_code=code(501), division=wanghai.pk,
                                      enforcement_category="A", industry="A", safety_manager="新安全员",
                                      safety_manager_phone="13611112222", address="河北区新址9号"))
    assert resp.status_code == 302
    enterprise_a.refresh_from_db()
    assert (enterprise_a.name, enterprise_a.enforcement_category, enterprise_a.industry) == ("甲化工有限公司", "C", "C")
    assert enterprise_a.division.code == "120105001"
    assert (enterprise_a.safety_manager, enterprise_a.address) == ("新安全员", "河北区新址9号")
    event = AuditEvent.objects.get(event_type=AuditEvent.Type.UPDATE)
    assert set(event.changes) <= services.ENTERPRISE_EDITABLE and "safety_manager_phone" in event.changes


def test_the_service_refuses_an_enterprise_changing_a_regulator_field(enterprise_manager, enterprise_a):
    with pytest.raises(ValidationError) as exc:
        services.enterprise_update(acting_user=enterprise_manager, enterprise=enterprise_a,
                                   data={"enforcement_category": "A"})
    assert "enforcement_category" in exc.value.message_dict
    enterprise_a.refresh_from_db()
    assert enterprise_a.enforcement_category == "C"


def test_an_edit_with_a_bad_field_keeps_the_input_and_changes_nothing(client, bureau_officer, enterprise_a):
    login(client, bureau_officer)
    resp = client.post(reverse("enterprises:edit", args=[enterprise_a.pk]),
                       form_data(name="新名字", credit_code=enterprise_a.credit_code, division=enterprise_a.division_id,
                                 principal_phone="not-a-phone!", latitude="117.2", longitude="39.1"))
    assert resp.status_code == 400
    form = resp.context["form"]
    assert form.has_error("principal_phone") and form.has_error("latitude")
    assert "新名字" in resp.content.decode()
    enterprise_a.refresh_from_db()
    assert enterprise_a.name == "甲化工有限公司"


def test_an_edit_that_clashes_with_another_code_is_a_field_error(client, bureau_officer, enterprise_a, enterprise_b):
    login(client, bureau_officer)
    resp = client.post(reverse("enterprises:edit", args=[enterprise_a.pk]),
                       form_data(name=enterprise_a.name, credit_code=enterprise_b.credit_code,
                                 division=enterprise_a.division_id))
    assert resp.status_code == 400 and resp.context["form"].has_error("credit_code")
    assert resp.context["enterprise"].credit_code == enterprise_a.credit_code
    enterprise_a.refresh_from_db()
    assert enterprise_a.credit_code != enterprise_b.credit_code


def test_the_detail_shows_every_field_the_history_and_the_prevention_links(client, bureau_officer, enterprise_a):
    services.enterprise_update(acting_user=bureau_officer, enterprise=enterprise_a,
                               data={"employees": 300, "principal_phone": "13512345678"})
    login(client, bureau_officer)
    page = client.get(reverse("enterprises:detail", args=[enterprise_a.pk])).content.decode()
    assert enterprise_a.credit_code in page and "13512345678" in page and "300" in page
    assert f"/prevention/risk-points/?enterprise={enterprise_a.pk}" in page
    assert f"/prevention/hazards/?enterprise={enterprise_a.pk}" in page
    history = page[page.index('data-testid="enterprise-history"'):]
    assert bureau_officer.username in history
    assert str(Enterprise._meta.get_field("employees").verbose_name) in history


def test_the_list_masks_phones_and_badges_synthetic_rows(client, bureau_officer, guangfu):
    make_enterprise("演示企业", 11, guangfu, is_synthetic=True, safety_manager_phone="13912345678")
    login(client, bureau_officer)
    page = client.get("/enterprises/").content.decode()
    assert "139****5678" in page and "13912345678" not in page
    assert "em-synthetic" in page
    assert reverse("imports:new", args=["enterprises"]) in page


@pytest.mark.parametrize("persona", ["bureau_officer", "subdistrict_officer"])
def test_a_regulator_archives_an_enterprise_which_leaves_the_registry(persona, request, client, enterprise_a):
    user = request.getfixturevalue(persona)
    login(client, user)
    resp = client.post(reverse("enterprises:archive", args=[enterprise_a.pk]))
    assert resp.status_code == 302
    enterprise_a.refresh_from_db()
    assert enterprise_a.archived_at is not None
    assert AuditEvent.objects.get(event_type=AuditEvent.Type.ARCHIVE).actor == user
    assert enterprise_a.name not in client.get("/enterprises/").content.decode()
    assert client.get(reverse("enterprises:detail", args=[enterprise_a.pk])).status_code == 404


def test_a_subdistrict_cannot_archive_outside_its_area(client, subdistrict_officer, enterprise_b):
    login(client, subdistrict_officer)
    assert client.post(reverse("enterprises:archive", args=[enterprise_b.pk])).status_code == 404
    assert client.get(reverse("enterprises:archive", args=[enterprise_b.pk])).status_code == 405
    enterprise_b.refresh_from_db()
    assert enterprise_b.archived_at is None
