"""The shelter, warehouse and agreement-reserve registers as .xlsx, streamed (`emergency.core.exports.stream_xlsx`)
with the list page's filters (the equipment export, views_teams.equipment_export, shares `export_register`). The
columns are the import's (`imports.ShelterImport` / `WarehouseImport` / `ReserveImport`), so an exported register
can be edited and imported again, followed by read-only computed columns that the import ignores."""

from __future__ import annotations

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from emergency.core.audit import audit_record
from emergency.core.exports import stream_xlsx
from emergency.core.models import AuditEvent
from emergency.core.scoping import scope_queryset

from . import selectors_map, selectors_stock, services
from .access import resources_required
from .forms_stock import WarehouseFilterForm
from .forms_teams import ReserveFilter
from .imports import (
    ReserveImport,
    ShelterImport,
    WarehouseImport,
    reserve_values,
    shelter_values,
    warehouse_values,
)
from .models import Shelter, Warehouse
from .models_teams import ReserveAgreement, ReserveLine

CHUNK = 500


def export_register(request, *, title: str, filename: str, headers, rows, model) -> FileResponse:
    """Stream the rows as `<filename>-<date>.xlsx` and audit the export (filters and row count)."""
    response, n = stream_xlsx(title=title, headers=headers, rows=rows,
                              filename=f"{filename}-{timezone.localdate():%Y%m%d}.xlsx")
    audit_record(acting_user=request.user, event_type=AuditEvent.Type.EXPORT, object_type=model._meta.label,
                 object_repr=title, changes={"filters": request.GET.urlencode(), "rows": n})
    return response


@require_GET
@resources_required
def shelter_export(request):
    """The shelter list's rows (filters `status`, `q`), with capacity, occupancy, available places and status."""
    qs = selectors_map.shelter_list(request.user, request.GET)
    per_person = services.area_per_person_table()

    def rows():
        for shelter in qs.iterator(chunk_size=CHUNK):
            selectors_map.add_capacity((shelter,), per_person)
            yield [*shelter_values(shelter), shelter.capacity, shelter.occupancy or 0, shelter.available,
                   shelter.get_status_display()]

    return export_register(request, title=_("Shelters"), filename="shelters", headers=ShelterImport().export_headers(),
                   rows=rows(), model=Shelter)


def _with_counts(chunk: list[Warehouse]):
    """One query per chunk for the stock counts (as the list page does per page)."""
    for warehouse in selectors_stock.add_stock_counts(chunk) if chunk else ():
        yield [*warehouse_values(warehouse), warehouse.item_count]


@require_GET
@resources_required
def warehouse_export(request):
    """The warehouse list's rows (filters `level`, `subdistrict`), with the number of items in stock."""
    form = WarehouseFilterForm(request.GET or None)
    level, subdistrict = "", None
    if form.is_bound and form.is_valid():
        level, subdistrict = form.cleaned_data["level"], form.cleaned_data["subdistrict"]
    qs = selectors_stock.warehouse_list(user=request.user, level=level, subdistrict=subdistrict)

    def rows():
        chunk: list[Warehouse] = []
        for warehouse in qs.iterator(chunk_size=CHUNK):
            chunk.append(warehouse)
            if len(chunk) == CHUNK:
                yield from _with_counts(chunk)
                chunk = []
        yield from _with_counts(chunk)

    return export_register(request, title=_("Warehouses"), filename="warehouses", headers=WarehouseImport().export_headers(),
                   rows=rows(), model=Warehouse)


@require_GET
@resources_required
def reserve_export(request):
    """The agreement list's contracts (filters `q`, `valid`, `item`), one row per line. A contract that matches is
    exported with all its lines (the `item` filter picks contracts, as on the list), so it imports again whole."""
    agreements = ReserveFilter(request.GET, scope_queryset(
        request.user, ReserveAgreement.objects.filter(archived_at__isnull=True))).qs
    lines = (ReserveLine.objects.filter(archived_at__isnull=True, agreement__in=agreements.values("pk"))
             .select_related("agreement__enterprise", "agreement__warehouse", "item")
             .order_by("-agreement__valid_until", "agreement__contract_number", "pk"))
    return export_register(request, title=_("Agreement reserves"), filename="agreement-reserves",
                           headers=ReserveImport().export_headers(),
                           rows=(reserve_values(line) for line in lines.iterator(chunk_size=CHUNK)),
                           model=ReserveAgreement)
