"""The warehouse register import (`warehouses`), and the warehouse look-up that the equipment and
agreement-reserve imports share. The export (`views.warehouse_export`) uses the same columns, then the number
of items in stock."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from emergency.core.imports.registry import Column, ImportContext, register_spec
from emergency.core.models import Division

from ..shared.imports import ADMIN_LEVEL_ZH, RegisterImport, choice_table, load_divisions, lookup_key
from . import services
from .forms import WarehouseChoiceField
from .models import Warehouse

WAREHOUSE_LEVEL_ZH = {**ADMIN_LEVEL_ZH, "企业": "enterprise", "企业储备": "enterprise", "企业代储": "enterprise"}


def warehouse_values(w: Warehouse, *, division_text: str | None = None) -> list[Any]:
    """The importable columns of a warehouse, in WarehouseImport.columns order."""
    division = division_text if division_text is not None else f"{w.division.code} {w.division.name}"
    return [w.name, w.get_level_display(), division, w.address, w.latitude, w.longitude, w.keeper, w.keeper_phone]


class WarehouseImport(RegisterImport):
    name = "warehouses"
    model = Warehouse
    values_of = staticmethod(warehouse_values)
    create_service = staticmethod(services.warehouse_create)
    title = gettext_lazy("Warehouses")
    list_url_name = "resources:warehouse_list"
    columns = (
        Column("name", gettext_lazy("Name"), ("储备库名称", "仓库名称", "名称")),
        Column("level", gettext_lazy("Level"), ("层级", "级别")),
        Column("division", gettext_lazy("District, subdistrict or community"), ("所在区/街道/社区", "行政区划",
                                                                                 "所在街道/社区", "所在街道")),
        Column("address", gettext_lazy("Address"), ("地址", "详细地址")),
        Column("latitude", gettext_lazy("Latitude (WGS-84)"), ("纬度", "Latitude")),
        Column("longitude", gettext_lazy("Longitude (WGS-84)"), ("经度", "Longitude")),
        Column("keeper", gettext_lazy("Keeper"), ("保管人", "库管员")),
        Column("keeper_phone", gettext_lazy("Keeper's phone"), ("保管人电话", "库管员电话", "联系电话")),
    )
    readonly_columns = (
        Column("item_count", gettext_lazy("Items in stock"), ("在库物资", "在库物资品种数")),
    )

    def prepare(self, context: ImportContext) -> None:
        load_divisions(context, (Division.Level.DISTRICT, Division.Level.SUBDISTRICT,
                                 Division.Level.COMMUNITY))
        context.state.update(
            levels=choice_table(Warehouse.Level.choices, WAREHOUSE_LEVEL_ZH),
            known={(lookup_key(n), d) for n, d in Warehouse.objects.filter(archived_at__isnull=True)
                   .values_list("name", "division_id")},
            seen=set(),
        )

    def clean_row(self, values: dict[str, Any], context: ImportContext) -> dict[str, Any]:
        problems: list[str] = []
        state = context.state
        cleaned: dict[str, Any] = {
            "name": self._text(values, "name", 200, problems, required=True),
            "level": self._choice(values.get("level"), state["levels"], problems, key="level", default=None),
            "division": self._division(values.get("division"), context, problems),
            "address": self._text(values, "address", 300, problems, required=True),
            "keeper": self._text(values, "keeper", 50, problems, required=True),
            "keeper_phone": self._phone(values, "keeper_phone", problems, required=True, placeholder=True),
        }
        cleaned["latitude"], cleaned["longitude"] = self._required_location(values, problems)
        return self._finish(cleaned, context, problems, _("A warehouse called %(name)s is already registered in "
                                                          "%(division)s; an import only adds new warehouses."))


register_spec(WarehouseImport())


def warehouse_text(w: Warehouse) -> str:
    """A warehouse as the exports write it and the warehouse pickers read it ("name · #id")."""
    return WarehouseChoiceField.display(w)


class LookupImport(RegisterImport):
    """Look-ups by name for rows that point at existing records (the equipment and agreement-reserve
    registers), cached per distinct cell text (a file names the same warehouse on many rows)."""

    def _one(self, found: list, text: str, key: str, problems: list[str], *, missing: str, several: str):
        """The one record found, else the message (`missing` or `several`, with %(column)s and %(value)s)."""
        if len(found) == 1:
            return found[0]
        problems.append((missing if not found else several) % {"column": self._label(key), "value": text})
        return None

    def _warehouse(self, text: str, context: ImportContext, problems: list[str], *, key: str) -> Warehouse | None:
        """A live warehouse given as "name · #id", its id, or its unique exact name (as WarehouseChoiceField)."""
        cache = context.state.setdefault("warehouses", {})
        if text not in cache:
            qs = Warehouse.objects.filter(archived_at__isnull=True).select_related("division")
            match = WarehouseChoiceField.ID_RE.search(text) or re.fullmatch(r"(\d{1,12})", text)
            cache[text] = list(qs.filter(pk=int(match.group(1)))[:1] if match else qs.filter(name=text)[:2])
        return self._one(cache[text], text, key, problems,
                         missing=_("%(column)s: no warehouse in use is “%(value)s” (give it as exported: name · #id)."),
                         several=_("%(column)s: several warehouses are called “%(value)s”; give it as “name · #id”."))
