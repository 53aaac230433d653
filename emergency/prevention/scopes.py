"""Who sees what in dual prevention, and the scheduled jobs."""

from datetime import timedelta

from emergency.core import scheduler, scoping

from .models import (
    Acceptance,
    ControlMeasure,
    DualReport,
    GovernancePlan,
    HazardFactor,
    HiddenHazard,
    InspectionResult,
    InspectionTask,
    RiskAssessment,
    RiskPoint,
)

# A subdistrict sees the enterprises in its area; an enterprise only its own.
scoping.register(RiskPoint, scoping.ScopeSpec(division="enterprise__division", enterprise="enterprise"))
scoping.register(HiddenHazard, scoping.ScopeSpec(division="enterprise__division", enterprise="enterprise"))
for model in (HazardFactor, ControlMeasure, RiskAssessment, InspectionTask):
    scoping.register(model, scoping.ScopeSpec(division="risk_point__enterprise__division",
                                              enterprise="risk_point__enterprise"))
scoping.register(InspectionResult, scoping.ScopeSpec(division="task__risk_point__enterprise__division",
                                                     enterprise="task__risk_point__enterprise"))
for model in (GovernancePlan, DualReport, Acceptance):
    scoping.register(model, scoping.ScopeSpec(division="hazard__enterprise__division", enterprise="hazard__enterprise"))

scheduler.register(scheduler.Periodic("prevention_inspections_and_overdue", timedelta(hours=1),
                                      "emergency.prevention.tasks.prevention_hourly"))
