"""The agreement-reserve register import (`reserves`). An agreement (协议储备) takes one row per line: the rows
with the same contract number form one contract, whose contract columns must agree, and the contract is
created with all its lines by one `services.reserve_create` call. The export (`views.reserve_export`) writes
the same columns, one row per line, so it imports again whole."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from emergency.core.imports.registry import (
    Column,
    ImportContext,
    ImportRowsFailed,
    RowError,
    cell_int,
    cell_text,
    reason_of,
    register_spec,
)
from emergency.enterprises.models import Enterprise, validate_credit_code

from ..shared.services import is_bureau
from ..stock.imports import LookupImport, warehouse_text
from ..stock.models import SupplyItem
from ..stock.services import parse_quantity
from . import services
from .models import ReserveAgreement, ReserveLine

MAX_DELIVERY_HOURS = 10_000  # as the reserve form
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d", "%Y-%m-%d %H:%M:%S")
# The contract columns: every row of one contract must give the same values.
CONTRACT_KEYS = ("contract_number", "supplier_name", "credit_code", "valid_from", "valid_until", "delivery_hours",
                 "contact_name", "contact_phone", "note", "warehouse")
LINE_KEYS = ("item", "quantity", "capacity_note")


class ReserveImport(LookupImport):
    name = "reserves"
    title = gettext_lazy("Agreement reserves")
    list_url_name = "resources:reserve_list"
    columns = (
        Column("contract_number", gettext_lazy("Contract number"), ("合同编号", "协议编号", "合同号")),
        Column("supplier_name", gettext_lazy("Supplier"), ("协议企业", "供应商", "供货单位", "企业名称")),
        Column("credit_code", gettext_lazy("Supplier credit code"), ("统一社会信用代码", "信用代码",
                                                                      "供应商信用代码"), required=False),
        Column("valid_from", gettext_lazy("Valid from"), ("生效日期", "起始日期", "开始日期")),
        Column("valid_until", gettext_lazy("Valid until"), ("截止日期", "到期日期", "终止日期", "有效期至")),
        Column("delivery_hours", gettext_lazy("Delivery promise (hours)"), ("供货时限（小时）", "供货时限",
                                                                             "响应时间（小时）")),
        Column("contact_name", gettext_lazy("Contact person"), ("联系人",)),
        Column("contact_phone", gettext_lazy("Contact phone"), ("联系电话", "电话")),
        Column("note", gettext_lazy("Note"), ("备注",), required=False),
        Column("warehouse", gettext_lazy("Counted at / delivered to warehouse"), ("计入储备库", "交付储备库", "储备库"),
               required=False),
        Column("item", gettext_lazy("Supply item"), ("物资", "物资名称", "品名")),
        Column("quantity", gettext_lazy("Quantity"), ("数量", "储备数量")),
        Column("capacity_note", gettext_lazy("Capacity note"), ("供货能力说明", "供货能力"), required=False),
    )

    def who_may_import(self, user) -> bool:
        return is_bureau(user)  # as reserve_create

    def prepare(self, context: ImportContext) -> None:
        by_name: dict[str, list[SupplyItem]] = {}
        by_text: dict[str, SupplyItem] = {}
        for item in SupplyItem.objects.filter(archived_at__isnull=True):
            by_name.setdefault(item.name.strip(), []).append(item)
            by_text[str(item)] = item
        context.state.update(
            items_by_name=by_name, items_by_text=by_text, enterprises={}, warehouses={}, contracts={},
            registered=set(ReserveAgreement.objects.values_list("contract_number", flat=True)),
        )

    # Cells --------------------------------------------------------------------------------------

    def _date(self, values, key: str, problems: list[str]) -> datetime.date | None:
        raw = values.get(key)
        if isinstance(raw, datetime.datetime):
            return raw.date()
        if isinstance(raw, datetime.date):
            return raw
        text = cell_text(raw)
        if not text:
            self._empty(key, problems)
            return None
        for fmt in DATE_FORMATS:
            try:
                return datetime.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        problems.append(_("%(column)s must be a date such as 2026-07-01, not “%(value)s”.") % {
            "column": self._label(key), "value": text})
        return None

    def _hours(self, values, problems: list[str]) -> int | None:
        label = self._label("delivery_hours")
        try:
            hours = cell_int(values.get("delivery_hours"), label=label, minimum=1)
        except RowError as exc:
            problems.extend(exc.reasons)
            return None
        if hours is None:
            self._empty("delivery_hours", problems)
        elif hours > MAX_DELIVERY_HOURS:
            problems.append(_("%(column)s must be at most %(max)s.") % {"column": label, "max": MAX_DELIVERY_HOURS})
            return None
        return hours

    def _enterprise(self, values, context: ImportContext, problems: list[str]) -> tuple[str, Enterprise | None]:
        """The registered supplier, by credit code; a well-formed code that is not registered links nothing."""
        code = "".join(cell_text(values.get("credit_code")).split()).upper()
        if not code:
            return "", None
        try:
            validate_credit_code(code)
        except ValidationError as exc:
            problems.append(_("Credit code %(code)s: %(reason)s") % {"code": code, "reason": " ".join(exc.messages)})
            return code, None
        cache = context.state["enterprises"]
        if code not in cache:
            cache[code] = Enterprise.objects.filter(archived_at__isnull=True, credit_code=code).first()
        return code, cache[code]

    def _item(self, values, context: ImportContext, problems: list[str]) -> SupplyItem | None:
        text = cell_text(values.get("item"))
        if not text:
            self._empty("item", problems)
            return None
        item = context.state["items_by_text"].get(text)  # "name（specification）", as exported
        if item is not None:
            return item
        return self._one(context.state["items_by_name"].get(text, []), text, "item", problems,
                         missing=_("%(column)s: the catalogue has no supply item “%(value)s”."),
                         several=_("%(column)s: several supply items are called “%(value)s”; give it as "
                                   "“name（specification）”."))

    def _quantity(self, values, problems: list[str]) -> Decimal | None:
        label = self._label("quantity")
        text = cell_text(values.get("quantity")).replace(",", "").replace("，", "")
        if not text:
            self._empty("quantity", problems)
            return None
        try:
            return parse_quantity(text)
        except ValidationError as exc:
            problems.append(_("%(column)s “%(value)s”: %(reason)s") % {
                "column": label, "value": text, "reason": " ".join(exc.messages)})
            return None

    # Rows ---------------------------------------------------------------------------------------

    def _contract(self, values, context: ImportContext, problems: list[str]) -> tuple[dict[str, Any], dict]:
        """The contract columns, cleaned, and their comparable forms (a bad cell compares as typed)."""
        code, enterprise = self._enterprise(values, context, problems)
        where = cell_text(values.get("warehouse"))
        data: dict[str, Any] = {
            "contract_number": self._text(values, "contract_number", 50, problems, required=True),
            "supplier_name": self._text(values, "supplier_name", 200, problems, required=enterprise is None),
            "enterprise": enterprise,
            "valid_from": self._date(values, "valid_from", problems),
            "valid_until": self._date(values, "valid_until", problems),
            "delivery_hours": self._hours(values, problems),
            "contact_name": self._text(values, "contact_name", 50, problems, required=True),
            "contact_phone": self._phone(values, "contact_phone", problems, required=True),
            "note": self._text(values, "note", 300, problems, required=False),
            "warehouse": self._warehouse(where, context, problems, key="warehouse") if where else None,
        }
        if data["valid_from"] and data["valid_until"] and data["valid_until"] < data["valid_from"]:
            problems.append(_("%(until)s %(end)s is before %(from)s %(start)s.") % {
                "until": self._label("valid_until"), "end": data["valid_until"].isoformat(),
                "from": self._label("valid_from"), "start": data["valid_from"].isoformat()})
        same = {key: cell_text(values.get(key)) for key in CONTRACT_KEYS}
        for key in ("valid_from", "valid_until", "delivery_hours", "warehouse"):
            if data[key] is not None:
                same[key] = data[key].pk if key == "warehouse" else data[key]
        same["credit_code"] = code
        return data, same

    def _agrees(self, number: str, same: dict, context: ImportContext, problems: list[str]) -> None:
        """The contract columns against the contract's first row in the file."""
        first = context.state["contracts"].setdefault(number, {"same": same, "items": set()})["same"]
        if first is same:
            return
        for key in CONTRACT_KEYS:
            if first[key] != same[key]:
                problems.append(_("%(column)s “%(value)s” differs from the first row of contract %(contract)s "
                                  "(“%(first)s”); the rows of one contract must agree.") % {
                    "column": self._label(key), "value": cell_text(same[key]), "contract": number,
                    "first": cell_text(first[key])})

    def clean_row(self, values: dict[str, Any], context: ImportContext) -> dict[str, Any]:
        problems: list[str] = []
        data, same = self._contract(values, context, problems)
        number = data["contract_number"]
        if number and number in context.state["registered"]:
            problems.append(_("Contract %(contract)s is already registered; an import only adds new contracts.")
                            % {"contract": number})
        elif number:
            self._agrees(number, same, context, problems)
        cleaned = {
            **data,
            "item": self._item(values, context, problems),
            "quantity": self._quantity(values, problems),
            "capacity_note": self._text(values, "capacity_note", 300, problems, required=False),
        }
        if number and cleaned["item"] is not None and number not in context.state["registered"]:
            items = context.state["contracts"][number]["items"]
            if cleaned["item"].pk in items:
                problems.append(_("%(item)s is already listed for contract %(contract)s in an earlier row.") % {
                    "item": cleaned["item"], "contract": number})
            items.add(cleaned["item"].pk)
        if problems:
            raise RowError(*problems)
        return cleaned

    def display_row(self, cleaned: dict[str, Any]) -> list[str]:
        agreement = ReserveAgreement(**{k: cleaned[k] for k in services.RESERVE_FIELDS})
        if agreement.enterprise_id and not agreement.supplier_name:
            agreement.supplier_name = agreement.enterprise.name
        line = ReserveLine(agreement=agreement, **{k: cleaned[k] for k in LINE_KEYS})
        return [cell_text(v) for v in reserve_values(line)]

    def commit(self, rows: Iterable[tuple[int, dict[str, Any]]], acting_user, *,
               context: ImportContext | None = None, progress=None) -> int:
        """One reserve_create per contract (all its rows); an error lands on the contract's first line."""
        context = context or ImportContext(user=acting_user)
        contracts: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        for line, cleaned in rows:
            contracts.setdefault(cleaned["contract_number"], []).append((line, cleaned))
        errors, done = [], 0
        for members in contracts.values():
            try:
                with transaction.atomic():
                    self.commit_row([cleaned for _line, cleaned in members], acting_user, context)
            except (RowError, ValidationError, IntegrityError) as exc:
                errors.append({"line": members[0][0], "reason": reason_of(exc)})
            done += len(members)
            if progress is not None:
                progress(done)
        if errors:
            raise ImportRowsFailed(errors)
        return done

    def commit_row(self, cleaned: list[dict[str, Any]], acting_user, context: ImportContext) -> ReserveAgreement:
        """Create one contract from all its rows (`cleaned` is the list of the contract's cleaned rows)."""
        data = {k: cleaned[0][k] for k in services.RESERVE_FIELDS}
        lines = [{k: row[k] for k in LINE_KEYS} for row in cleaned]
        return self._create(services.reserve_create, acting_user, lines=lines, **data)


def reserve_values(line: ReserveLine) -> list[Any]:
    """One agreement line with its contract's columns, in ReserveImport.columns order. Needs the agreement (with
    enterprise and warehouse) and the item loaded."""
    a = line.agreement
    return [a.contract_number, a.supplier_name, a.enterprise.credit_code if a.enterprise_id else "", a.valid_from,
            a.valid_until, a.delivery_hours, a.contact_name, a.contact_phone, a.note,
            warehouse_text(a.warehouse) if a.warehouse_id else "", str(line.item), line.quantity, line.capacity_note]


register_spec(ReserveImport())
