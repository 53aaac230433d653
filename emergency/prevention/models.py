"""Dual prevention (双重预防): risk grading and control, hidden-hazard investigation and rectification."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from emergency.core.models import BaseModel
from emergency.enterprises.models import Enterprise


class RiskLevel(models.IntegerChoices):
    MAJOR = 1, _("Major (red)")
    SIGNIFICANT = 2, _("Significant (orange)")
    GENERAL = 3, _("General (yellow)")
    LOW = 4, _("Low (blue)")


class ControlLevel(models.IntegerChoices):
    """Who controls a risk; a risk controlled at one level is also controlled at every level below."""

    COMPANY = 1, _("Company")
    DEPARTMENT = 2, pgettext_lazy("control level", "Department")
    WORKSHOP = 3, _("Workshop")
    TEAM = 4, _("Team or post")


class RiskPoint(BaseModel):
    class Kind(models.TextChoices):
        AREA = "area", _("Area")
        FACILITY = "facility", _("Facility")
        OPERATION = "operation", _("Operation")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="risk_points")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    location = models.CharField(_("location"), max_length=200, blank=True)
    control_level = models.PositiveSmallIntegerField(_("control level"), choices=ControlLevel.choices)
    responsible_person = models.CharField(_("responsible person"), max_length=50)
    responsible_phone = models.CharField(_("responsible person's phone"), max_length=30, blank=True)
    qr_token = models.CharField(max_length=32, unique=True, editable=False)
    # The latest assessment's level (kept by the assessment service; history is in RiskAssessment).
    current_level = models.PositiveSmallIntegerField(_("current level"), choices=RiskLevel.choices, null=True,
                                                     blank=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["enterprise", "name"]
        verbose_name = _("risk point")

    def __str__(self) -> str:
        return f"{self.enterprise.name} · {self.name}"


class HazardFactor(BaseModel):
    """A danger source classified by GB/T 13861-2022 (1 human, 2 object, 3 environment, 4 management)."""

    risk_point = models.ForeignKey(RiskPoint, on_delete=models.PROTECT, related_name="factors")
    code = models.CharField(_("GB/T 13861 code"), max_length=12)
    description = models.CharField(_("description"), max_length=300)

    class Meta:
        ordering = ["code"]
        verbose_name = _("hazard factor")

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


class ControlMeasure(BaseModel):
    class Kind(models.TextChoices):
        ENGINEERING = "engineering", _("Engineering")
        MANAGEMENT = "management", _("Management")
        TRAINING = "training", _("Training")
        PPE = "ppe", _("Personal protection")
        EMERGENCY = "emergency", _("Emergency")

    risk_point = models.ForeignKey(RiskPoint, on_delete=models.PROTECT, related_name="measures")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    description = models.CharField(_("measure"), max_length=300)
    # What an inspector checks: the checklist item derived from this measure.
    check_item = models.CharField(_("what to check"), max_length=300)
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("control measure")

    def __str__(self) -> str:
        return self.description


class RiskAssessment(BaseModel):
    class Method(models.TextChoices):
        LEC = "lec", "LEC"
        LS = "ls", "LS"

    risk_point = models.ForeignKey(RiskPoint, on_delete=models.PROTECT, related_name="assessments")
    method = models.CharField(_("method"), max_length=3, choices=Method.choices)
    ls_table = models.CharField(_("LS table"), max_length=4, blank=True)
    likelihood = models.DecimalField("L", max_digits=6, decimal_places=2)
    exposure = models.DecimalField("E", max_digits=6, decimal_places=2, null=True, blank=True)
    consequence = models.DecimalField(_("C or S"), max_digits=6, decimal_places=2)
    score = models.DecimalField(_("score"), max_digits=10, decimal_places=2)
    level = models.PositiveSmallIntegerField(_("level"), choices=RiskLevel.choices)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("risk assessment")

    def __str__(self) -> str:
        return f"{self.risk_point} {self.method} {self.score} → {self.level}"


class InspectionTask(BaseModel):
    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("inspection", "Pending")
        DONE = "done", _("Done")
        MISSED = "missed", _("Missed")

    risk_point = models.ForeignKey(RiskPoint, on_delete=models.PROTECT, related_name="inspection_tasks")
    control_level = models.PositiveSmallIntegerField(choices=ControlLevel.choices)
    due_from = models.DateTimeField(_("from"))
    due_until = models.DateTimeField(_("until"), db_index=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING, db_index=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")

    class Meta:
        ordering = ["-due_until"]
        constraints = [models.UniqueConstraint(fields=["risk_point", "control_level", "due_from"],
                                               name="unique_inspection_window")]
        verbose_name = _("inspection task")

    def __str__(self) -> str:
        return f"{self.risk_point} {self.due_from:%Y-%m-%d %H:%M}"


class InspectionResult(BaseModel):
    task = models.ForeignKey(InspectionTask, on_delete=models.PROTECT, related_name="results")
    measure = models.ForeignKey(ControlMeasure, on_delete=models.PROTECT, related_name="results")
    passed = models.BooleanField(_("passed"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "measure"], name="one_result_per_item")]

    def __str__(self) -> str:
        return f"{self.measure} {'✓' if self.passed else '✗'}"


class HiddenHazard(BaseModel):
    class HazardClass(models.TextChoices):
        GENERAL = "general", _("General")
        MAJOR = "major", _("Major")

    class State(models.TextChoices):
        IDENTIFIED = "identified", _("Identified")
        REGISTERED = "registered", _("Registered")
        ASSESSED = "assessed", _("Assessed")
        RECTIFYING = "rectifying", _("Rectifying")
        ACCEPTANCE = "acceptance", _("Awaiting acceptance")
        CLOSED = "closed", pgettext_lazy("hidden hazard", "Closed")

    class Escalation(models.IntegerChoices):
        NONE = 0, _("None")
        ENTERPRISE = 1, _("Enterprise notified")
        SUBDISTRICT = 2, _("Escalated to subdistrict")
        BUREAU = 3, _("Escalated to bureau")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="hazards")
    risk_point = models.ForeignKey(RiskPoint, null=True, blank=True, on_delete=models.PROTECT, related_name="hazards")
    inspection_result = models.OneToOneField(InspectionResult, null=True, blank=True, on_delete=models.PROTECT,
                                             related_name="hazard")
    title = models.CharField(_("hidden hazard"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    hazard_class = models.CharField(_("class"), max_length=8, choices=HazardClass.choices, blank=True)
    state = FSMField(_("state"), default=State.IDENTIFIED, choices=State.choices, protected=True, db_index=True)
    deadline = models.DateField(_("rectification deadline"), null=True, blank=True, db_index=True)
    responsible_person = models.CharField(_("person responsible for rectification"), max_length=50, blank=True)
    rectifier = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("rectified by"))
    rectification_note = models.TextField(_("rectification done"), blank=True)
    overdue = models.BooleanField(_("overdue"), default=False, db_index=True)
    overdue_since = models.DateField(null=True, blank=True)
    escalation = models.PositiveSmallIntegerField(_("escalation"), choices=Escalation.choices, default=Escalation.NONE)
    found_by_regulator = models.BooleanField(_("found by regulator"), default=False)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("reported by"))
    listed_supervision = models.BooleanField(_("listed supervision"), default=False)
    listed_deadline = models.DateField(_("listed supervision deadline"), null=True, blank=True)
    listed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = HistoricalRecords()
    # core.lifecycle writes a row here for every state change, and one from "" when the hazard is created.
    transition_log = "prevention.HazardTransition"

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("hidden hazard")
        indexes = [models.Index(fields=["enterprise", "state"]), models.Index(fields=["state", "deadline"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_major(self) -> bool:
        return self.hazard_class == self.HazardClass.MAJOR

    @transition(field=state, source=State.IDENTIFIED, target=State.REGISTERED)
    def register(self):
        """Entered in the enterprise's hazard ledger."""

    @transition(field=state, source=[State.REGISTERED, State.ASSESSED], target=State.ASSESSED)
    def assess(self):
        """Classed GENERAL or MAJOR."""

    @transition(field=state, source=State.ASSESSED, target=State.RECTIFYING)
    def start_rectification(self):
        """Deadline and responsible person set (and, for MAJOR, the plan and dual report in place)."""

    @transition(field=state, source=State.RECTIFYING, target=State.ACCEPTANCE)
    def submit_for_acceptance(self):
        """The rectifier says the work is done."""

    @transition(field=state, source=State.ACCEPTANCE, target=State.CLOSED)
    def close(self):
        """A passed acceptance by someone other than the rectifier closes it (销号)."""

    @transition(field=state, source=State.ACCEPTANCE, target=State.RECTIFYING)
    def reject(self):
        """A failed acceptance sends it back to rectification."""


