"""Forms of the hidden-hazard pages: the list filter, the report form and one form per transition."""

from __future__ import annotations

import os

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from emergency.core.filters import IdChoiceFilter, IdFilter
from emergency.core.models import Division
from emergency.core.roles import Role
from emergency.enterprises.models import Enterprise

from .models import DualReport, GovernancePlan, HiddenHazard, RiskPoint


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Zero or more photos (images only: they show the hazard before or after rectification)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if self.required and not files:
            raise ValidationError(self.error_messages["required"], code="required")
        cleaned = [forms.FileField.clean(self, f, initial) for f in files]
        for f in cleaned:
            ext = os.path.splitext(f.name or "")[1].lower()
            if settings.ATTACHMENT_ALLOWED_TYPES.get(ext) != "image":
                raise ValidationError(_("%(name)s is not a photo (JPEG, PNG, GIF or WebP).") % {"name": f.name})
        return cleaned


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


# --- the list ------------------------------------------------------------------------------------

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class HazardFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    # A drill-down link names the enterprise by id (the list is scoped, so another's id finds nothing);
    # people type part of the name: thousands of enterprises make no usable drop-down.
    enterprise = IdFilter(field_name="enterprise_id", widget=forms.HiddenInput)
    enterprise_name = django_filters.CharFilter(field_name="enterprise__name", lookup_expr="icontains",
                                                label=_("Enterprise"))
    state = django_filters.ChoiceFilter(choices=HiddenHazard.State.choices, label=_("State"))
    hazard_class = django_filters.ChoiceFilter(choices=HiddenHazard.HazardClass.choices, label=_("Class"))
    overdue = django_filters.ChoiceFilter(choices=YES_NO, method="flag", label=_("Overdue"))
    listed_supervision = django_filters.ChoiceFilter(choices=YES_NO, method="flag", label=_("Listed supervision"))
    found_by_regulator = django_filters.ChoiceFilter(choices=YES_NO, method="flag", label=_("Found by regulator"))
    subdistrict = IdChoiceFilter(queryset=Division.objects.none(), method="in_subdistrict",
                                 label=_("Subdistrict"))

    class Meta:
        model = HiddenHazard
        fields = ["q", "enterprise", "enterprise_name", "state", "hazard_class", "overdue", "listed_supervision", "found_by_regulator",
                  "subdistrict"]

    def __init__(self, data=None, queryset=None, *, user, subdistricts, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters["subdistrict"].queryset = subdistricts
        if user.role == Role.ENTERPRISE:
            # An enterprise sees only its own hazards: the regulator's filters mean nothing to it.
            for name in ("enterprise", "enterprise_name", "subdistrict", "found_by_regulator"):
                self.filters.pop(name)
        elif user.role == Role.SUBDISTRICT:
            self.filters.pop("subdistrict")

    def search(self, qs, name, value):
        return qs.filter(title__icontains=value.strip())

    def flag(self, qs, name, value):
        return qs.filter(**{name: value == "yes"}) if value in ("yes", "no") else qs

    def in_subdistrict(self, qs, name, value: Division):
        return qs.filter(enterprise__division__path__startswith=value.path) if value else qs


# --- reporting ----------------------------------------------------------------------------------

class HazardReportForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none())
    title = forms.CharField(label=_("Hidden hazard"), max_length=200,
                            help_text=_("What is wrong, in one line."))
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    risk_point = forms.ModelChoiceField(label=_("Risk point"), queryset=RiskPoint.objects.none(), required=False)
    photos = PhotosField(label=_("Photos before rectification"), required=False)

    def __init__(self, *args, enterprises=None, risk_points=None, **kwargs):
        super().__init__(*args, **kwargs)
        if enterprises is None:
            del self.fields["enterprise"]  # an enterprise reports for itself
        else:
            self.fields["enterprise"].queryset = enterprises
        if risk_points is None:
            del self.fields["risk_point"]  # a regulator on a visit names the place instead
        else:
            self.fields["risk_point"].queryset = risk_points


# --- one form per action ------------------------------------------------------------------------

class AssessForm(forms.Form):
    hazard_class = forms.ChoiceField(label=_("Class"), choices=HiddenHazard.HazardClass.choices)


class GovernancePlanForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for part in GovernancePlan.PARTS:
            model_field = GovernancePlan._meta.get_field(part)
            self.fields[part] = forms.CharField(label=capfirst(model_field.verbose_name), required=False,
                                                widget=forms.Textarea(attrs={"rows": 2}))


class DualReportForm(forms.Form):
    recipient = forms.ChoiceField(label=_("Reported to"), choices=DualReport.Recipient.choices)
    reported_on = forms.DateField(label=_("Reported on"), widget=DateInput())
    evidence = forms.CharField(label=_("Evidence"), max_length=300,
                               help_text=_("Document number, minutes or receipt."))
    file = forms.FileField(label=_("Evidence file"), required=False)


class StartRectificationForm(forms.Form):
    deadline = forms.DateField(label=_("Rectification deadline"), widget=DateInput())
    responsible_person = forms.CharField(label=_("Person responsible for rectification"), max_length=50)


class SubmitForAcceptanceForm(forms.Form):
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    photos = PhotosField(label=_("Photos after rectification"), required=False)

    def __init__(self, *args, photo_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].required = photo_required


class AcceptForm(forms.Form):
    RESULTS = [("passed", _("Passed: close the hazard")), ("failed", _("Failed: back to rectification"))]

    result = forms.ChoiceField(label=_("Result"), choices=RESULTS)
    note = forms.CharField(label=_("Note (the reason, when it failed)"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if data.get("result") == "failed" and not (data.get("note") or "").strip():
            self.add_error("note", _("Say why the acceptance failed."))
        return data


class ListForSupervisionForm(forms.Form):
    deadline = forms.DateField(label=_("Listed supervision deadline"), widget=DateInput())


class PhotoForm(forms.Form):
    photos = PhotosField(label=_("Add photos"))
