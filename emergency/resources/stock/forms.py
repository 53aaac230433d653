"""Forms of the stock pages: the filters, the new warehouse, one form per ledger operation, the catalogue, and
the stock documents (a header and a set of line rows)."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from emergency.core.filters import parse_id
from emergency.core.forms import FastSelect
from emergency.core.models import Division

from ..shared.services import may_manage
from .models import Lot, StockDocument, StockMovement, SupplyCategory, SupplyItem, Warehouse

Reason = StockMovement.Reason


def _blank(choices):
    return [("", "—"), *choices]


def _quantity_field():
    return forms.DecimalField(label=_("Quantity"), max_digits=14, decimal_places=3, min_value=Decimal("0.001"))


class FilterForm(forms.Form):
    """A GET filter form of a list: `filters()` gives the valid, non-empty values; an invalid value is shown as
    an error and ignored."""

    def filters(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in (None, "")}


class WarehousePicker(forms.TextInput):
    """A text box with suggestions (an htmx request fills its <datalist> as the user types), because a district
    can hold tens of thousands of warehouses: a drop-down listing them all made the page take seconds."""

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "hx-trigger": "input changed delay:250ms, focus once",
                          "hx-swap": "innerHTML", "data-warehouse-picker": "", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        list_id = f'{widget_attrs.get("id") or name}-options'
        widget_attrs.update({"list": list_id, "hx-get": str(reverse_lazy("resources:warehouse_suggest")),
                             "hx-target": f"#{list_id}"})
        return context

    def render(self, name, value, attrs=None, renderer=None):
        from django.utils.html import format_html

        html = super().render(name, value, attrs, renderer)
        list_id = f'{(attrs or {}).get("id") or self.attrs.get("id") or name}-options'
        return format_html('{}<datalist id="{}"></datalist>', html, list_id)


class WarehouseChoiceField(forms.ModelChoiceField):
    """A warehouse typed or picked from the suggestions: "name · #id", the id alone, or a unique exact name."""

    widget = WarehousePicker
    ID_RE = re.compile(r"#\s*(\d+)\s*$")
    default_error_messages = {
        "invalid_choice": _("Pick a warehouse from the suggestions (type part of its name)."),
        "ambiguous": _("Several warehouses have this name: pick one from the suggestions."),
    }

    @staticmethod
    def display(warehouse) -> str:
        return f"{warehouse.name} · #{warehouse.pk}"

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Warehouse):
            value = value.pk
        text = str(value).strip()
        match = self.ID_RE.search(text) or re.fullmatch(r"(\d{1,12})", text)
        if match:
            found = list(self.queryset.filter(pk=int(match.group(1)))[:1])
        else:
            found = list(self.queryset.filter(name=text)[:2])
            if len(found) > 1:
                raise ValidationError(self.error_messages["ambiguous"], code="ambiguous")
        if not found:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return found[0]

    def prepare_value(self, value):
        if isinstance(value, Warehouse):
            return self.display(value)
        if parse_id(value) is not None:
            found = Warehouse.objects.filter(pk=parse_id(value)).only("pk", "name").first()
            return self.display(found) if found else value
        return value

    def has_changed(self, initial, data):
        return str(self.prepare_value(initial) or "") != str(data or "")


class WarehouseFilterForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), required=False, choices=_blank(Warehouse.Level.choices))
    subdistrict = forms.ModelChoiceField(label=_("Subdistrict"), required=False, queryset=Division.objects.filter(
        level=Division.Level.SUBDISTRICT, archived_at__isnull=True).order_by("code"))


class LedgerFilterForm(FilterForm):
    q = forms.CharField(label=_("Keyword"), required=False, max_length=100,
                        help_text=_("A word in the supply item's name, the lot number or the note."))
    warehouse = WarehouseChoiceField(label=_("Warehouse"), required=False, queryset=Warehouse.objects.none())
    item = forms.ModelChoiceField(label=_("Supply item"), required=False, queryset=SupplyItem.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=_blank(StockMovement.Kind.choices))
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, warehouses=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = warehouses if warehouses is not None else Warehouse.objects.none()
        self.fields["item"].queryset = SupplyItem.objects.filter(archived_at__isnull=True).order_by("name")



class WarehouseForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    level = forms.ChoiceField(label=_("Level"), choices=Warehouse.Level.choices)
    division = forms.ModelChoiceField(label=_("Division"), queryset=Division.objects.none())
    address = forms.CharField(label=_("Address"), max_length=300)
    latitude = forms.FloatField(label=_("Latitude (WGS-84)"), min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("Longitude (WGS-84)"), min_value=-180, max_value=180)
    keeper = forms.CharField(label=_("Keeper"), max_length=50)
    keeper_phone = forms.CharField(label=_("Keeper's phone"), max_length=30)

    def __init__(self, *args, divisions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if divisions is not None:
            self.fields["division"].queryset = divisions


class _LotForm(forms.Form):
    """An operation on one lot of this warehouse."""

    lot = forms.ModelChoiceField(label=_("Lot"), queryset=Lot.objects.none(), widget=FastSelect)

    def __init__(self, *args, lots=None, **kwargs):
        super().__init__(*args, **kwargs)
        if lots is not None:
            self.fields["lot"].queryset = lots
        self.fields["lot"].label_from_instance = lambda lot: (
            f"{lot.item.name} #{lot.lot_number} · {lot.balance.normalize():f} {lot.item.unit}"
            + (f" · {lot.expires_on:%Y-%m-%d}" if lot.expires_on else ""))


class ReceiptForm(forms.Form):
    item = forms.ModelChoiceField(label=_("Supply item"), queryset=SupplyItem.objects.none(), widget=FastSelect)
    quantity = _quantity_field()
    reason = forms.ChoiceField(label=_("Reason"), choices=[(Reason.PROCUREMENT, Reason.PROCUREMENT.label),
                                                            (Reason.DONATION, Reason.DONATION.label)])
    lot_number = forms.CharField(label=_("Lot number"), max_length=50)
    produced_on = forms.DateField(label=_("Produced on"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, lots=None, **kwargs):  # noqa: ARG002 - same signature as the other operations
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = SupplyItem.objects.filter(archived_at__isnull=True).order_by("name")


class IssueForm(forms.Form):
    item = forms.ModelChoiceField(label=_("Supply item"), queryset=SupplyItem.objects.none(), widget=FastSelect,
                                  help_text=_("Taken first-expiring-first from the lots in stock."))
    quantity = _quantity_field()
    reason = forms.ChoiceField(label=_("Issued to"), choices=[(Reason.INCIDENT, Reason.INCIDENT.label),
                                                               (Reason.SHELTER, Reason.SHELTER.label)])
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, lots=None, **kwargs):
        super().__init__(*args, **kwargs)
        items = SupplyItem.objects.filter(archived_at__isnull=True)
        if lots is not None:
            items = items.filter(pk__in=lots.values("item_id"))
        self.fields["item"].queryset = items.order_by("name")


class TransferForm(_LotForm):
    destination = WarehouseChoiceField(label=_("To warehouse"), queryset=Warehouse.objects.none())
    quantity = _quantity_field()

    def __init__(self, *args, destinations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if destinations is not None:
            self.fields["destination"].queryset = destinations


class ReturnForm(_LotForm):
    quantity = _quantity_field()
    note = forms.CharField(label=_("Returned from"), max_length=300)


class AdjustmentForm(_LotForm):
    quantity = _quantity_field()
    reason = forms.ChoiceField(label=_("Reason"), choices=[(r, r.label) for r in (
        Reason.LOST, Reason.FOUND, Reason.DAMAGED, Reason.EXPIRED)])
    note = forms.CharField(label=_("Explanation"), max_length=300)


class DisposalRequestForm(_LotForm):
    quantity = _quantity_field()
    reason = forms.CharField(label=_("Why it is scrapped"), max_length=300)


# --- the catalogue page --------------------------------------------------------------------------

class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Category"), max_length=100)
    parent = forms.ModelChoiceField(label=_("Under"), required=False,
                                    queryset=SupplyCategory.objects.filter(archived_at__isnull=True))


class ItemForm(forms.Form):
    name = forms.CharField(label=_("Supply item"), max_length=200)
    category = forms.ModelChoiceField(label=_("Category"),
                                      queryset=SupplyCategory.objects.filter(archived_at__isnull=True))
    unit = forms.CharField(label=_("Unit"), max_length=20)
    specification = forms.CharField(label=_("Specification"), max_length=200, required=False)
    shelf_life_days = forms.IntegerField(label=_("Shelf life (days)"), min_value=1, required=False)


class MinimumForm(forms.Form):
    warehouse = forms.ModelChoiceField(label=_("Warehouse"), queryset=Warehouse.objects.none())
    item = forms.ModelChoiceField(label=_("Supply item"),
                                  queryset=SupplyItem.objects.filter(archived_at__isnull=True))
    minimum = forms.DecimalField(label=_("Minimum stock"), min_value=0, max_digits=14, decimal_places=3)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [w.pk for w in Warehouse.objects.filter(archived_at__isnull=True).select_related("division")
               if may_manage(user, w)]
        self.fields["warehouse"].queryset = Warehouse.objects.filter(pk__in=ids)


# --- stock documents: the header and a set of line rows -------------------------------------------

Kind = StockDocument.Kind
# The reasons a document of each kind may give (the service checks the same table).
REASON_CHOICES = {
    Kind.PROCUREMENT: [(Reason.PROCUREMENT, Reason.PROCUREMENT.label), (Reason.DONATION, Reason.DONATION.label)],
    Kind.ISSUE: [(Reason.INCIDENT, Reason.INCIDENT.label), (Reason.SHELTER, Reason.SHELTER.label)],
    Kind.ALLOCATION: [(Reason.TRANSFER, Reason.TRANSFER.label)],
}
LINE_ROWS = 6


class DocumentFilterForm(FilterForm):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=_blank(Kind.choices))
    state = forms.ChoiceField(label=_("State"), required=False, choices=_blank(StockDocument.State.choices))
    warehouse = WarehouseChoiceField(label=_("Warehouse"), required=False, queryset=Warehouse.objects.none())

    def __init__(self, *args, warehouses=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = warehouses if warehouses is not None else Warehouse.objects.none()


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    warehouse = WarehouseChoiceField(label=_("Warehouse"), queryset=Warehouse.objects.none(),
                                     help_text=_("Procurement: the receiving warehouse; allocation and issue: the "
                                                 "warehouse the stock leaves."))
    destination = WarehouseChoiceField(label=_("Allocate to warehouse"), required=False,
                                       queryset=Warehouse.objects.none(), help_text=_("Allocation only."))
    reason = forms.ChoiceField(label=_("Reason"), choices=[c for choices in REASON_CHOICES.values() for c in choices])
    note = forms.CharField(label=_("Purpose"), max_length=300, required=False,
                           help_text=_("For an issue: the incident or shelter it goes to."))

    def __init__(self, *args, managed=None, destinations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = managed if managed is not None else Warehouse.objects.none()
        self.fields["destination"].queryset = (destinations if destinations is not None
                                               else Warehouse.objects.none())

    def clean(self):
        data = super().clean()
        kind, reason = data.get("kind"), data.get("reason")
        if kind and reason and reason not in dict(REASON_CHOICES[kind]):
            self.add_error("reason", _("This reason does not fit the document."))
        if kind == Kind.ALLOCATION:
            if not data.get("destination"):
                self.add_error("destination", _("Choose another warehouse to allocate to."))
            elif data.get("warehouse") and data["destination"].pk == data["warehouse"].pk:
                self.add_error("destination", _("Choose another warehouse to allocate to."))
        elif data.get("destination"):
            data["destination"] = None  # only an allocation has a destination
        return data


class LineForm(forms.Form):
    item = forms.ModelChoiceField(label=_("Supply item"), required=False, queryset=SupplyItem.objects.none(),
                                  widget=FastSelect)  # six rows, each listing the whole catalogue
    quantity = forms.DecimalField(label=_("Quantity"), required=False, max_digits=14, decimal_places=3,
                                  min_value=Decimal("0.001"))
    lot_number = forms.CharField(label=_("Lot number"), required=False, max_length=50,
                                 help_text=_("Procurement only."))
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items if items is not None else SupplyItem.objects.none()

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(data.get(k) not in (None, "") for k in ("item", "quantity", "lot_number", "expires_on"))

    def clean(self):
        data = super().clean()
        if self.is_blank():
            return data
        if not data.get("item") and "item" not in self.errors:
            self.add_error("item", _("Choose the supply item."))
        if data.get("quantity") is None and "quantity" not in self.errors:
            self.add_error("quantity", _("Enter a quantity above zero."))
        return data


class BaseLineFormSet(forms.BaseFormSet):
    def __init__(self, *args, kind: str = "", **kwargs):
        self.kind = kind
        super().__init__(*args, **kwargs)

    def clean(self):
        if any(self.errors):
            return
        filled = [f for f in self.forms if not f.is_blank()]
        if not filled:
            raise forms.ValidationError(_("Add at least one line."))
        if self.kind == Kind.PROCUREMENT:
            for f in filled:
                if not (f.cleaned_data.get("lot_number") or "").strip():
                    f.add_error("lot_number", _("Give the lot number."))
        if any(f.errors for f in filled):
            raise forms.ValidationError(_("Correct the lines marked below."))

    def lines(self) -> list[dict]:
        return [{k: f.cleaned_data.get(k) for k in ("item", "quantity", "lot_number", "expires_on")}
                for f in self.forms if not f.is_blank()]


LineFormSet = forms.formset_factory(LineForm, formset=BaseLineFormSet, extra=LINE_ROWS, max_num=50,
                                    validate_max=True)
