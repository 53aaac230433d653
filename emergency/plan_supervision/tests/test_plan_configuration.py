"""Per-plan reporting periods and reminders; indicator evidence."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from conftest import login
from emergency.core.attachments import attachments_of
from emergency.plan_supervision import services
from emergency.plan_supervision.models import IndicatorValue

from . import builders


def test_a_plan_can_report_half_yearly_from_its_first_import(db, bureau_officer):
    with builders.frozen_at(builders.IMPORTED_AT):
        plan, _c = services.plan_import(parsed=builders.plan_dict(), acting_user=bureau_officer,
                                        period_months=6, reminder_days=14)
    assert plan.period_months == 6
    assert plan.reminder_days == 14
    assert plan.periods.count() == 2 * (plan.end_year - plan.start_year + 1)
    assert plan.periods.order_by("starts_on").first().label.endswith("上半年")


def test_an_impossible_period_length_is_refused(db, bureau_officer):
    with pytest.raises(ValidationError):
        services.plan_import(parsed=builders.plan_dict(), acting_user=bureau_officer, period_months=5)


def test_reminder_days_change_is_audited_and_bounded(db, bureau_officer):
    plan = builders.import_plan(bureau_officer)
    services.plan_set_reminder_days(acting_user=bureau_officer, plan=plan, reminder_days=10)
    plan.refresh_from_db()
    assert plan.reminder_days == 10
    with pytest.raises(ValidationError):
        services.plan_set_reminder_days(acting_user=bureau_officer, plan=plan, reminder_days=0)


def test_an_indicator_value_carries_its_evidence_file(client, db, bureau_officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    plan = builders.import_plan(bureau_officer)
    item = plan.items.filter(kind="indicator", target_value__isnull=False).first()
    buf = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buf, format="PNG")
    buf.name = "统计公报.png"
    buf.seek(0)
    login(client, bureau_officer)
    resp = client.post(f"/plans/{plan.pk}/indicators/", {
        "item": item.pk, "year": plan.start_year, "value": "0.005", "source": "统计公报", "evidence": buf})
    assert resp.status_code == 302
    value = IndicatorValue.objects.get(item=item, year=plan.start_year)
    files = list(attachments_of(value))
    assert [f.original_name for f in files] == ["统计公报.png"]
    page = client.get(f"/plans/{plan.pk}/indicators/").content.decode()
    assert f"/attachments/{files[0].token}/" in page


def test_a_refused_evidence_file_records_nothing(client, db, bureau_officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    plan = builders.import_plan(bureau_officer)
    item = plan.items.filter(kind="indicator", target_value__isnull=False).first()
    bad = io.BytesIO(b"MZ not allowed")
    bad.name = "tool.exe"
    login(client, bureau_officer)
    resp = client.post(f"/plans/{plan.pk}/indicators/", {
        "item": item.pk, "year": plan.start_year, "value": "0.005", "source": "统计公报", "evidence": bad})
    assert resp.status_code == 400
    assert not IndicatorValue.objects.filter(item=item).exists()
