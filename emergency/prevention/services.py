"""Writes for dual prevention. Every state change goes through a transition, leaves a row and an audit."""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from emergency.accounts.models import User
from emergency.core import actors, lifecycle
from emergency.core.audit import audit_record, created_fields, model_update
from emergency.core.models import AuditEvent
from emergency.core.notifications import notify
from emergency.core.roles import BUREAU_ROLES, REGULATOR_ROLES, Role
from emergency.core.rules import rule_value
from emergency.core.scoping import NotAllowed, require_write
from emergency.lib import risk

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

State = HiddenHazard.State
def _require_write(user, obj) -> None:
    require_write(user, obj)


def _require_regulator(user) -> None:
    if user is None or not user.is_authenticated or user.role not in REGULATOR_ROLES:
        raise NotAllowed(_("Only a regulator (the bureau, the subdistrict or the sector's department) may do this."))


# --- risk evaluation ----------------------------------------------------------------------------

def evaluate(*, method: str, l, e=None, c=None, s=None, table: str = "ls_a") -> risk.Evaluation:  # noqa: E741
    """The one evaluator, used by the assessment service, the calculator API and the live preview."""
    if method == "lec":
        return risk.lec(l, e, c, allowed=rule_value("prevention.lec_values"), bands=rule_value("prevention.lec_bands"))
    if method == "ls":
        if table not in ("ls_a", "ls_b"):
            raise risk.EvaluationError("table", "must be ls_a or ls_b")
        return risk.ls(l, s, table=rule_value(f"prevention.{table}"))
    raise risk.EvaluationError("method", "must be lec or ls")


# --- risk points --------------------------------------------------------------------------------

@transaction.atomic
def risk_point_create(*, acting_user, enterprise, name: str, kind: str, control_level: int,
                      responsible_person: str, location: str = "", responsible_phone: str = "") -> RiskPoint:
    _require_write(acting_user, enterprise)
    point = RiskPoint(enterprise=enterprise, name=name.strip(), kind=kind, control_level=control_level,
                      responsible_person=responsible_person.strip(), location=location, responsible_phone=responsible_phone,
                      qr_token=secrets.token_urlsafe(16)[:22])
    point.full_clean()
    point._history_user = acting_user
    point.save()
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=point,
                 changes=created_fields(point, ["enterprise", "name", "kind", "control_level", "responsible_person"]))
    return point


@transaction.atomic
def risk_point_update(*, acting_user, point: RiskPoint, data: dict) -> dict:
    _require_write(acting_user, point)
    allowed = {"name", "kind", "location", "control_level", "responsible_person", "responsible_phone"}
    if set(data) - allowed:
        raise ValidationError({f: _("This field cannot be changed.") for f in set(data) - allowed})
    point._history_user = acting_user
    changes = model_update(instance=point, data=data)
    if changes:
        audit_record(acting_user=acting_user, event_type=AuditEvent.Type.UPDATE, obj=point, changes=changes)
    return changes


def _check_factor_code(code: str) -> None:
    if not code or code[0] not in "1234" or not code.replace(".", "").isdigit() or len(code) > 12:
        raise ValidationError({"code": _("A GB/T 13861 code starts with 1 (human), 2 (object), 3 (environment) or "
                                         "4 (management), followed by digits.")})


@transaction.atomic
def hazard_factor_add(*, acting_user, point: RiskPoint, code: str, description: str) -> HazardFactor:
    _require_write(acting_user, point)
    code = code.strip()
    _check_factor_code(code)
    factor = HazardFactor(risk_point=point, code=code, description=description.strip())
    factor.full_clean()
    factor.save()
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=factor,
                 changes={"code": [None, code], "description": [None, factor.description]})
    return factor


@transaction.atomic
def control_measure_add(*, acting_user, point: RiskPoint, kind: str, description: str,
                        check_item: str = "") -> ControlMeasure:
    _require_write(acting_user, point)
    measure = ControlMeasure(risk_point=point, kind=kind, description=description.strip(),
                             check_item=(check_item or description).strip())
    measure.full_clean()
    measure._history_user = acting_user
    measure.save()
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=measure,
                 changes=created_fields(measure, ["kind", "description", "check_item"]))
    return measure


