"""Ledger (台账) exports, streamed in flat memory.

Rows come from the database in chunks (`values_list(...).iterator(chunk_size=2000)`: one query per
chunk, no per-row query) and go straight into an openpyxl write-only workbook, which writes each row
to a temporary file as it is appended (inline strings, no shared-string table). The finished file is
served from disk with FileResponse, so memory does not grow with the number of rows.
"""

from __future__ import annotations

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from emergency.core.audit import audit_record
from emergency.core.exports import dated, stream_xlsx
from emergency.core.models import AuditEvent
from emergency.enterprises.models import Industry

from . import selectors
from .models import ControlLevel, HiddenHazard, RiskLevel, RiskPoint

CHUNK = 2000


def _labels(choices) -> dict:
    """Choice labels translated once (openpyxl writes plain str, not lazy strings)."""
    return {value: str(label) for value, label in choices}


def _yes(flag: bool) -> str:
    return _("Yes") if flag else ""


def hazard_ledger_export(*, user, filters) -> FileResponse:
    _f, qs = selectors.hazard_ledger(user=user, filters=filters)
    _subs, index = selectors.subdistricts_for(user)
    industries, states = _labels(Industry.choices), _labels(HiddenHazard.State.choices)
    classes = _labels(HiddenHazard.HazardClass.choices)
    headers = [_("Found on"), _("Enterprise"), _("Subdistrict"), _("Industry"), _("Risk point"),
               _("Hidden hazard"), _("Location"), _("Class"), _("State"), _("Rectification deadline"), _("Overdue"),
               _("Person responsible"), _("Found by regulator"), _("Listed supervision"),
               _("Listed supervision deadline"), _("Closed at")]
    fields = ("created_at", "enterprise__name", "enterprise__division_id", "enterprise__industry",
              "risk_point__name", "title", "location", "hazard_class", "state", "deadline", "overdue",
              "responsible_person", "found_by_regulator", "listed_supervision", "listed_deadline", "closed_at")
    closed = HiddenHazard.State.CLOSED

    def rows():
        for (created, ent, division_id, industry, point, title, location, klass, state, deadline, overdue,
             person, by_regulator, listed, listed_deadline, closed_at) in qs.values_list(*fields).iterator(
                chunk_size=CHUNK):
            yield (timezone.localdate(created), ent, index.get(division_id, selectors.UNPLACED).name,
                   industries.get(industry, industry), point or "", title, location, classes.get(klass, ""),
                   states.get(state, state), deadline, _yes(overdue and state != closed), person,
                   _yes(by_regulator), _yes(listed), listed_deadline, closed_at)

    response, n = stream_xlsx(title=_("Hidden hazard ledger"), headers=headers, rows=rows(),
                              filename=dated(_("Hidden hazard ledger"), "xlsx"),
                              fallback=dated("hidden-hazards", "xlsx"))
    audit_record(acting_user=user, event_type=AuditEvent.Type.EXPORT, object_type=HiddenHazard._meta.label,
                 object_repr=_("Hidden hazard ledger"), changes={"filters": filters.urlencode(), "rows": n})
    return response


def risk_point_ledger_export(*, user, filters) -> FileResponse:
    _f, qs = selectors.risk_point_ledger(user=user, filters=filters)
    _subs, index = selectors.subdistricts_for(user)
    industries, kinds = _labels(Industry.choices), _labels(RiskPoint.Kind.choices)
    controls, levels = _labels(ControlLevel.choices), _labels(RiskLevel.choices)
    headers = [_("Enterprise"), _("Subdistrict"), _("Industry"), _("Risk point"), _("Kind"), _("Location"),
               _("Control level"), _("Person responsible"), _("Risk level"), _("Colour"), _("Registered on")]
    fields = ("enterprise__name", "enterprise__division_id", "enterprise__industry", "name", "kind",
              "location", "control_level", "responsible_person", "current_level", "created_at")

    def rows():
        for ent, division_id, industry, name, kind, location, control, person, level, created in (
                qs.values_list(*fields).iterator(chunk_size=CHUNK)):
            yield (ent, index.get(division_id, selectors.UNPLACED).name, industries.get(industry, industry),
                   name, kinds.get(kind, kind), location, controls.get(control, control), person,
                   levels.get(level, _("Not assessed")), str(selectors.COLOUR_LABELS[level]) if level else "",
                   timezone.localdate(created))

    response, n = stream_xlsx(title=_("Risk point ledger"), headers=headers, rows=rows(),
                              filename=dated(_("Risk point ledger"), "xlsx"), fallback=dated("risk-points", "xlsx"))
    audit_record(acting_user=user, event_type=AuditEvent.Type.EXPORT, object_type=RiskPoint._meta.label,
                 object_repr=_("Risk point ledger"), changes={"filters": filters.urlencode(), "rows": n})
    return response
