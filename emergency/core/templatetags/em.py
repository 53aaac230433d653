from __future__ import annotations

from django import forms, template
from django.utils.html import format_html
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


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label, css: str = "") -> str:
    """A column head that sorts the list by `key` (core/sorting.py): a link to this column ascending, or to the
    other direction when it is already the sorted column, keeping the filters and going back to page 1."""
    request = context["request"]
    current = context.get("sort") or ""
    ascending, descending = current == key, current == f"-{key}"
    target = f"-{key}" if ascending else key
    params = [(k, v) for k, values in request.GET.lists() for v in values if k not in ("page", "sort")]
    params.append(("sort", target))
    state = "ascending" if ascending else "descending" if descending else "none"
    arrow = "▲" if ascending else "▼" if descending else ""
    return format_html(
        '<th class="{}" aria-sort="{}"><a class="em-sort link-body-emphasis text-decoration-none" href="?{}" '
        'data-sort="{}">{}<span class="em-sort__arrow" aria-hidden="true">{}</span></a></th>',
        css, state, urlencode(params), key, label, arrow)


@register.simple_tag(takes_context=True)
def sort_keep(context) -> str:
    """Inside a list's filter form: the chosen sort, so that filtering keeps it."""
    sort = context.get("sort")
    return format_html('<input type="hidden" name="sort" value="{}">', sort) if sort else ""