@transaction.atomic
def risk_assess(*, acting_user, point: RiskPoint, method: str, l, e=None, c=None, s=None,  # noqa: E741
                table: str = "ls_a", note: str = "") -> RiskAssessment:
    _require_write(acting_user, point)
    try:
        result = evaluate(method=method, l=l, e=e, c=c, s=s, table=table)
    except risk.EvaluationError as exc:
        raise ValidationError({exc.field: exc.message}) from exc
    cent = Decimal("0.01")  # every allowed factor and product has at most two decimals; "0.10" must not fail
    row = RiskAssessment(risk_point=point, method=method, ls_table=table if method == "ls" else "",
                         likelihood=Decimal(str(l)).quantize(cent),
                         exposure=Decimal(str(e)).quantize(cent) if method == "lec" else None,
                         consequence=Decimal(str(c if method == "lec" else s)).quantize(cent),
                         score=result.score.quantize(cent), level=result.level, assessed_by=acting_user,
                         note=note or "")
    row.full_clean()
    row.save()
    before = point.current_level
    point.current_level = result.level
    point._history_user = acting_user
    point.save(update_fields=["current_level", "updated_at"])
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=row,
                 changes={"method": [None, method], "score": [None, str(result.score)],
                          "level": [before, result.level]})
    return row


# --- inspections --------------------------------------------------------------------------------

INSPECTION_EPOCH = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)


def _interval(level: int) -> datetime.timedelta:
    hours = rule_value("prevention.inspection_hours")[str(level)]
    return datetime.timedelta(hours=float(hours))


