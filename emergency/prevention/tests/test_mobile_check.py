"""Checking a risk point on a phone: open the QR link, tap "check now", mark each item pass or fail with
a note and a photo, submit, and see the hazards the failed items drafted."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import login
from emergency.core.attachments import attachments_of
from emergency.prevention import services
from emergency.prevention.models import HiddenHazard, InspectionResult, InspectionTask

pytestmark = pytest.mark.django_db


@pytest.fixture
def phone(client, enterprise_manager):
    return login(client, enterprise_manager)


def _check_now(phone, point, level=4):
    resp = phone.post(reverse("prevention:mobile_point", args=[point.qr_token]), {"level": str(level)})
    assert resp.status_code == 302
    return resp


def _task(point) -> InspectionTask:
    return InspectionTask.objects.get(risk_point=point, state=InspectionTask.State.PENDING)


def test_the_qr_page_shows_the_point_its_level_and_a_check_now_button(phone, enterprise_manager, rp_point):
    services.risk_assess(acting_user=enterprise_manager, point=rp_point, method="ls", l=4, s=5)
    resp = phone.get(reverse("prevention:mobile_point", args=[rp_point.qr_token]))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert rp_point.name in html and 'data-level="1"' in html and 'data-color="red"' in html
    assert 'data-testid="check-now"' in html and 'name="viewport"' in html


def test_check_now_opens_the_current_window_once(phone, rp_point):
    first = _check_now(phone, rp_point)
    task = _task(rp_point)
    assert first["Location"] == reverse("prevention:mobile_check", args=[task.pk])
    assert task.due_from <= timezone.now() < task.due_until
    assert _check_now(phone, rp_point)["Location"] == first["Location"]
    assert InspectionTask.objects.filter(risk_point=rp_point).count() == 1


def test_the_check_page_has_pass_fail_buttons_a_note_and_a_camera_input(phone, rp_point):
    _check_now(phone, rp_point)
    html = phone.get(reverse("prevention:mobile_check", args=[_task(rp_point).pk])).content.decode()
    for m in rp_point.measures.all():
        assert m.check_item in html
        assert f'name="r_{m.pk}" id="id_r_{m.pk}_0" value="pass"' in html
        assert f'name="n_{m.pk}"' in html
    assert html.count('accept="image/*" capture="environment"') == 2
    assert 'enctype="multipart/form-data"' in html


def test_passing_every_item_completes_the_check_without_a_hazard(phone, rp_point):
    _check_now(phone, rp_point)
    task = _task(rp_point)
    data = {f"r_{m.pk}": "pass" for m in rp_point.measures.all()}
    resp = phone.post(reverse("prevention:mobile_check", args=[task.pk]), data)
    assert resp["Location"] == reverse("prevention:mobile_check_done", args=[task.pk])
    task.refresh_from_db()
    assert task.state == InspectionTask.State.DONE and not HiddenHazard.objects.exists()
    done = phone.get(resp["Location"])
    assert done.context["drafted"] == [] and len(done.context["results"]) == 2


def test_a_failed_item_with_a_photo_drafts_a_hazard_shown_on_the_result_page(phone, rp_point, hz_photo):
    _check_now(phone, rp_point)
    task = _task(rp_point)
    ok, bad = rp_point.measures.order_by("pk")
    resp = phone.post(reverse("prevention:mobile_check", args=[task.pk]), {
        f"r_{ok.pk}": "pass", f"r_{bad.pk}": "fail", f"n_{bad.pk}": "报警器显示离线", f"p_{bad.pk}": hz_photo()})
    assert resp.status_code == 302
    hazard = HiddenHazard.objects.get()
    assert hazard.state == HiddenHazard.State.IDENTIFIED
    assert hazard.inspection_result == InspectionResult.objects.get(task=task, measure=bad)
    assert hazard.description == "报警器显示离线"
    assert len(attachments_of(hazard)) == 1 and len(attachments_of(hazard.inspection_result)) == 1
    html = phone.get(resp["Location"]).content.decode()
    assert f'href="/prevention/hazards/{hazard.pk}/"' in html


def test_an_unmarked_item_is_a_form_error_and_the_input_is_kept(phone, rp_point):
    _check_now(phone, rp_point)
    task = _task(rp_point)
    ok, bad = rp_point.measures.order_by("pk")
    resp = phone.post(reverse("prevention:mobile_check", args=[task.pk]), {f"r_{ok.pk}": "fail", f"n_{ok.pk}": "松动"})
    assert resp.status_code == 400
    assert f"r_{bad.pk}" in resp.context["form"].errors
    html = resp.content.decode()
    assert 'value="松动"' in html and f'id="id_r_{ok.pk}_1" value="fail" autocomplete="off" checked' in html
    task.refresh_from_db()
    assert task.state == InspectionTask.State.PENDING
    assert not InspectionResult.objects.exists() and not HiddenHazard.objects.exists()


def test_a_file_that_is_not_an_image_is_refused(phone, rp_point):
    _check_now(phone, rp_point)
    task = _task(rp_point)
    data = {f"r_{m.pk}": "fail" for m in rp_point.measures.all()}
    first = rp_point.measures.order_by("pk").first()
    data[f"p_{first.pk}"] = SimpleUploadedFile("photo.png", b"not an image", content_type="image/png")
    resp = phone.post(reverse("prevention:mobile_check", args=[task.pk]), data)
    assert resp.status_code == 400 and f"p_{first.pk}" in resp.context["form"].errors
    assert not HiddenHazard.objects.exists()


def test_a_closed_window_shows_as_missed_and_cannot_be_submitted(phone, enterprise_manager, rp_point):
    past = timezone.now() - datetime.timedelta(days=2)
    (task,) = services.inspection_tasks_current(acting_user=enterprise_manager, point=rp_point, now=past)
    url = reverse("prevention:mobile_check", args=[task.pk])
    assert 'data-testid="missed"' in phone.get(url).content.decode()
    resp = phone.post(url, {f"r_{m.pk}": "pass" for m in rp_point.measures.all()})
    assert resp.status_code == 400 and not InspectionResult.objects.exists()
    _check_now(phone, rp_point)
    task.refresh_from_db()
    assert task.state == InspectionTask.State.MISSED
    assert _task(rp_point).pk != task.pk


def test_a_done_window_leads_to_its_result(phone, rp_point):
    _check_now(phone, rp_point)
    task = _task(rp_point)
    phone.post(reverse("prevention:mobile_check", args=[task.pk]), {f"r_{m.pk}": "pass" for m in rp_point.measures.all()})
    assert _check_now(phone, rp_point)["Location"] == reverse("prevention:mobile_check_done", args=[task.pk])
    page = phone.get(reverse("prevention:mobile_point", args=[rp_point.qr_token])).content.decode()
    assert 'data-testid="check-now"' not in page
    assert phone.get(reverse("prevention:mobile_check", args=[task.pk]))["Location"].endswith("/done/")


def test_a_level_above_the_points_control_level_is_refused(phone, rp_point):
    resp = phone.post(reverse("prevention:mobile_point", args=[rp_point.qr_token]), {"level": "1"})
    assert resp.status_code == 302 and resp["Location"] == reverse("prevention:mobile_point", args=[rp_point.qr_token])
    assert not InspectionTask.objects.exists()


def test_a_regulator_of_the_area_may_check_on_a_visit(client, subdistrict_officer, rp_point):
    login(client, subdistrict_officer)
    _check_now(client, rp_point)
    task = _task(rp_point)
    resp = client.post(reverse("prevention:mobile_check", args=[task.pk]),
                       {f"r_{m.pk}": "pass" for m in rp_point.measures.all()})
    assert resp.status_code == 302
    task.refresh_from_db()
    assert task.done_by == subdistrict_officer
