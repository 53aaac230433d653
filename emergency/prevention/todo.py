"""Dual prevention's to-dos on the home page (registered by apps.PreventionConfig).

An enterprise: its hidden hazards to register, being rectified and awaiting acceptance, and the inspections
open today; a regulator: the hazards awaiting acceptance in its area (a regulator may accept) and, for the
bureau, the major hazards under listed supervision; everyone the overdue ones. One aggregate query for the
hazards and one for the inspections (plus scoping's), however many rows there are."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from emergency.core import scoping
from emergency.core.registry import TodoEntry
from emergency.core.roles import BUREAU_ROLES, Role

from .models import HiddenHazard, InspectionTask

State = HiddenHazard.State


def prevention_todos(user) -> list[TodoEntry]:
    if not scoping.may_read(user, HiddenHazard):
        return []
    # Every count is of hazards not closed yet: reading only those (the state index) keeps the query small when
    # the district's history holds hundreds of thousands of closed ones. A hazard's scope joins only to-one
    # relations (its enterprise), so a plain COUNT counts each once.
    hazards = scoping.scope_queryset(user, HiddenHazard.objects.filter(archived_at__isnull=True).exclude(
        state=State.CLOSED))
    counts = hazards.aggregate(
        identified=Count("pk", filter=Q(state=State.IDENTIFIED)),
        rectifying=Count("pk", filter=Q(state=State.RECTIFYING)),
        acceptance=Count("pk", filter=Q(state=State.ACCEPTANCE)),
        overdue=Count("pk", filter=Q(overdue=True)),
        listed=Count("pk", filter=Q(listed_supervision=True)),
    )
    url = reverse("prevention:hazard_list")
    entries = []
    if user.role == Role.ENTERPRISE:
        entries += [
            TodoEntry(_("Hidden hazards to register"), counts["identified"], f"{url}?state=identified", "info"),
            TodoEntry(_("Hidden hazards being rectified"), counts["rectifying"], f"{url}?state=rectifying", "info"),
        ]
    entries += [
        TodoEntry(_("Hidden hazards awaiting acceptance"), counts["acceptance"], f"{url}?state=acceptance", "warning"),
        TodoEntry(_("Overdue hidden hazards"), counts["overdue"], f"{url}?overdue=yes", "danger"),
    ]
    if user.role in BUREAU_ROLES:
        entries.append(TodoEntry(_("Major hidden hazards under listed supervision"), counts["listed"],
                                 f"{url}?listed_supervision=yes", "warning"))
    if user.role == Role.ENTERPRISE:
        # The windows open now or opening later today that nobody has checked yet: the enterprise's own rounds.
        now = timezone.now()
        end_of_day = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.max))
        open_today = scoping.scope_queryset(user, InspectionTask.objects.filter(
            archived_at__isnull=True, state=InspectionTask.State.PENDING, due_from__lte=end_of_day,
            due_until__gt=now)).count()
        entries.append(TodoEntry(_("Inspections to do today"), open_today, reverse("prevention:risk_point_list"),
                                 "info"))
    return entries


def prevention_panels(user) -> list:
    """The district picture of dual prevention on the bureau's workbench (a subdistrict's shows its own area):
    open hidden hazards by level, and overdue ones by subdistrict, each row opening the filtered ledger. Two
    queries (the hazard groups and the division tree), whatever the number of hazards."""
    from emergency.core.registry import Panel, PanelRow

    from .selectors import NONE, UNPLACED, hazard_groups, subdistricts_for

    if user.role not in BUREAU_ROLES and user.role != Role.SUBDISTRICT:
        return []
    subs, index = subdistricts_for(user)
    open_by_class: dict[str, int] = {}
    overdue_by_sub: dict = {}
    for row in hazard_groups(user):
        key = row["hazard_class"] or NONE
        open_by_class[key] = open_by_class.get(key, 0) + row["found"] - row["closed"]
        sub = index.get(row["enterprise__division_id"], UNPLACED)
        overdue_by_sub[sub] = overdue_by_sub.get(sub, 0) + row["overdue"]
    ledger = reverse("prevention:ledger_hazards")
    labels = {**dict(HiddenHazard.HazardClass.choices), NONE: _("Not classed yet")}
    by_level = tuple(PanelRow(labels[key], open_by_class.get(key, 0), f"{ledger}?hazard_class={key}&still_open=yes")
                     for key in (HiddenHazard.HazardClass.MAJOR, HiddenHazard.HazardClass.GENERAL, NONE))
    by_sub = tuple(PanelRow(s.name, overdue_by_sub.get(s, 0), f"{ledger}?subdistrict={s.pk}&overdue=yes")
                   for s in subs if overdue_by_sub.get(s, 0))
    return [
        Panel("hazards_by_level", _("Open hidden hazards by level"), by_level, ledger),
        Panel("overdue_by_subdistrict", _("Overdue hidden hazards by subdistrict"), by_sub,
              f"{ledger}?overdue=yes", empty=_("No overdue hidden hazards.")),
    ]
