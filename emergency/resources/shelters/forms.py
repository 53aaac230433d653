"""Shelter forms. They only check input; the services write (and re-check) everything."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from emergency.core.models import Division

from ..shared.services import check_phone
from .models import Shelter

BLANK = [("", "---------")]


class DivisionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Division) -> str:
        return f"{obj.code} {obj.name}"


class ShelterForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=[*BLANK, *Shelter.Kind.choices])
    indoor = forms.BooleanField(label=_("Indoor"), required=False)
    stay_class = forms.ChoiceField(label=_("Stay class (GB 21734)"), choices=[*BLANK, *Shelter.StayClass.choices])
    admin_level = forms.ChoiceField(label=_("Administrative level"),
                                    choices=[*BLANK, *Shelter.AdminLevel.choices])
    division = DivisionChoiceField(label=_("Subdistrict or community"), queryset=Division.objects.none())
    effective_area_m2 = forms.DecimalField(label=_("Effective area (m²)"), max_digits=10, decimal_places=1,
                                           min_value=0.1, help_text=_("Capacity is computed from it: area ÷ "
                                                                      "area per person (rules table)."))
    address = forms.CharField(label=_("Address"), max_length=300)
    latitude = forms.FloatField(label=_("Latitude (WGS-84)"), min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("Longitude (WGS-84)"), min_value=-180, max_value=180)
    location_approximate = forms.BooleanField(label=_("Location approximate"), required=False, initial=True)
    service_radius_m = forms.IntegerField(label=_("Service radius (m)"), min_value=0, initial=1000)
    entrances = forms.CharField(label=_("Entrances"), max_length=300, required=False)
    manager = forms.CharField(label=_("Manager"), max_length=50)
    manager_phone = forms.CharField(label=_("Manager's phone"), max_length=30)
    has_water = forms.BooleanField(label=_("Water"), required=False)
    has_power = forms.BooleanField(label=_("Power"), required=False)
    has_toilets = forms.BooleanField(label=_("Toilets"), required=False)
    has_medical = forms.BooleanField(label=_("Medical"), required=False)
    has_supplies = forms.BooleanField(label=_("Supplies"), required=False)
    has_command = forms.BooleanField(label=_("Command post"), required=False)
    data_note = forms.CharField(label=_("Data note"), max_length=200, required=False)

    def __init__(self, *args, divisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions


class CheckInForm(forms.Form):
    head_name = forms.CharField(label=_("Name (head of household)"), max_length=50)
    people = forms.IntegerField(label=_("People"), min_value=1, max_value=10_000, initial=1)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    override = forms.BooleanField(label=_("Admit over capacity (I confirm the override)"), required=False)

    def __init__(self, *args, offer_override: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not offer_override:
            self.fields["override"].widget = forms.HiddenInput()

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        try:
            check_phone(phone, "phone", required=False)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["phone"]) from None
        return phone
