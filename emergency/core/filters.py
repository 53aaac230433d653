"""Record ids in query strings: whole numbers the database can hold, or a form error (never a server error).

Every key is a BIGINT (`DEFAULT_AUTO_FIELD` is BigAutoField), so an id is 1 … 2**63 − 1 in ASCII digits.
django-filter's NumberFilter takes `1e30` as a decimal and hands 10**30 to the database (OverflowError);
`str.isdigit()` accepts "²", which `int()` refuses (ValueError). Pages and the API use these instead:

- `parse_id(raw)`: the id in a raw parameter, or None;
- `IdFilter`: a filter on an id column (`enterprise=12`), documented as an int64 in the OpenAPI schema;
- `IdChoiceFilter`: a ModelChoiceFilter (a select on pages) that checks the id before looking it up.
"""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema_field

ID_MAX = 2**63 - 1
ID_SCHEMA = {"type": "integer", "format": "int64", "minimum": 1, "maximum": ID_MAX}
_ID = re.compile(r"[0-9]{1,19}")


def parse_id(raw, *, maximum: int = ID_MAX) -> int | None:
    """The id `raw` spells (ASCII digits, 1 to `maximum`), or None."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw if 1 <= raw <= maximum else None
    if not isinstance(raw, str):
        return None
    raw = raw.strip()
    if not _ID.fullmatch(raw):
        return None
    value = int(raw)
    return value if 1 <= value <= maximum else None


class IdField(forms.IntegerField):
    """A record id: only ASCII digits, from 1 to 2**63 − 1 (IntegerField alone takes "1.0", "١" or 10**30)."""

    def __init__(self, *, max_value: int = ID_MAX, **kwargs):
        kwargs.setdefault("min_value", 1)
        super().__init__(max_value=max_value, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not _ID.fullmatch(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text)


@extend_schema_field(ID_SCHEMA)
class IdFilter(django_filters.NumberFilter):
    """Exact match on an id column; a value that is not an id is a form error (a 400 in the API)."""

    field_class = IdField


class IdModelChoiceField(django_filters.fields.ModelChoiceField):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        if self.null_label is not None and value == self.null_value:
            return value
        by_pk = self.to_field_name in (None, "pk", "id")
        if by_pk and not isinstance(value, self.queryset.model) and parse_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


@extend_schema_field(ID_SCHEMA)
class IdChoiceFilter(django_filters.ModelChoiceFilter):
    """A ModelChoiceFilter whose value must first be an id (it is rendered as the same select)."""

    field_class = IdModelChoiceField
