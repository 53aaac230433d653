"""Forms and the list filter of the agreement reserves. Forms only parse; services decide."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from emergency.core.filters import IdChoiceFilter
from emergency.enterprises.models import Enterprise

from ..stock.forms import WarehouseChoiceField
from ..stock.models import SupplyItem, Warehouse
from ..teams.forms import DATE, YES_NO
from .models import ReserveAgreement


class ReserveForm(forms.Form):
    contract_number = forms.CharField(label=_("Contract number"), max_length=50)
    enterprise = forms.ModelChoiceField(label=_("Supplier (registered enterprise)"), required=False,
                                        queryset=Enterprise.objects.filter(archived_at__isnull=True))
    supplier_name = forms.CharField(label=_("Supplier"), max_length=200, required=False,
                                    help_text=_("Leave empty to use the registered enterprise's name."))
    warehouse = WarehouseChoiceField(
        label=_("Counted at / delivered to warehouse"), required=False, queryset=Warehouse.objects.none(),
        help_text=_("The reserved supplies count towards this warehouse's available stock (marked as agreement "
                    "stock). Leave empty to place them at the supplier."))
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE)
    delivery_hours = forms.IntegerField(label=_("Delivery promise (hours)"), min_value=1, max_value=10_000)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, warehouses=None, **kwargs):
        super().__init__(*args, **kwargs)
        if warehouses is not None:
            self.fields["warehouse"].queryset = warehouses

    def clean(self):
        data = super().clean()
        if not data.get("enterprise") and not (data.get("supplier_name") or "").strip() and not self.errors:
            self.add_error("supplier_name", _("Give the supplier."))
        return data


class ReserveWarehouseForm(forms.Form):
    warehouse = WarehouseChoiceField(label=_("Counted at / delivered to warehouse"), required=False,
                                     queryset=Warehouse.objects.none(),
                                     help_text=_("Leave empty to place the reserve at the supplier."))

    def __init__(self, *args, warehouses=None, **kwargs):
        super().__init__(*args, **kwargs)
        if warehouses is not None:
            self.fields["warehouse"].queryset = warehouses


class ReserveLineForm(forms.Form):
    item = forms.ModelChoiceField(label=pgettext_lazy("supply item", "Item"), queryset=SupplyItem.objects.filter(archived_at__isnull=True))
    quantity = forms.DecimalField(label=_("Quantity"), min_value=0.001, max_digits=14, decimal_places=3)
    capacity_note = forms.CharField(label=_("Capacity note"), max_length=300, required=False)


ReserveLineFormSet = forms.formset_factory(ReserveLineForm, extra=3, min_num=1, validate_min=True, max_num=50,
                                           validate_max=True)


class ReserveFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Contract number or supplier"))
    valid = django_filters.ChoiceFilter(choices=YES_NO, method="is_valid", label=_("Valid today"))
    item = IdChoiceFilter(queryset=SupplyItem.objects.filter(archived_at__isnull=True),
                          method="has_item", label=pgettext_lazy("supply item", "Item"))

    class Meta:
        model = ReserveAgreement
        fields = ["q", "valid", "item"]

    def search(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(contract_number__icontains=value) | Q(supplier_name__icontains=value)) if value else qs

    def is_valid(self, qs, name, value):
        today = timezone.localdate()
        current = Q(valid_from__lte=today, valid_until__gte=today)
        if value == "1":
            return qs.filter(current)
        return qs.exclude(current) if value == "0" else qs

    def has_item(self, qs, name, value):
        return qs.filter(lines__item=value).distinct() if value else qs
