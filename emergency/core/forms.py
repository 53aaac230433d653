from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
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


class FastSelect(forms.Select):
    """A <select> whose <option>s are written in Python. Django renders every option through a template include
    (about 0.3 ms each here); a page with a few long lists (a warehouse's lots in four operation forms: 660
    options) spent most of its time there. The HTML is the same as `forms.Select`'s (tested)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group_name, options, _index in widget["optgroups"]:
            html = format_html_join("", "<option value=\"{}\"{}>{}</option>", (
                (str(o["value"]), flatatt(o["attrs"]), o["label"]) for o in options))
            parts.append(format_html('<optgroup label="{}">{}</optgroup>', group_name, html) if group_name else html)
        return format_html('<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]),
                           mark_safe("".join(parts)))  # noqa: S308 - parts are built by format_html
