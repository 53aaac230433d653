"""Scope registrations and scheduled jobs of plan supervision."""

from datetime import timedelta

from emergency.core import scheduler, scoping
from emergency.core.roles import BUREAU_ROLES, GOVERNMENT_ROLES

from .models import Assignment, IndicatorValue, Item, Period, Plan, ProgressReport, Section, SupervisionNotice

# The plan itself is a published government notice that the government runs: every government user (bureau,
# departments, subdistrict offices) reads its structure, the bureau edits it.
for model in (Plan, Section, Item, Period, IndicatorValue):
    scoping.register(model, scoping.ScopeSpec(readers=GOVERNMENT_ROLES, read_all=GOVERNMENT_ROLES,
                                              writers=BUREAU_ROLES))
# A department sees and reports only its own assignments (and its groups').
for model, path in ((Assignment, "department"), (ProgressReport, "assignment__department"),
                    (SupervisionNotice, "department")):
    scoping.register(model, scoping.ScopeSpec(departments=(path,), readers=GOVERNMENT_ROLES))

scheduler.register(scheduler.Periodic("plan_reminders_and_overdue", timedelta(hours=6),
                                      "emergency.plan_supervision.tasks.plan_daily"))