def _window(level: int, now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """The inspection window at `level` that contains `now` (windows are counted from a fixed epoch)."""
    step = _interval(level)
    start = INSPECTION_EPOCH + ((now - INSPECTION_EPOCH) // step) * step
    return start, start + step


def _mark_missed(tasks, *, acting_user) -> int:
    """Windows that closed unchecked become missed, each through the lifecycle (an audit row apiece, not a
    silent bulk update). One locking query finds them; then per task a savepoint, an UPDATE and the audit
    INSERT (4 queries: the risk point and enterprise named in the audit come with the first query)."""
    missed = 0
    for task in (tasks.select_for_update(of=("self",)).select_related("risk_point__enterprise")
                 .filter(state=InspectionTask.State.PENDING).order_by("pk")):
        lifecycle.transition(task, InspectionTask.State.MISSED, sources=[InspectionTask.State.PENDING],
                             acting_user=acting_user)
        missed += 1
    return missed


@transaction.atomic
def inspection_tasks_generate(*, acting_user=actors.SYSTEM, now: datetime.datetime) -> dict:
    """Open the current window for every risk point at its control level and every level below it,
    and mark windows that closed without a check as missed. Idempotent. Run by the scheduler
    (`tasks.prevention_hourly` passes actors.SYSTEM); the default serves the demo seeding."""
    actors.require(acting_user)
    missed = _mark_missed(InspectionTask.objects.filter(due_until__lte=now), acting_user=acting_user)
    points = RiskPoint.objects.filter(archived_at__isnull=True, enterprise__archived_at__isnull=True).values_list(
        "pk", "control_level")
    existing = set(InspectionTask.objects.filter(due_until__gt=now).values_list("risk_point_id", "control_level"))
    windows = {level: _window(level, now) for level in range(1, 5)}
    new = []
    for pk, control_level in points:
        for level in range(control_level, 5):
            if (pk, level) in existing:
                continue
            start, end = windows[level]
            new.append(InspectionTask(risk_point_id=pk, control_level=level, due_from=start, due_until=end))
    InspectionTask.objects.bulk_create(new, ignore_conflicts=True)
    created = len(new)
    return {"created": created, "missed": missed}


@transaction.atomic
def inspection_tasks_current(*, acting_user, point: RiskPoint, now: datetime.datetime) -> list[InspectionTask]:
    """The point's window open at `now` at each level it is checked at (its control level and every level
    below), created when missing — the same windows as `inspection_tasks_generate`, so either may run first.
    The point's windows that closed unchecked become missed. Idempotent."""
    _require_write(acting_user, point)
    # The clock, not the visitor, missed these windows: they are recorded as the system's doing.
    _mark_missed(InspectionTask.objects.filter(risk_point=point, due_until__lte=now), acting_user=actors.SYSTEM)
    tasks = []
    for level in range(point.control_level, 5):
        task = (InspectionTask.objects.filter(risk_point=point, control_level=level, due_from__lte=now,
                                              due_until__gt=now).order_by("-due_from").first())
        if task is None:
            start, end = _window(level, now)
            task, _created = InspectionTask.objects.get_or_create(risk_point=point, control_level=level,
                                                                  due_from=start, defaults={"due_until": end})
        tasks.append(task)
    return tasks


@transaction.atomic
def inspection_record(*, acting_user, task: InspectionTask, results: dict[int, tuple[bool, str]],
                      photos: dict | None = None, now: datetime.datetime | None = None) -> list[HiddenHazard]:
    """results: {measure_id: (passed, note)}. Every failed item drafts a hidden hazard linked to it.
    Only an open window can be checked: a window that has closed is missed."""
    from emergency.core.attachments import attachment_add

    now = now or timezone.now()
    # Lock the task: two phones submitting the same check must not both record it.
    given, task = task, InspectionTask.objects.select_for_update(of=("self",)).select_related("risk_point").get(
        pk=task.pk)
    point = task.risk_point
    _require_write(acting_user, point)
    if task.state == InspectionTask.State.PENDING and task.due_until <= now:
        raise ValidationError(_("This inspection window has closed: it counts as missed."))
    if task.state != InspectionTask.State.PENDING:
        raise ValidationError(_("This inspection is already %(state)s.") % {"state": task.get_state_display()})
    if task.due_from > now:
        raise ValidationError(_("This inspection window has not opened yet."))
    measures = {m.pk: m for m in point.measures.filter(archived_at__isnull=True)}
    if not measures:
        raise ValidationError(_("The risk point has no control measures to check."))
    missing = set(measures) - set(results)
    if missing:
        raise ValidationError({"results": _("Mark every item pass or fail (%(n)d left).") % {"n": len(missing)}})
    drafted = []
    for measure_id, (passed, note) in results.items():
        if measure_id not in measures:
            raise ValidationError({"results": _("An item does not belong to this risk point.")})
        note = (note or "").strip()
        if len(note) > 300:
            raise ValidationError({"results": _("A note has at most 300 characters.")})
        result = InspectionResult.objects.create(task=task, measure=measures[measure_id], passed=bool(passed),
                                                 note=note)
        photo = (photos or {}).get(measure_id)
        if photo is not None:
            attachment_add(acting_user=acting_user, parent=result, uploaded=photo)
        if not passed:
            hazard = HiddenHazard(enterprise=point.enterprise, risk_point=point, inspection_result=result,
                                  title=f"{point.name}：{measures[measure_id].check_item}"[:200],
                                  description=note, location=point.location, reported_by=acting_user)
            lifecycle.created(hazard, acting_user=acting_user, note="inspection",
                              changes={"title": [None, hazard.title], "source": [None, f"inspection {task.pk}"]})
            if photo is not None:
                photo.seek(0)
                attachment_add(acting_user=acting_user, parent=hazard, uploaded=photo)
            drafted.append(hazard)
    task.done_at, task.done_by = now, acting_user
    lifecycle.transition(task, InspectionTask.State.DONE, sources=[InspectionTask.State.PENDING],
                         acting_user=acting_user, changes={"failed_items": [None, len(drafted)]})
    given.state, given.done_at, given.done_by = task.state, task.done_at, task.done_by
    return drafted


# --- hidden hazards -----------------------------------------------------------------------------

def _attach_all(acting_user, parent, files) -> None:
    from emergency.core.attachments import attachment_add

    for f in files or ():
        attachment_add(acting_user=acting_user, parent=parent, uploaded=f)


@transaction.atomic
def hazard_report(*, acting_user, enterprise, title: str, description: str = "", location: str = "",
                  risk_point: RiskPoint | None = None, photos=()) -> HiddenHazard:
    """A hazard found outside a scheduled check: by the enterprise itself, or by a regulator on a visit.
    `photos` (uploaded files) become its before photos, in the same transaction."""
    if acting_user.role in REGULATOR_ROLES:
        from emergency.core.scoping import can_view

        if not can_view(acting_user, enterprise):
            raise NotAllowed(_("The enterprise is outside your jurisdiction."))
    else:
        _require_write(acting_user, enterprise)
    if not (title or "").strip():
        raise ValidationError({"title": _("Say what the hazard is.")})
    if risk_point is not None and risk_point.enterprise_id != enterprise.pk:
        raise ValidationError({"risk_point": _("The risk point belongs to another enterprise.")})
    hazard = HiddenHazard(enterprise=enterprise, risk_point=risk_point, title=title.strip(), description=description,
                          location=location, reported_by=acting_user,
                          found_by_regulator=acting_user.role in REGULATOR_ROLES)
    hazard.full_clean(exclude=["state"])
    lifecycle.created(hazard, acting_user=acting_user, note="reported",
                      changes=created_fields(hazard, ["enterprise", "title", "found_by_regulator"]))
    _attach_all(acting_user, hazard, photos)
    if hazard.found_by_regulator:
        transaction.on_commit(lambda: _notify_enterprise(hazard, _("A regulator reported a hidden hazard: %(t)s")
                                                         % {"t": hazard.title}))
    return hazard


@transaction.atomic
def hazard_register(*, acting_user, hazard: HiddenHazard) -> HiddenHazard:
    _require_write(acting_user, hazard)
    lifecycle.transition(hazard, "register", acting_user=acting_user)
    return hazard


@transaction.atomic
def hazard_assess(*, acting_user, hazard: HiddenHazard, hazard_class: str) -> HiddenHazard:
    _require_write(acting_user, hazard)
    if hazard_class not in HiddenHazard.HazardClass.values:
        raise ValidationError({"hazard_class": _("Choose general or major.")})
    before = hazard.hazard_class
    if before == HiddenHazard.HazardClass.MAJOR and hazard_class != before and acting_user.role not in BUREAU_ROLES:
        # Downgrading would skip the governance plan and the dual report: only the bureau may.
        raise NotAllowed(_("Only the bureau may downgrade a major hazard."))
    hazard.hazard_class = hazard_class
    lifecycle.transition(hazard, "assess", acting_user=acting_user, changes={"hazard_class": [before, hazard_class]})
    if hazard.is_major:
        transaction.on_commit(lambda: _notify_regulators(hazard, _("MAJOR hidden hazard: %(t)s") % {"t": hazard.title}))
    return hazard


def major_prerequisites(hazard: HiddenHazard) -> list[str]:
    """What a MAJOR hazard still lacks before rectification may start (empty when ready)."""
    problems = []
    plan = GovernancePlan.objects.filter(hazard=hazard).first()
    if plan is None:
        problems.append(_("a governance plan"))
    else:
        for part in plan.missing_parts:
            problems.append(str(GovernancePlan._meta.get_field(part).verbose_name))
    have = set(hazard.dual_reports.values_list("recipient", flat=True))
    for recipient in DualReport.Recipient:
        if recipient.value not in have:
            problems.append(_("the report to the %(who)s") % {"who": recipient.label})
    return problems


@transaction.atomic
def hazard_start_rectification(*, acting_user, hazard: HiddenHazard, deadline: datetime.date,
                               responsible_person: str) -> HiddenHazard:
    _require_write(acting_user, hazard)
    errors = {}
    if deadline is None:
        errors["deadline"] = _("A rectification deadline is required.")
    elif deadline < timezone.localdate():
        errors["deadline"] = _("The deadline cannot be in the past.")
    if not (responsible_person or "").strip():
        errors["responsible_person"] = _("Name the person responsible for the rectification.")
    if errors:
        raise ValidationError(errors)
    if hazard.is_major:
        missing = major_prerequisites(hazard)
        if missing:
            raise ValidationError(_("A major hazard needs before rectification: %(list)s.") % {
                "list": "、".join(missing)})
    hazard.deadline, hazard.responsible_person = deadline, responsible_person.strip()
    lifecycle.transition(hazard, "start_rectification", acting_user=acting_user,
                         changes={"deadline": [None, deadline.isoformat()],
                                  "responsible_person": [None, hazard.responsible_person]})
    return hazard


@transaction.atomic
def governance_plan_save(*, acting_user, hazard: HiddenHazard, **parts: str) -> GovernancePlan:
    _require_write(acting_user, hazard)
    if not hazard.is_major:
        raise ValidationError(_("The governance plan is for major hazards."))
    if hazard.state == State.CLOSED:
        raise ValidationError(_("The hazard is already closed."))
    if set(parts) - set(GovernancePlan.PARTS):
        raise ValidationError({f: _("Unknown field.") for f in set(parts) - set(GovernancePlan.PARTS)})
    plan = GovernancePlan.objects.filter(hazard=hazard).first() or GovernancePlan(hazard=hazard)
    changes = {}
    for part, text in parts.items():
        text = text or ""
        if getattr(plan, part) != text.strip():
            changes[part] = [bool(getattr(plan, part)), bool(text.strip())]
            setattr(plan, part, text.strip())
    plan.full_clean()
    plan._history_user = acting_user
    plan.save()
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.UPDATE, obj=plan, changes=changes)
    return plan


@transaction.atomic
def dual_report_record(*, acting_user, hazard: HiddenHazard, recipient: str, reported_on: datetime.date,
                       evidence: str, file=None) -> DualReport:
    _require_write(acting_user, hazard)
    if not hazard.is_major:
        raise ValidationError(_("The dual report is for major hazards."))
    if hazard.state == State.CLOSED:
        raise ValidationError(_("The hazard is already closed."))
    if recipient not in DualReport.Recipient.values:
        raise ValidationError({"recipient": _("Report to the regulator or to the workers' congress.")})
    if not (evidence or "").strip():
        raise ValidationError({"evidence": _("Give the evidence (document number, minutes, receipt).")})
    if reported_on is None:
        raise ValidationError({"reported_on": _("Give the date of the report.")})
    if reported_on > timezone.localdate():
        raise ValidationError({"reported_on": _("The date cannot be in the future.")})
    row, created = DualReport.objects.update_or_create(
        hazard=hazard, recipient=recipient,
        defaults={"reported_on": reported_on, "evidence": evidence.strip(), "recorded_by": acting_user})
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE if created else AuditEvent.Type.UPDATE,
                 obj=row, changes={"recipient": [None, recipient], "reported_on": [None, reported_on.isoformat()]})
    _attach_all(acting_user, row, [file] if file is not None else [])
    return row


