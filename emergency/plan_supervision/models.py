"""Plan supervision: the plan notice's indicators, tasks and key projects, their allocation to
departments, periodic progress reports, supervision notices and indicator values."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from emergency.core.models import BaseModel, Department


class Plan(BaseModel):
    document_number = models.CharField(_("document number"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=300)
    issued_on = models.DateField(_("issued on"))
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    # Reporting periods are this many months long (3 = quarterly).
    period_months = models.PositiveSmallIntegerField(_("months per reporting period"), default=3)
    reminder_days = models.PositiveSmallIntegerField(_("remind this many days before a period closes"), default=7)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_on"]
        verbose_name = _("plan")

    def __str__(self) -> str:
        return f"{self.document_number} {self.title}"


class Section(BaseModel):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="sections")
    number = models.CharField(_("number"), max_length=10)
    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="unique_section_number")]

    def __str__(self) -> str:
        return f"（{self.number}）{self.title}"


class Item(BaseModel):
    """What departments are allocated: an indicator, a main task or a key project."""

    class Kind(models.TextChoices):
        INDICATOR = "indicator", _("Indicator")
        TASK = "task", _("Main task")
        PROJECT = "project", _("Key project")

    class Comparator(models.TextChoices):
        AT_MOST = "<=", "≤"
        AT_LEAST = ">=", "≥"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="items")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(_("number"))
    order = models.PositiveIntegerField(default=0)
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.PROTECT, related_name="items")
    category = models.CharField(_("category"), max_length=100, blank=True)  # indicators
    theme = models.CharField(_("theme"), max_length=200, blank=True)  # tasks
    title = models.CharField(_("title"), max_length=300)
    content = models.TextField(_("content"), blank=True)
    comparator = models.CharField(_("comparator"), max_length=2, choices=Comparator.choices, blank=True)
    target_value = models.DecimalField(_("target"), max_digits=14, decimal_places=4, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "category", "number"], name="unique_item_number"),
        ]
        verbose_name = _("plan item")

    def __str__(self) -> str:
        prefix = {"indicator": "指标", "task": "任务", "project": "工程"}[self.kind]
        return f"{prefix}{self.number} {self.title}"

    @property
    def is_quantitative(self) -> bool:
        return self.target_value is not None


class Assignment(BaseModel):
    """One department's share of an item (任务分工): lead, co-operating, or jointly responsible."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        COOPERATING = "cooperating", _("Co-operating")
        JOINT = "joint", _("Joint responsibility")

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="assignments")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="plan_assignments")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["item__order", "order"]
        constraints = [models.UniqueConstraint(fields=["item", "department"], name="unique_assignment")]
        verbose_name = _("assignment")

    def __str__(self) -> str:
        return f"{self.item} · {self.department} ({self.get_role_display()})"


class Period(BaseModel):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="periods")
    label = models.CharField(_("period"), max_length=50)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    # Set by the scheduled jobs so that a reminder or an escalation is sent once, even after downtime.
    reminded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_on"]
        constraints = [models.UniqueConstraint(fields=["plan", "starts_on"], name="unique_period_start")]

    def __str__(self) -> str:
        return self.label


class ProgressReport(BaseModel):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        DELAYED = "delayed", _("Delayed")
        DONE = "done", _("Done")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")
        OVERDUE = "overdue", _("Overdue")

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="reports")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="reports")
    narrative = models.TextField(_("progress"), blank=True)
    percent_complete = models.PositiveSmallIntegerField(_("percent complete"), default=0)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True)
    # The lead's report consolidates the co-operating departments' reports into the task report.
    is_consolidated = models.BooleanField(_("consolidated task report"), default=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    review_comment = models.TextField(_("review comment"), blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()
    # core.lifecycle writes a row here for every state change.
    transition_log = "plan_supervision.ReportTransition"

    class Meta:
        ordering = ["period__starts_on", "assignment__item__order", "assignment__order"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "period"], name="unique_report_per_period"),
            models.CheckConstraint(name="percent_0_100", condition=models.Q(percent_complete__lte=100)),
        ]
        verbose_name = _("progress report")

    def __str__(self) -> str:
        return f"{self.assignment} · {self.period}"

    @transition(field=state, source=[State.DRAFT, State.RETURNED, State.OVERDUE], target=State.SUBMITTED)
    def submit(self):
        """Submitted (or resubmitted after a return, or late after being overdue)."""

    @transition(field=state, source=State.SUBMITTED, target=State.ACCEPTED)
    def accept(self):
        """The bureau accepts the report."""

    @transition(field=state, source=State.SUBMITTED, target=State.RETURNED)
    def send_back(self):
        """The bureau returns it with a comment."""

    @transition(field=state, source=[State.DRAFT, State.RETURNED], target=State.OVERDUE)
    def mark_overdue(self):
        """The period closed without a submitted report."""


class ReportTransition(models.Model):
    """Every state change of a progress report leaves a row (healthchecks Flip)."""

    report = models.ForeignKey(ProgressReport, on_delete=models.PROTECT, related_name="transitions")
    from_state = models.CharField(max_length=12)
    to_state = models.CharField(max_length=12)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    comment = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_state}→{self.to_state}"

    @property
    def from_label(self) -> str:
        return ProgressReport.State(self.from_state).label if self.from_state in ProgressReport.State.values else ""

    @property
    def to_label(self) -> str:
        return ProgressReport.State(self.to_state).label if self.to_state in ProgressReport.State.values else ""


class SupervisionNotice(BaseModel):
    """督办单: the bureau presses a department on an item, with a deadline it must answer by."""

    class State(models.TextChoices):
        ISSUED = "issued", _("Issued")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")
        ESCALATED = "escalated", _("Escalated")

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="supervision_notices")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="supervision_notices")
    serial = models.CharField(_("serial number"), max_length=50, unique=True)
    content = models.TextField(_("requirement"))
    deadline = models.DateField(_("answer by"))
    state = FSMField(_("state"), default=State.ISSUED, choices=State.choices, protected=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("supervision notice")

    def __str__(self) -> str:
        return self.serial

    @transition(field=state, source=[State.ISSUED, State.ESCALATED], target=State.ANSWERED)
    def record_answer(self):
        """The department answers."""

    @transition(field=state, source=State.ANSWERED, target=State.CLOSED)
    def close(self):
        """The bureau is satisfied with the answer."""

    @transition(field=state, source=State.ANSWERED, target=State.ISSUED)
    def reopen(self):
        """The answer is not enough: the department must answer again."""

    @transition(field=state, source=State.ISSUED, target=State.ESCALATED)
    def escalate(self):
        """The deadline passed without an answer."""


class IndicatorValue(BaseModel):
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="values",
                             limit_choices_to={"kind": Item.Kind.INDICATOR})
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("actual value"), max_digits=14, decimal_places=4, null=True, blank=True)
    achieved = models.BooleanField(_("achieved (qualitative)"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "year"]
        constraints = [models.UniqueConstraint(fields=["item", "year"], name="unique_indicator_year")]
        verbose_name = _("indicator value")

    def __str__(self) -> str:
        return f"{self.item} {self.year}: {self.value}"

    @property
    def met(self) -> bool | None:
        """Whether the target is met (None when it cannot be judged)."""
        item = self.item
        if item.target_value is None or self.value is None:
            return self.achieved
        if item.comparator == Item.Comparator.AT_MOST:
            return self.value <= item.target_value
        return self.value >= item.target_value
