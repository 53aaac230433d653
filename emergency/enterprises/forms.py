"""The registry form. It only checks input; the services write (and re-check) everything."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from emergency.core.models import Division
from emergency.core.roles import Role
from emergency.lib.geo import out_of_china

from . import services
from .models import Enterprise, Industry, validate_credit_code

PHONE_RE = re.compile(r"^[0-9+\-() ]{3,30}$")
PHONE_FIELDS = ("principal_phone", "safety_manager_phone")


class DivisionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Division) -> str:
        return f"{obj.code} {obj.name}"


class EnterpriseForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=30,
                                  help_text=_("18 characters, as printed on the business licence."))
    industry = forms.ChoiceField(label=_("Industry (GB/T 4754 section)"), choices=[("", "---------"), *Industry.choices])
    above_scale = forms.BooleanField(label=_("Above scale"), required=False)
    employees = forms.IntegerField(label=_("Employees"), min_value=0, max_value=10_000_000, initial=0)
    division = DivisionChoiceField(label=_("Subdistrict or community"), queryset=Division.objects.none())
    address = forms.CharField(label=_("Address"), max_length=300)
    latitude = forms.FloatField(label=_("Latitude (WGS-84)"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("Longitude (WGS-84)"), required=False, min_value=-180, max_value=180)
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=50)
    principal = forms.CharField(label=_("Principal leader"), max_length=50, required=False)
    principal_phone = forms.CharField(label=_("Principal's phone"), max_length=30, required=False)
    safety_manager = forms.CharField(label=_("Safety manager"), max_length=50, required=False)
    safety_manager_phone = forms.CharField(label=_("Safety manager's phone"), max_length=30, required=False)
    hazardous_chemicals = forms.BooleanField(label=_("Hazardous chemicals"), required=False)
    major_hazard_source = forms.BooleanField(label=_("Major hazard source"), required=False)
    dust_explosion = forms.BooleanField(label=_("Dust explosion risk"), required=False)
    ammonia_refrigeration = forms.BooleanField(label=_("Ammonia refrigeration"), required=False)
    confined_space = forms.BooleanField(label=_("Confined space"), required=False)
    standardisation = forms.ChoiceField(label=_("Safety standardisation level"),
                                        choices=Enterprise.Standardisation.choices,
                                        initial=Enterprise.Standardisation.NONE)
    enforcement_category = forms.ChoiceField(label=_("Enforcement category"), choices=Enterprise.Category.choices,
                                             initial=Enterprise.Category.C)
    is_synthetic = forms.BooleanField(label=_("Synthetic demo data"), required=False)

    def __init__(self, *args, user, divisions, enterprise: Enterprise | None = None, **kwargs):
        if enterprise is not None and "initial" not in kwargs:
            kwargs["initial"] = {f: getattr(enterprise, f) for f in services.FIELDS if f != "division"}
            kwargs["initial"]["division"] = enterprise.division_id
        super().__init__(*args, **kwargs)
        self.user = user
        self.enterprise = enterprise
        self.fields["division"].queryset = divisions
        if user.role == Role.ENTERPRISE:
            # An enterprise keeps its contacts and flags current; its identity and grading are the regulator's.
            if enterprise is not None:
                self.fields["division"].queryset = Division.objects.filter(pk=enterprise.division_id)
            for name, field in self.fields.items():
                if name not in services.ENTERPRISE_EDITABLE:
                    field.disabled = True
                    field.help_text = _("Only the regulator can change this.")

    @property
    def editable_fields(self) -> list[str]:
        return [name for name, field in self.fields.items() if not field.disabled]

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean_credit_code(self) -> str:
        code = "".join(self.cleaned_data["credit_code"].split()).upper()
        validate_credit_code(code)
        return code

    def _clean_phone(self, name: str) -> str:
        value = self.cleaned_data.get(name, "").strip()
        if value and not PHONE_RE.match(value):
            raise ValidationError(_("“%(value)s” is not a phone number."), params={"value": value}, code="phone")
        return value

    def clean_principal_phone(self) -> str:
        return self._clean_phone("principal_phone")

    def clean_safety_manager_phone(self) -> str:
        return self._clean_phone("safety_manager_phone")

    def clean(self):
        data = super().clean()
        lat, lng = data.get("latitude"), data.get("longitude")
        if "latitude" in data and "longitude" in data:
            if (lat is None) != (lng is None):
                self.add_error("longitude" if lng is None else "latitude",
                               _("Give both latitude and longitude, or neither."))
            elif lat is not None and out_of_china(lng, lat):
                self.add_error("latitude", _("The point is outside China; are latitude and longitude swapped?"))
        return data

    def changes_for_service(self) -> dict:
        """The fields this user may write (all of them for a regulator, ENTERPRISE_EDITABLE for an enterprise)."""
        return {name: self.cleaned_data[name] for name in self.editable_fields if name in self.cleaned_data}


class SectorForm(forms.Form):
    """A row of the industry → supervising department table."""

    industry = forms.ChoiceField(label=_("Industry"), choices=Industry.choices)
    department = forms.ModelChoiceField(label=_("Supervising department"), queryset=None)
    source = forms.CharField(label=_("Source"), max_length=300,
                             help_text=_("The document that assigns this duty, e.g. the district's list of duties."))

    def __init__(self, *args, **kwargs):
        from emergency.core.models import Department

        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            archived_at__isnull=True).exclude(kind__in=[Department.Kind.GROUP]).order_by("name")
