"""What a spreadsheet register must say to be importable, and the table of registers.

A register describes its columns, cleans one row at a time and commits cleaned rows through its
domain services. Everything else — reading the file, matching headers, collecting every bad row,
the all-or-nothing transaction, background jobs and the progress bar — is shared (services.py).

Registers outside core declare their specs in `<app>/imports.py`; that module is discovered the
first time a spec is looked up, so registering is just calling `register_spec()` at import time.
"""

from __future__ import annotations

import abc
import datetime
import decimal
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from emergency.core.roles import can_see_business

TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "✓", "有"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×", "无", ""}


class RowError(Exception):
    """One row is bad; `reasons` are shown to the user next to the row's line number."""

    def __init__(self, *reasons: str):
        self.reasons = [str(r) for r in reasons if r]
        super().__init__(" ".join(self.reasons))

    @property
    def reason(self) -> str:
        return " ".join(self.reasons)


class ImportRowsFailed(Exception):
    """Raised inside the commit transaction so that it rolls back; carries every row error."""

    def __init__(self, errors: list[dict]):
        self.errors = errors
        super().__init__(f"{len(errors)} row(s) failed")


class Column(NamedTuple):
    key: str
    label: Any  # a lazy translation: the header in the template, matched in any language
    aliases: tuple[str, ...] = ()  # further accepted headers (the Chinese names users type)
    required: bool = True  # the header must be present (the cell may still be optional)


@dataclass
class ImportContext:
    """State for one validation or commit pass over a file."""

    user: Any
    state: dict[str, Any] = field(default_factory=dict)


def normalise_header(text: Any) -> str:
    text = "" if text is None else str(text)
    return "".join(text.split()).strip("*＊:：").casefold()


def reason_of(exc: Exception) -> str:
    if isinstance(exc, RowError):
        return exc.reason
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return " ".join(f"{f}: {m}" if f != "__all__" else m
                             for f, msgs in exc.message_dict.items() for m in msgs)
        return " ".join(exc.messages)
    if isinstance(exc, IntegrityError):
        return _("The row conflicts with a record saved meanwhile.")
    return str(exc)


# Cell helpers: Excel gives str, int, float, bool, datetime or None for the same visible text.

def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return str(value).strip()


def cell_int(value: Any, *, label: str, minimum: int | None = None) -> int | None:
    text = cell_text(value).replace(",", "").replace("，", "")
    if not text:
        return None
    try:
        number = decimal.Decimal(text)
    except decimal.InvalidOperation:
        raise RowError(_("%(column)s must be a whole number, not “%(value)s”.") % {
            "column": label, "value": text}) from None
    if number != number.to_integral_value():
        raise RowError(_("%(column)s must be a whole number, not “%(value)s”.") % {"column": label, "value": text})
    if minimum is not None and number < minimum:
        raise RowError(_("%(column)s must be at least %(min)s.") % {"column": label, "min": minimum})
    return int(number)


def cell_float(value: Any, *, label: str, minimum: float, maximum: float) -> float | None:
    text = cell_text(value)
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise RowError(_("%(column)s must be a number, not “%(value)s”.") % {"column": label, "value": text}) from None
    if not minimum <= number <= maximum:
        raise RowError(_("%(column)s must be between %(min)s and %(max)s.") % {
            "column": label, "min": minimum, "max": maximum})
    return number


def cell_bool(value: Any, *, label: str) -> bool:
    if isinstance(value, bool):
        return value
    text = cell_text(value).casefold()
    if text in TRUE_WORDS or text == _("Yes").casefold():
        return True
    if text in FALSE_WORDS or text == _("No").casefold():
        return False
    raise RowError(_("%(column)s must be 是 or 否, not “%(value)s”.") % {"column": label, "value": text})


class ImportSpec(abc.ABC):
    """Subclass per register; instances are registered with `register_spec`."""

    name: str = ""
    title: Any = ""
    columns: tuple[Column, ...] = ()
    # The column whose value identifies a row; a repeat inside one file is reported on its line.
    unique_key: str | None = None
    preview_limit: int = 50
    # Where the finished import links to (a URL name without arguments).
    list_url_name: str = ""

    def who_may_import(self, user) -> bool:
        return can_see_business(user)

    def prepare(self, context: ImportContext) -> None:  # noqa: B027 - optional hook, empty by default
        """Load lookups once per pass (not once per row)."""

    @abc.abstractmethod
    def clean_row(self, values: dict[str, Any], context: ImportContext) -> dict[str, Any]:
        """Validate one row; raise RowError with every reason it is bad."""

    def display_row(self, cleaned: dict[str, Any]) -> list[str]:
        return [cell_text(cleaned.get(c.key)) for c in self.columns]

    @abc.abstractmethod
    def commit_row(self, cleaned: dict[str, Any], acting_user, context: ImportContext) -> Any:
        """Create one record through the domain service (never `.save()`)."""

    def commit(self, rows: Iterable[tuple[int, dict[str, Any]]], acting_user, *,
               context: ImportContext | None = None, progress: Callable[[int], None] | None = None) -> int:
        """Commit every row; must run inside the caller's transaction. Raises ImportRowsFailed."""
        context = context or ImportContext(user=acting_user)
        errors, done = [], 0
        for line, cleaned in rows:
            try:
                with transaction.atomic():
                    self.commit_row(cleaned, acting_user, context)
            except (RowError, ValidationError, IntegrityError) as exc:
                errors.append({"line": line, "reason": reason_of(exc)})
            done += 1
            if progress is not None:
                progress(done)
        if errors:
            raise ImportRowsFailed(errors)
        return done

    # Header matching -------------------------------------------------------------------------

    def accepted_headers(self) -> dict[str, str]:
        """Every accepted header spelling (normalised) → column key."""
        from django.conf import settings

        table: dict[str, str] = {}
        for column in self.columns:
            names = [column.key, *column.aliases]
            for code, _name in settings.LANGUAGES:
                with translation.override(code):
                    names.append(str(column.label))
            for name in names:
                table.setdefault(normalise_header(name), column.key)
        return table

    def header_labels(self) -> list[str]:
        return [str(c.label) for c in self.columns]


_SPECS: dict[str, ImportSpec] = {}
_discovered = False


def register_spec(spec: ImportSpec) -> ImportSpec:
    if not spec.name:
        raise ValueError("An ImportSpec needs a name.")
    _SPECS[spec.name] = spec
    return spec


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    from django.utils.module_loading import autodiscover_modules

    from . import divisions  # noqa: F401 - registers the core registers

    autodiscover_modules("imports")
    _discovered = True


def get_spec(name: str) -> ImportSpec:
    """The spec for a register; LookupError when there is none."""
    _discover()
    try:
        return _SPECS[name]
    except KeyError:
        raise LookupError(name) from None


def all_specs() -> list[ImportSpec]:
    _discover()
    return list(_SPECS.values())
