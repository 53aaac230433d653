"""Regulators report hazards found on their own visits; these enter the same loop, flagged "found by regulator"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import login
from emergency.core.attachments import attachments_of
from emergency.core.models import Notification
from emergency.prevention import services
from emergency.prevention.models import HazardTransition, HiddenHazard

from .conftest import hz_photo_file

pytestmark = pytest.mark.django_db
State = HiddenHazard.State


def test_a_subdistrict_officer_reports_a_hazard_in_their_area(subdistrict_officer, enterprise_a, enterprise_manager,
                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        hazard = services.hazard_report(acting_user=subdistrict_officer, enterprise=enterprise_a,
                                        title="消防通道堆放杂物", location="北门")
    assert hazard.found_by_regulator is True
    assert hazard.reported_by == subdistrict_officer
    assert hazard.state == State.IDENTIFIED
    assert Notification.objects.filter(recipient=enterprise_manager, target_id=str(hazard.pk)).count() == 1


def test_a_subdistrict_officer_cannot_report_at_an_enterprise_of_another_subdistrict(subdistrict_officer,
                                                                                      enterprise_b):
    with pytest.raises(services.NotAllowed):
        services.hazard_report(acting_user=subdistrict_officer, enterprise=enterprise_b, title="消防通道堆放杂物")
    assert not HiddenHazard.objects.exists()


def test_the_bureau_reports_anywhere_and_is_flagged_too(bureau_officer, enterprise_b):
    hazard = services.hazard_report(acting_user=bureau_officer, enterprise=enterprise_b, title="配电室无挡鼠板")
    assert hazard.found_by_regulator is True


def test_an_enterprise_reporting_its_own_hazard_is_not_flagged(hz_loop):
    assert hz_loop.report().found_by_regulator is False


@pytest.mark.parametrize("persona", ["enterprise_manager", "department_clerk", "expert"])
def test_others_cannot_report_at_an_enterprise_they_do_not_answer_for(request, persona, enterprise_b):
    with pytest.raises(services.NotAllowed):
        services.hazard_report(acting_user=request.getfixturevalue(persona), enterprise=enterprise_b, title="x")
    assert not HiddenHazard.objects.exists()


def test_a_regulators_hazard_enters_the_same_loop(subdistrict_officer, enterprise_a, hz_loop):
    hazard = services.hazard_report(acting_user=subdistrict_officer, enterprise=enterprise_a, title="液氨管道锈蚀")
    services.hazard_register(acting_user=hz_loop.user, hazard=hazard)
    services.hazard_assess(acting_user=hz_loop.user, hazard=hazard, hazard_class="general")
    services.hazard_start_rectification(acting_user=hz_loop.user, hazard=hazard, deadline=hz_loop.today,
                                        responsible_person="设备部 刘工")
    services.hazard_submit_for_acceptance(acting_user=hz_loop.user, hazard=hazard, note="除锈刷漆，测厚合格")
    # The officer who found it checks the work and closes it.
    services.hazard_accept(acting_user=subdistrict_officer, hazard=hazard, passed=True)

    hazard = HiddenHazard.objects.get(pk=hazard.pk)
    assert hazard.state == State.CLOSED and hazard.found_by_regulator is True
    assert list(HazardTransition.objects.filter(hazard=hazard).values_list("to_state", flat=True)) == [
        "identified", "registered", "assessed", "rectifying", "acceptance", "closed"]


# --- on the pages ----------------------------------------------------------------------------------------


def test_the_report_page_offers_a_regulator_only_the_enterprises_in_their_area(client, subdistrict_officer,
                                                                                enterprise_a, enterprise_b):
    resp = login(client, subdistrict_officer).get(reverse("prevention:hazard_report"))
    assert resp.status_code == 200
    assert list(resp.context["form"].fields["enterprise"].queryset) == [enterprise_a]
    assert "risk_point" not in resp.context["form"].fields


def test_a_regulator_reports_on_the_page_with_a_photo(client, subdistrict_officer, enterprise_a):
    login(client, subdistrict_officer)
    resp = client.post(reverse("prevention:hazard_report"), {
        "enterprise": enterprise_a.pk, "title": "消防通道堆放杂物", "location": "北门",
        "photos": [hz_photo_file("visit.png")]})
    hazard = HiddenHazard.objects.get()
    assert resp.status_code == 302 and resp.url == reverse("prevention:hazard_detail", args=[hazard.pk])
    assert hazard.found_by_regulator and hazard.enterprise == enterprise_a
    assert [a.original_name for a in attachments_of(hazard)] == ["visit.png"]

    page = client.get(resp.url).content.decode()
    assert 'data-testid="before-photos"' in page and "visit.png" in page
    flagged = client.get(reverse("prevention:hazard_list"), {"found_by_regulator": "yes"})
    assert [h.pk for h in flagged.context["page"]] == [hazard.pk]


def test_the_page_refuses_an_enterprise_of_another_subdistrict_and_keeps_the_input(client, subdistrict_officer,
                                                                                   enterprise_b):
    login(client, subdistrict_officer)
    resp = client.post(reverse("prevention:hazard_report"), {
        "enterprise": enterprise_b.pk, "title": "消防通道堆放杂物", "location": "北门"})
    assert resp.status_code == 200
    assert "enterprise" in resp.context["form"].errors
    assert 'value="消防通道堆放杂物"' in resp.content.decode()
    assert not HiddenHazard.objects.exists()


def test_a_report_with_a_bad_photo_is_refused_whole(client, subdistrict_officer, enterprise_a):
    login(client, subdistrict_officer)
    bogus = hz_photo_file("fake.png")
    bogus.file.write(b"not really")  # a .png whose bytes are not an image
    bogus.file.seek(0)
    bogus.file.truncate(4)
    resp = client.post(reverse("prevention:hazard_report"), {
        "enterprise": enterprise_a.pk, "title": "消防通道堆放杂物", "photos": [bogus]})
    assert resp.status_code == 200
    assert "photos" in resp.context["form"].errors
    assert not HiddenHazard.objects.exists()


@pytest.mark.parametrize("persona", ["expert", "system_admin"])
def test_the_report_page_is_closed_to_experts_and_admins(client, request, persona, enterprise_a):
    login(client, request.getfixturevalue(persona))
    assert client.get(reverse("prevention:hazard_report")).status_code == 403
    resp = client.post(reverse("prevention:hazard_report"), {"enterprise": enterprise_a.pk, "title": "x"})
    assert resp.status_code == 403
    assert not HiddenHazard.objects.exists()
