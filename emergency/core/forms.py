from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Division


class DivisionForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=100)
    level = forms.ChoiceField(label=_("Level"), choices=[(Division.Level.COMMUNITY, _("Community")),
                                                         (Division.Level.GRID, _("Grid"))])
    parent = forms.ModelChoiceField(label=_("Parent division"), queryset=Division.objects.none())
    population = forms.IntegerField(label=_("Population"), required=False, min_value=0)
    latitude = forms.FloatField(label=_("Latitude (WGS-84)"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("Longitude (WGS-84)"), required=False, min_value=-180, max_value=180)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)
    is_synthetic = forms.BooleanField(label=_("Synthetic demo data"), required=False)

    def __init__(self, *args, parents=None, **kwargs):
        super().__init__(*args, **kwargs)
        if parents is not None:
            self.fields["parent"].queryset = parents


class DivisionEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    population = forms.IntegerField(label=_("Population"), required=False, min_value=0)
    latitude = forms.FloatField(label=_("Latitude (WGS-84)"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("Longitude (WGS-84)"), required=False, min_value=-180, max_value=180)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))


class AliasForm(forms.Form):
    alias = forms.CharField(label=_("Alias"), max_length=100)


def add_validation_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)