@transaction.atomic
def hazard_submit_for_acceptance(*, acting_user, hazard: HiddenHazard, note: str, photos=()) -> HiddenHazard:
    """`photos` (uploaded files) become the after photos, in the same transaction."""
    _require_write(acting_user, hazard)
    if not (note or "").strip():
        raise ValidationError({"note": _("Describe what was done.")})
    hazard.rectifier, hazard.rectification_note = acting_user, note.strip()
    lifecycle.transition(hazard, "submit_for_acceptance", acting_user=acting_user, note=note)
    _attach_all(acting_user, hazard, photos)
    return hazard


@transaction.atomic
def hazard_accept(*, acting_user, hazard: HiddenHazard, passed: bool, note: str = "") -> HiddenHazard:
    if hazard.state != State.ACCEPTANCE:
        raise ValidationError(_("A hazard that is %(state)s cannot be accepted.") % {"state": hazard.get_state_display()})
    if acting_user.role in REGULATOR_ROLES:
        from emergency.core.scoping import can_view

        if not can_view(acting_user, hazard):
            raise NotAllowed(_("The hazard is outside your jurisdiction."))
    else:
        _require_write(acting_user, hazard)
    if hazard.rectifier_id == acting_user.pk:
        raise ValidationError(_("The person who rectified the hazard cannot accept it."))
    note = note or ""
    if not passed and not note.strip():
        raise ValidationError({"note": _("Say why the acceptance failed.")})
    Acceptance.objects.create(hazard=hazard, accepted_by=acting_user, passed=passed, note=note.strip())
    if passed:
        hazard.closed_at = timezone.now()
        hazard.overdue = False
        lifecycle.transition(hazard, "close", acting_user=acting_user, note=note,
                             changes={"acceptance": [None, "passed"]})
    else:
        lifecycle.transition(hazard, "reject", acting_user=acting_user, note=note,
                             changes={"acceptance": [None, "failed"]})
    return hazard


