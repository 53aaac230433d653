"""Use case: a social force keeps an archive of registration, training and drill records and an incentive /
constraint note; other teams keep no such archive."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import login
from emergency.core.models import AuditEvent
from emergency.resources.teams import services as services_teams
from emergency.resources.teams.models import SocialForceRecord


def test_a_social_force_records_training_and_drills_on_its_page(client, subdistrict_officer, tm_social_a):
    login(client, subdistrict_officer)
    for kind, day, text in (("registration", "2025-03-01", "在区应急局登记备案"), ("drill", "2025-06-10", "防汛联合演练")):
        assert client.post(f"/resources/teams/{tm_social_a.pk}/records/",
                           {"kind": kind, "date": day, "description": text}).status_code == 302
    records = list(tm_social_a.social_records.values_list("kind", "date"))
    assert records == [("drill", datetime.date(2025, 6, 10)), ("registration", datetime.date(2025, 3, 1))]
    page = client.get(f"/resources/teams/{tm_social_a.pk}/").content.decode()
    assert "防汛联合演练" in page and 'data-testid="social-records"' in page
    assert AuditEvent.objects.filter(object_type="resources.SocialForceRecord").count() == 2


def test_the_incentive_note_is_kept_on_the_team(bureau_officer, tm_social_a):
    services_teams.team_update(acting_user=bureau_officer, team=tm_social_a,
                               data={"incentive_note": "年度考核优秀给予补贴；不得擅自行动"})
    assert "不得擅自行动" in type(tm_social_a).objects.get(pk=tm_social_a.pk).incentive_note


def test_it_rejects_an_archive_record_for_a_team_that_is_not_a_social_force(bureau_officer, tm_team_a):
    with pytest.raises(ValidationError):
        services_teams.social_record_add(acting_user=bureau_officer, team=tm_team_a, kind="training",
                                         date=datetime.date(2025, 1, 1), description="培训")
    assert not SocialForceRecord.objects.exists()


def test_it_rejects_a_future_date_an_unknown_kind_or_no_description(bureau_officer, tm_social_a):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for kind, day, text in (("training", tomorrow, "x"), ("party", datetime.date(2025, 1, 1), "x"),
                            ("drill", datetime.date(2025, 1, 1), "  ")):
        with pytest.raises(ValidationError):
            services_teams.social_record_add(acting_user=bureau_officer, team=tm_social_a, kind=kind, date=day,
                                             description=text)
    assert not SocialForceRecord.objects.exists()


def test_a_bad_record_form_is_a_400_and_the_archive_is_unchanged(client, bureau_officer, tm_social_a):
    login(client, bureau_officer)
    resp = client.post(f"/resources/teams/{tm_social_a.pk}/records/", {"kind": "drill", "date": "31/31/2025",
                                                                      "description": "演练"})
    assert resp.status_code == 400
    assert not SocialForceRecord.objects.exists()
