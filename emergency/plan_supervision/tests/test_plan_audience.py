"""Who takes part in plan supervision: the government side only."""

import datetime

import pytest
from django.utils import timezone

from conftest import login
from emergency.plan_supervision import services
from emergency.plan_supervision.models import SupervisionNotice

from . import builders


@pytest.mark.parametrize("persona", ["enterprise_manager", "expert"])
def test_enterprises_and_experts_do_not_see_plans(client, request, db, persona):
    plan = builders.import_plan(request.getfixturevalue("bureau_officer"))
    login(client, request.getfixturevalue(persona))
    assert client.get("/plans/").status_code == 403
    assert client.get(f"/plans/{plan.pk}/").status_code == 403
    assert "/plans/" not in client.get("/").content.decode()


def test_a_notice_number_taken_meanwhile_is_skipped_not_a_500(db, bureau_officer):
    plan = builders.import_plan(bureau_officer)
    item = plan.items.filter(kind="task").order_by("order").first()
    assignment = item.assignments.select_related("department").first()
    year = timezone.localdate().year
    deadline = timezone.localdate() + datetime.timedelta(days=5)
    first = services.notice_issue(acting_user=bureau_officer, item=item, department=assignment.department,
                                  content="甲", deadline=deadline)
    assert first.serial == f"督〔{year}〕1号"
    # Another process took number 2 between our count and our insert (the count says 2 is next).
    SupervisionNotice.objects.filter(pk=first.pk).update(serial=f"督〔{year}〕2号")
    second = services.notice_issue(acting_user=bureau_officer, item=item, department=assignment.department,
                                   content="乙", deadline=deadline)
    assert second.serial == f"督〔{year}〕3号"
    third = services.notice_issue(acting_user=bureau_officer, item=item, department=assignment.department,
                                  content="丙", deadline=deadline)
    serials = set(SupervisionNotice.objects.values_list("serial", flat=True))
    assert len(serials) == 3
    assert third.serial in serials
