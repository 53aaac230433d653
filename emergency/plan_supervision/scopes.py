"""Scope registrations and scheduled jobs of plan supervision."""

from datetime import timedelta

from emergency.core import scheduler, scoping

from .models import Assignment, IndicatorValue, Item, Period, Plan, ProgressReport, Section, SupervisionNotice

# The plan itself is a published government notice: every business user reads its structure.
for model in (Plan, Section, Item, Period, IndicatorValue):
    scoping.register(model, scoping.ScopeSpec(everyone=True))
# A department sees and reports only its own assignments (and its groups').
scoping.register(Assignment, scoping.ScopeSpec(departments=("department",)))
scoping.register(ProgressReport, scoping.ScopeSpec(departments=("assignment__department",)))
scoping.register(SupervisionNotice, scoping.ScopeSpec(departments=("department",)))

scheduler.register(scheduler.Periodic("plan_reminders_and_overdue", timedelta(hours=6),
                                      "emergency.plan_supervision.tasks.plan_daily"))
