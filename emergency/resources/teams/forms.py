"""Forms and list filters for teams, experts and equipment. Forms only parse; services decide."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from emergency.core.filters import IdChoiceFilter
from emergency.core.models import Department, Division

from ..stock.models import Warehouse
from .models import EXPERT_FIELDS, Equipment, Expert, RescueTeam, SocialForceRecord, certificates_due

DATE = forms.DateInput(attrs={"type": "date"})
YES_NO = [("1", _("Yes")), ("0", _("No"))]


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=RescueTeam.Kind.choices)
    specialty = forms.ChoiceField(label=_("Specialty"), choices=RescueTeam.Specialty.choices)
    owner_unit = forms.CharField(label=_("Owner unit"), max_length=200)
    owner_department = forms.ModelChoiceField(label=_("Owner department (if registered)"), required=False,
                                              queryset=Department.objects.filter(archived_at__isnull=True))
    division = forms.ModelChoiceField(label=_("Division"), queryset=Division.objects.none())
    leader = forms.CharField(label=_("Leader"), max_length=50)
    duty_phone = forms.CharField(label=_("24-hour duty phone"), max_length=30)
    base_address = forms.CharField(label=_("Base address"), max_length=300, required=False)
    latitude = forms.FloatField(label=_("Latitude (WGS-84)"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("Longitude (WGS-84)"), required=False, min_value=-180, max_value=180)
    service_area = forms.CharField(label=_("Service area"), max_length=300, required=False)
    incentive_note = forms.CharField(label=_("Incentives and constraints (social forces)"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    is_synthetic = forms.BooleanField(label=_("Synthetic demo data"), required=False)

    def __init__(self, *args, divisions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if divisions is not None:
            self.fields["division"].queryset = divisions


class ReadinessForm(forms.Form):
    readiness = forms.ChoiceField(label=_("Readiness"), choices=RescueTeam.Readiness.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class MemberForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    role = forms.CharField(label=_("Role"), max_length=50, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    skills = forms.CharField(label=_("Skills"), max_length=300, required=False)
    certificate_name = forms.CharField(label=_("Certificate"), max_length=100, required=False)
    certificate_expires_on = forms.DateField(label=_("Certificate expires on"), required=False, widget=DATE)


class SocialRecordForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SocialForceRecord.Kind.choices)
    date = forms.DateField(label=_("Date"), widget=DATE)
    description = forms.CharField(label=_("Description"), max_length=500)


class ExpertForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    # Named like Form.fields on purpose: the metaclass takes it into base_fields, so nothing is shadowed.
    fields = forms.MultipleChoiceField(label=_("Fields"), choices=[(code, label) for _a, code, label in EXPERT_FIELDS],
                                       widget=forms.CheckboxSelectMultiple)
    title = forms.CharField(label=pgettext_lazy("job title", "Title"), max_length=100, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30)
    available = forms.BooleanField(label=_("Available"), required=False, initial=True)
    latitude = forms.FloatField(label=_("Latitude (WGS-84)"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("Longitude (WGS-84)"), required=False, min_value=-180, max_value=180)
    is_synthetic = forms.BooleanField(label=_("Synthetic demo data"), required=False)

    @classmethod
    def initial_for(cls, expert: Expert) -> dict:
        data = {k: getattr(expert, k) for k in ("name", "title", "unit", "phone", "available", "latitude",
                                                 "longitude", "is_synthetic")}
        data["fields"] = expert.field_codes
        return data

    def data_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        chosen = set(data.pop("fields"))
        for attr, code, _label in EXPERT_FIELDS:
            data[attr] = code in chosen
        return data


class ExpertAvailabilityForm(forms.Form):
    """The expert's own page: whether they can be called on now."""

    available = forms.TypedChoiceField(label=_("Available"), choices=YES_NO, coerce=lambda v: v == "1")

    @classmethod
    def for_expert(cls, expert: Expert, data=None) -> ExpertAvailabilityForm:
        return cls(data, initial={"available": "1" if expert.available else "0"})


class EquipmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    model_spec = forms.CharField(label=_("Model / specification"), max_length=200, required=False)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=1_000_000, initial=1)
    team = forms.ModelChoiceField(label=_("Team"), required=False, queryset=RescueTeam.objects.none())
    warehouse = forms.ModelChoiceField(label=_("Warehouse"), required=False, queryset=Warehouse.objects.none())

    def __init__(self, *args, teams=None, warehouses=None, **kwargs):
        super().__init__(*args, **kwargs)
        if teams is not None:
            self.fields["team"].queryset = teams
        if warehouses is not None:
            self.fields["warehouse"].queryset = warehouses

    def clean(self):
        data = super().clean()
        if bool(data.get("team")) == bool(data.get("warehouse")):
            raise forms.ValidationError(_("Give either the team or the warehouse that holds the equipment."))
        return data


class EquipmentStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Equipment.Status.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


# --- list filters ---------------------------------------------------------------------------------

def _subdistricts():
    return Division.objects.filter(level=Division.Level.SUBDISTRICT, archived_at__isnull=True)


class TeamFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name, leader or owner unit"))
    kind = django_filters.ChoiceFilter(choices=RescueTeam.Kind.choices, label=_("Kind"))
    specialty = django_filters.ChoiceFilter(choices=RescueTeam.Specialty.choices, label=_("Specialty"))
    readiness = django_filters.ChoiceFilter(choices=RescueTeam.Readiness.choices, label=_("Readiness"))
    subdistrict = IdChoiceFilter(queryset=_subdistricts(), method="under", label=_("Subdistrict"))
    # What the workbench's "certificates expired or expiring" opens.
    certificates = django_filters.ChoiceFilter(choices=[("due", _("Expired or expiring"))], method="certificates_due",
                                               label=_("Members' certificates"))

    class Meta:
        model = RescueTeam
        fields = ["q", "kind", "specialty", "readiness", "subdistrict", "certificates"]

    def search(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(name__icontains=value) | Q(leader__icontains=value) | Q(owner_unit__icontains=value)) \
            if value else qs

    def under(self, qs, name, value):
        return qs.filter(division__path__startswith=value.path) if value else qs

    def certificates_due(self, qs, name, value):
        return qs.filter(pk__in=certificates_due().values("team_id")) if value == "due" else qs


class ExpertFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name, title or unit"))
    field = django_filters.ChoiceFilter(choices=[(code, label) for _a, code, label in EXPERT_FIELDS],
                                        method="in_field", label=_("Field"))
    available = django_filters.ChoiceFilter(choices=YES_NO, method="is_available", label=_("Available"))

    class Meta:
        model = Expert
        fields = ["q", "field", "available"]

    def search(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(name__icontains=value) | Q(title__icontains=value) | Q(unit__icontains=value)) \
            if value else qs

    def in_field(self, qs, name, value):
        attr = {code: a for a, code, _label in EXPERT_FIELDS}.get(value)
        return qs.filter(**{attr: True}) if attr else qs

    def is_available(self, qs, name, value):
        return qs.filter(available=value == "1") if value in ("0", "1") else qs


class EquipmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name or model"))
    status = django_filters.ChoiceFilter(choices=Equipment.Status.choices, label=pgettext_lazy("equipment", "Status"))
    team = IdChoiceFilter(queryset=RescueTeam.objects.filter(archived_at__isnull=True),
                          label=_("Team"))

    class Meta:
        model = Equipment
        fields = ["q", "status", "team"]

    def search(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(name__icontains=value) | Q(model_spec__icontains=value)) if value else qs
