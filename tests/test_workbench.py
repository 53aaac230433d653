"""The workbench (工作台, issue 11): each role's home page lists what waits for it — the late items apart —
from the domains' to-do providers, and the bureau sees the district picture from their panels. Core names no
domain; query counts do not grow with the data."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import login
from emergency.core import actors
from emergency.prevention import services as prevention_services
from emergency.prevention.models import HiddenHazard
from emergency.prevention.tests.conftest import HazardLoop

pytestmark = pytest.mark.django_db


def _overdue(loop: HazardLoop, n: int) -> None:
    """n hidden hazards being rectified past their deadline, marked overdue by the scheduler."""
    for i in range(n):
        hazard = loop.rectifying(title=f"逾期隐患{i}")
        HiddenHazard.objects.filter(pk=hazard.pk).update(
            deadline=timezone.localdate() - datetime.timedelta(days=2))
    prevention_services.hazards_mark_overdue(acting_user=actors.SYSTEM, today=timezone.localdate())


def _page(client, user):
    login(client, user)
    resp = client.get(reverse("home"))
    assert resp.status_code == 200
    return resp


def test_the_bureau_sees_late_items_apart_and_the_district_picture(client, bureau_officer, enterprise_a,
                                                                    enterprise_manager):
    _overdue(HazardLoop(enterprise_a, enterprise_manager), 2)
    resp = _page(client, bureau_officer)
    late = {str(t.label): t.count for t in resp.context["late"]}
    assert late.get("逾期未整改的事故隐患", late.get("Overdue hidden hazards")) == 2
    panels = {p.key: p for p in resp.context["panels"]}
    assert {"hazards_by_level", "overdue_by_subdistrict"} <= set(panels)
    assert [(r.label, r.value) for r in panels["overdue_by_subdistrict"].rows] == [("光复道", 2)]
    # Every entry opens a page the user may read, with the records it counts.
    for entry in [*resp.context["late"], *resp.context["todos"]]:
        assert client.get(entry.url).status_code == 200, entry.url
    ledger = client.get(panels["overdue_by_subdistrict"].rows[0].url)
    assert ledger.status_code == 200


@pytest.mark.parametrize("persona", ["department_clerk", "enterprise_manager", "expert"])
def test_other_roles_get_their_own_list_and_no_district_picture(client, request, persona):
    resp = _page(client, request.getfixturevalue(persona))
    assert resp.context["panels"] == []
    assert 'data-testid="todos"' in resp.content.decode()


def test_the_enterprise_sees_its_overdue_hazards_as_late(client, enterprise_a, enterprise_manager):
    _overdue(HazardLoop(enterprise_a, enterprise_manager), 1)
    resp = _page(client, enterprise_manager)
    assert sum(t.count for t in resp.context["late"]) >= 1


def test_the_workbench_reads_in_a_number_of_queries_independent_of_the_data(
        client, bureau_officer, enterprise_a, enterprise_manager, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    loop = HazardLoop(enterprise_a, enterprise_manager)
    _overdue(loop, 1)
    login(client, bureau_officer)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("home"))
    _overdue(loop, 4)
    with CaptureQueriesContext(connection) as larger:
        client.get(reverse("home"))
    assert len(larger) == len(small)
    assert len(small) <= 40
