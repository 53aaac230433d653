"""`make demo` loads this data: it must load on a fresh database, twice without duplicating."""

from django.db.models import Count

from emergency.core import demo
from emergency.enterprises.models import Enterprise
from emergency.plan_supervision.demo import load_demo_plan
from emergency.plan_supervision.models import Plan, ProgressReport
from emergency.prevention.demo import load_demo_prevention
from emergency.prevention.models import HiddenHazard, RiskPoint


def test_the_demo_data_loads_once_and_covers_every_hazard_state(db):
    demo.load_demo()
    load_demo_plan()
    load_demo_prevention()
    enterprises = Enterprise.objects.count()
    assert enterprises >= 60
    assert Enterprise.objects.filter(is_synthetic=False).count() == 0
    # Every level of the risk map has points, "not assessed" included (two enterprises wait for assessment).
    levels = set(RiskPoint.objects.values_list("current_level", flat=True))
    assert levels == {1, 2, 3, 4, None}
    unassessed = Enterprise.objects.filter(risk_points__current_level__isnull=True).distinct()
    assert unassessed.count() == 2
    assert not RiskPoint.objects.filter(enterprise__in=unassessed, current_level__isnull=False).exists()
    states = dict(HiddenHazard.objects.values_list("state").annotate(n=Count("id")))
    assert set(states) == set(HiddenHazard.State.values)
    assert HiddenHazard.objects.filter(overdue=True).exists()
    assert HiddenHazard.objects.filter(hazard_class="major").exists()
    assert Plan.objects.count() == 1
    assert ProgressReport.objects.filter(state="overdue").exists()
    # Running the loaders again changes nothing.
    demo.load_demo()
    load_demo_plan()
    load_demo_prevention()
    assert Enterprise.objects.count() == enterprises
    assert Plan.objects.count() == 1
