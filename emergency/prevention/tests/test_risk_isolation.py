"""Enterprise isolation: enterprise B's manager cannot reach A's risk point by page, API, QR code, phone
link or check page — every door answers 404, as if the point did not exist."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import login
from emergency.prevention import services
from emergency.prevention.models import InspectionTask

pytestmark = pytest.mark.django_db


@pytest.fixture
def a_task(rp_point, enterprise_manager):
    return services.inspection_tasks_current(acting_user=enterprise_manager, point=rp_point, now=timezone.now())[0]


def _doors(point, task):
    return [reverse("prevention:risk_point_detail", args=[point.pk]),
            reverse("prevention:risk_assess", args=[point.pk]),
            reverse("prevention:risk_point_qr", args=[point.pk]),
            reverse("prevention:mobile_point", args=[point.qr_token]),
            reverse("prevention:mobile_check", args=[task.pk]),
            reverse("prevention:mobile_check_done", args=[task.pk]),
            f"/api/v1/prevention/risk-points/{point.pk}/"]


def test_another_enterprise_gets_404_at_every_door(client, other_enterprise_manager, rp_point, a_task):
    login(client, other_enterprise_manager)
    for url in _doors(rp_point, a_task):
        assert client.get(url).status_code == 404, url
    for url in (reverse("prevention:risk_factor_add", args=[rp_point.pk]),
                reverse("prevention:risk_measure_add", args=[rp_point.pk]),
                reverse("prevention:mobile_point", args=[rp_point.qr_token]),
                reverse("prevention:mobile_check", args=[a_task.pk])):
        assert client.post(url, {"code": "2101", "description": "x", "level": "4"}).status_code == 404, url
    assert rp_point.factors.count() == 1
    a_task.refresh_from_db()
    assert a_task.state == InspectionTask.State.PENDING


def test_another_enterprise_does_not_see_it_in_lists(client, other_enterprise_manager, rp_point, rp_point_b):
    login(client, other_enterprise_manager)
    assert [p.pk for p in client.get(reverse("prevention:risk_point_list")).context["page"]] == [rp_point_b.pk]
    api = client.get(f"/api/v1/prevention/risk-points/?enterprise={rp_point.enterprise_id}").json()
    assert api["count"] == 0


def test_a_subdistrict_outside_the_area_gets_404(client, other_subdistrict_officer, rp_point, a_task):
    login(client, other_subdistrict_officer)
    for url in _doors(rp_point, a_task):
        assert client.get(url).status_code == 404, url


def test_separated_administrators_get_nothing_from_a_qr_link(client, system_admin, rp_point):
    login(client, system_admin)
    assert client.get(reverse("prevention:mobile_point", args=[rp_point.qr_token])).status_code == 404


def test_a_qr_link_asks_a_stranger_to_log_in(client, rp_point):
    url = reverse("prevention:mobile_point", args=[rp_point.qr_token])
    resp = client.get(url)
    assert resp.status_code == 302 and reverse("accounts:login") in resp["Location"]


def test_an_unknown_token_is_404(client, enterprise_manager, rp_point):
    login(client, enterprise_manager)
    assert client.get(reverse("prevention:mobile_point", args=["nope" + rp_point.qr_token])).status_code == 404
