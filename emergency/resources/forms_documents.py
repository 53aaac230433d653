"""Forms of the procurement / allocation / issue documents: the header and a set of line rows."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from emergency.core.forms import FastSelect

from .forms_stock import FilterForm, WarehouseChoiceField, _blank
from .models import StockMovement, SupplyItem, Warehouse
from .models_documents import StockDocument

Reason = StockMovement.Reason
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
