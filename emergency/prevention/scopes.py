"""Who sees what in dual prevention, and the scheduled jobs."""

from datetime import timedelta

from emergency.core import scheduler, scoping
from emergency.core.roles import RECORD_KEEPERS, REGULATORS_AND_ENTERPRISES

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

# A subdistrict sees the enterprises in its area, a line department those of the industries it supervises
# (管行业必须管安全, enterprises.SectorSupervision), an enterprise only its own. The enterprise and the subdistrict
# keep the records; a department reads them (its acts as a regulator are checked by the services).
PREVENTION = {"readers": REGULATORS_AND_ENTERPRISES, "writers": RECORD_KEEPERS}


def _spec(to_enterprise: str) -> scoping.ScopeSpec:
    return scoping.ScopeSpec(division=f"{to_enterprise}__division", enterprise=to_enterprise,
                             sector=f"{to_enterprise}__industry", **PREVENTION)


for model in (RiskPoint, HiddenHazard):
    scoping.register(model, _spec("enterprise"))
for model in (HazardFactor, ControlMeasure, RiskAssessment, InspectionTask):
    scoping.register(model, _spec("risk_point__enterprise"))
scoping.register(InspectionResult, _spec("task__risk_point__enterprise"))
for model in (GovernancePlan, DualReport, Acceptance):
    scoping.register(model, _spec("hazard__enterprise"))

scheduler.register(scheduler.Periodic("prevention_inspections_and_overdue", timedelta(hours=1),
                                      "emergency.prevention.tasks.prevention_hourly"))