class HazardTransition(models.Model):
    hazard = models.ForeignKey(HiddenHazard, on_delete=models.PROTECT, related_name="transitions")
    from_state = models.CharField(max_length=12)
    to_state = models.CharField(max_length=12)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_state}→{self.to_state}"

    @property
    def from_label(self) -> str:
        return HiddenHazard.State(self.from_state).label if self.from_state in HiddenHazard.State.values else ""

    @property
    def to_label(self) -> str:
        return HiddenHazard.State(self.to_state).label if self.to_state in HiddenHazard.State.values else ""


class GovernancePlan(BaseModel):
    """治理方案 of a MAJOR hazard: all six parts are required."""

    PARTS = ("goal_and_tasks", "methods_and_measures", "funds_and_materials", "responsible_body_and_people",
             "time_limit", "safety_and_contingency")

    hazard = models.OneToOneField(HiddenHazard, on_delete=models.PROTECT, related_name="governance_plan")
    goal_and_tasks = models.TextField(_("goal and tasks"), blank=True)
    methods_and_measures = models.TextField(_("methods and measures"), blank=True)
    funds_and_materials = models.TextField(_("funds and materials"), blank=True)
    responsible_body_and_people = models.TextField(_("responsible body and people"), blank=True)
    time_limit = models.TextField(_("time limit"), blank=True)
    safety_and_contingency = models.TextField(_("safety measures and contingency plan"), blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.hazard} 治理方案"

    @property
    def missing_parts(self) -> list[str]:
        return [p for p in self.PARTS if not getattr(self, p).strip()]


class DualReport(BaseModel):
    """双报告 (安全生产法 Art. 41): a MAJOR hazard is reported to the regulator and to the workers' congress."""

    class Recipient(models.TextChoices):
        REGULATOR = "regulator", _("Regulator")
        WORKERS_CONGRESS = "workers_congress", _("Workers' congress")

    hazard = models.ForeignKey(HiddenHazard, on_delete=models.PROTECT, related_name="dual_reports")
    recipient = models.CharField(_("reported to"), max_length=20, choices=Recipient.choices)
    reported_on = models.DateField(_("reported on"))
    evidence = models.CharField(_("evidence"), max_length=300)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hazard", "recipient"], name="one_report_per_recipient")]

    def __str__(self) -> str:
        return f"{self.hazard} → {self.get_recipient_display()}"


class Acceptance(BaseModel):
    hazard = models.ForeignKey(HiddenHazard, on_delete=models.PROTECT, related_name="acceptances")
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField(_("passed"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.hazard} {'✓' if self.passed else '✗'}"
