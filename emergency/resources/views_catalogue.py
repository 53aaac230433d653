"""The supply catalogue page: the category tree, the items, and minimum stock levels."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from emergency.core.forms import add_validation_errors
from emergency.core.roles import BUREAU_ROLES

from . import services_catalogue as svc
from .access import resources_required
from .models import SupplyCategory, SupplyItem, Warehouse
from .services import NotAllowed, may_manage


class CategoryForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Category"), max_length=100)
    parent = forms.ModelChoiceField(label=gettext_lazy("Under"), required=False,
                                    queryset=SupplyCategory.objects.filter(archived_at__isnull=True))


class ItemForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Supply item"), max_length=200)
    category = forms.ModelChoiceField(label=gettext_lazy("Category"),
                                      queryset=SupplyCategory.objects.filter(archived_at__isnull=True))
    unit = forms.CharField(label=gettext_lazy("Unit"), max_length=20)
    specification = forms.CharField(label=gettext_lazy("Specification"), max_length=200, required=False)
    shelf_life_days = forms.IntegerField(label=gettext_lazy("Shelf life (days)"), min_value=1, required=False)


class MinimumForm(forms.Form):
    warehouse = forms.ModelChoiceField(label=gettext_lazy("Warehouse"), queryset=Warehouse.objects.none())
    item = forms.ModelChoiceField(label=gettext_lazy("Supply item"),
                                  queryset=SupplyItem.objects.filter(archived_at__isnull=True))
    minimum = forms.DecimalField(label=gettext_lazy("Minimum stock"), min_value=0, max_digits=14, decimal_places=3)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [w.pk for w in Warehouse.objects.filter(archived_at__isnull=True).select_related("division")
               if may_manage(user, w)]
        self.fields["warehouse"].queryset = Warehouse.objects.filter(pk__in=ids)


FORMS = {"category": CategoryForm, "item": ItemForm, "minimum": MinimumForm}


@resources_required
def catalogue(request):
    user = request.user
    if user.role not in (*BUREAU_ROLES, "subdistrict", "department"):
        raise PermissionDenied
    action = request.POST.get("action") if request.method == "POST" else None
    bound = {}
    for name, cls in FORMS.items():
        kwargs = {"user": user} if name == "minimum" else {}
        bound[name] = cls(request.POST if action == name else None, prefix=name, **kwargs)
    status = 200
    if action in FORMS:
        form = bound[action]
        if form.is_valid():
            try:
                if action == "category":
                    svc.supply_category_create(acting_user=user, **form.cleaned_data)
                elif action == "item":
                    svc.supply_item_create(acting_user=user, **form.cleaned_data)
                else:
                    svc.minimum_stock_set(acting_user=user, **form.cleaned_data)
            except NotAllowed as exc:
                raise PermissionDenied(str(exc)) from exc
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("resources:catalogue")
        status = 400
    roots = SupplyCategory.objects.filter(parent__isnull=True, archived_at__isnull=True).prefetch_related(
        "children__items", "items")
    return render(request, "resources/catalogue.html", {
        "roots": roots, "forms": bound, "is_bureau": user.role in BUREAU_ROLES,
        "may_set_minimum": bound["minimum"].fields["warehouse"].queryset.exists()}, status=status)