@transaction.atomic
def hazard_list_for_supervision(*, acting_user, hazard: HiddenHazard, deadline: datetime.date) -> HiddenHazard:
    """挂牌督办: the regulator lists a MAJOR hazard with its own deadline."""
    _require_regulator(acting_user)
    if acting_user.role not in BUREAU_ROLES:
        raise NotAllowed(_("Only the bureau lists hazards for supervision."))
    if not hazard.is_major:
        raise ValidationError(_("Only major hazards are listed for supervision."))
    if hazard.state == State.CLOSED:
        raise ValidationError(_("The hazard is already closed."))
    if deadline is None or deadline <= timezone.localdate():
        raise ValidationError({"deadline": _("The deadline must be in the future.")})
    before = (hazard.listed_supervision, hazard.listed_deadline)
    hazard.listed_supervision, hazard.listed_deadline, hazard.listed_by = True, deadline, acting_user
    hazard._history_user = acting_user
    hazard.save(update_fields=["listed_supervision", "listed_deadline", "listed_by", "updated_at"])
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.UPDATE, obj=hazard,
                 changes={"listed_supervision": [before[0], True],
                          "listed_deadline": [str(before[1]) if before[1] else None, deadline.isoformat()]})
    transaction.on_commit(lambda: _notify_enterprise(
        hazard, _("Listed for supervision (挂牌督办) until %(d)s: %(t)s") % {"d": deadline, "t": hazard.title}))
    return hazard


