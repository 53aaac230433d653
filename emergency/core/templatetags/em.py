from __future__ import annotations

from django import forms, template
from django.utils.http import urlencode

register = template.Library()


@register.filter
def bs(field):
    """Render a bound field with Bootstrap classes (and is-invalid when it has errors)."""
    widget = field.field.widget
    if isinstance(widget, (forms.CheckboxInput,)):
        css = "form-check-input"
    elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": css})


@register.simple_tag(takes_context=True)
def query_without_page(context) -> str:
    request = context["request"]
    params = [(k, v) for k, values in request.GET.lists() for v in values if k != "page"]
    encoded = urlencode(params)
    return f"{encoded}&" if encoded else ""
