"""The stock ledger as .xlsx, streamed in flat memory (rows in chunks into an openpyxl write-only workbook
on a temporary file, served with FileResponse; the helper is `emergency.core.exports.stream_xlsx`)."""

from __future__ import annotations

from django.http import FileResponse
from django.utils.translation import gettext as _

from emergency.core.audit import audit_record
from emergency.core.exports import dated, stream_xlsx
from emergency.core.models import AuditEvent

from . import selectors
from .models import StockMovement

CHUNK = 2000


def stock_ledger_export(*, user, filters: dict, query) -> FileResponse:
    qs = selectors.stock_ledger(user=user, **filters)
    kinds = {v: str(label) for v, label in StockMovement.Kind.choices}
    reasons = {v: str(label) for v, label in StockMovement.Reason.choices}
    headers = [_("Time"), _("Warehouse"), _("Supply item"), _("Specification"), _("Unit"),
               _("Lot number"), _("Expires on"), _("Kind"), _("Reason"), _("Quantity"), _("Balance after"),
               _("Note"), _("By")]
    fields = ("created_at", "lot__warehouse__name", "lot__item__name", "lot__item__specification",
              "lot__item__unit", "lot__lot_number", "lot__expires_on", "kind", "reason", "quantity", "balance_after",
              "note", "created_by__full_name")

    def rows():
        for (at, wh, item, spec, unit, lot, expires, kind, reason, quantity, after, note,
             by) in qs.values_list(*fields).iterator(chunk_size=CHUNK):
            yield (at, wh, item, spec, unit, lot, expires, kinds.get(kind, kind), reasons.get(reason, reason),
                   quantity, after, note, by)

    response, n = stream_xlsx(title=_("Stock ledger"), headers=headers, rows=rows(),
                              filename=dated(_("Stock ledger"), "xlsx"), fallback=dated("stock-ledger", "xlsx"))
    audit_record(acting_user=user, event_type=AuditEvent.Type.EXPORT, object_type=StockMovement._meta.label,
                 object_repr=_("Stock ledger"), changes={"filters": query.urlencode(), "rows": n})
    return response