def _escalation_targets(hazard: HiddenHazard, level: int) -> list[User]:
    if level == HiddenHazard.Escalation.ENTERPRISE:
        return list(User.objects.filter(role=Role.ENTERPRISE, enterprise=hazard.enterprise_id, is_active=True))
    if level == HiddenHazard.Escalation.SUBDISTRICT:
        sub = hazard.enterprise.subdistrict
        return list(User.objects.filter(role=Role.SUBDISTRICT, division=sub, is_active=True)) if sub else []
    return list(User.objects.filter(role__in=BUREAU_ROLES, is_active=True))


@transaction.atomic
def hazards_mark_overdue(*, acting_user=actors.SYSTEM, today: datetime.date) -> dict:
    """Past-deadline hazards become overdue and climb the escalation steps of the rules table:
    enterprise, then subdistrict, then bureau. Not a state change (the hazard stays rectifying or awaiting
    acceptance), so no lifecycle transition: flags and an audit row. Run by the scheduler
    (`tasks.prevention_hourly` passes actors.SYSTEM); the default serves the demo seeding."""
    actors.require(acting_user)
    steps = rule_value("prevention.escalation_days")
    ladder = [(HiddenHazard.Escalation.ENTERPRISE, int(steps["enterprise"])),
              (HiddenHazard.Escalation.SUBDISTRICT, int(steps["subdistrict"])),
              (HiddenHazard.Escalation.BUREAU, int(steps["bureau"]))]
    marked = escalated = 0
    candidates = (HiddenHazard.objects.select_for_update(of=("self",)).select_related("enterprise__division")
                  .filter(state__in=[State.RECTIFYING, State.ACCEPTANCE], deadline__lt=today, archived_at__isnull=True))
    for hazard in candidates:
        changes = {}
        if not hazard.overdue:
            hazard.overdue, hazard.overdue_since = True, hazard.deadline + datetime.timedelta(days=1)
            changes["overdue"] = [False, True]
            marked += 1
        days_over = (today - hazard.deadline).days
        target = max((lvl for lvl, after in ladder if days_over > after), default=HiddenHazard.Escalation.NONE)
        if target > hazard.escalation:
            for level in range(hazard.escalation + 1, target + 1):
                users = _escalation_targets(hazard, level)
                if users:
                    notify(recipients=users, title=_("Overdue hidden hazard (%(days)d days): %(t)s") % {
                        "days": days_over, "t": hazard.title}, target=hazard, url=reverse("prevention:hazard_detail", args=[hazard.pk]))
            changes["escalation"] = [hazard.escalation, int(target)]
            hazard.escalation = target
            escalated += 1
        if changes:
            hazard._history_user = actors.user_or_none(acting_user)
            hazard.save(update_fields=["overdue", "overdue_since", "escalation", "updated_at"])
            audit_record(acting_user=acting_user, event_type=AuditEvent.Type.UPDATE, obj=hazard, changes=changes)
    return {"overdue": marked, "escalated": escalated}


def _notify_enterprise(hazard: HiddenHazard, title: str) -> None:
    users = _escalation_targets(hazard, HiddenHazard.Escalation.ENTERPRISE)
    if users:
        notify(recipients=users, title=title, target=hazard, url=reverse("prevention:hazard_detail", args=[hazard.pk]))


def _notify_regulators(hazard: HiddenHazard, title: str) -> None:
    users = (_escalation_targets(hazard, HiddenHazard.Escalation.SUBDISTRICT)
             + _escalation_targets(hazard, HiddenHazard.Escalation.BUREAU))
    if users:
        notify(recipients=users, title=title, target=hazard, url=reverse("prevention:hazard_detail", args=[hazard.pk]))
