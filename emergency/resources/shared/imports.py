"""What the register imports of the resource sub-packages share (each register lives in its sub-package's
`imports.py`; `resources/imports.py` loads them for `emergency.core.imports`).

The bases, from the most general: `ResourceImport` reads the cells every register has (text, phone, choice,
location, yes/no, division); `RegisterImport` adds the read-only columns an export appends after the
importable ones (the import recognises and ignores them), the duplicate check of records that only get added,
and the commit through the register's create service. The exports use the same columns (the `*_values`
functions beside each register), so an exported register can be edited and imported again."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from emergency.core.imports.registry import (
    Column,
    ImportContext,
    ImportSpec,
    RowError,
    cell_bool,
    cell_float,
    cell_text,
    normalise_header,
)
from emergency.core.models import Division
from emergency.core.roles import BUREAU_ROLES, Role
from emergency.lib.geo import out_of_china

from .services import PHONE_RE, NotAllowed

PHONE_PLACEHOLDERS = ("—", "——", "-", "－", "--")
# How the shelters' and warehouses' registers write an administrative level in Chinese.
ADMIN_LEVEL_ZH = {"区": "district", "区级": "district", "街道": "subdistrict", "街道级": "subdistrict",
                  "街": "subdistrict", "社区": "community", "社区级": "community"}
SUBDISTRICT_SUFFIXES = ("街道", "街", "街道办事处")


def lookup_key(text: str) -> str:
    """A cell's text as looked up: without spaces, enumeration commas and brackets, case-folded."""
    return re.sub(r"[\s、,，()（）]", "", str(text)).casefold()


def choice_table(choices, extra: dict[str, str]) -> dict[str, str]:
    """lookup_key → value, for the choices' values and labels in every language and for `extra`."""
    table = {lookup_key(k): v for k, v in extra.items()}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for value, label in choices:
                table.setdefault(lookup_key(str(label)), value)
                table.setdefault(lookup_key(value), value)
    return table


def yes_no(flag: bool) -> str:
    return _("Yes") if flag else _("No")


class ResourceImport(ImportSpec):
    """The cells every resource register reads; a bad cell adds its reason to `problems`."""

    def _label(self, key: str) -> str:
        return next(str(c.label) for c in self.columns if c.key == key)

    def _empty(self, key: str, problems: list[str]) -> None:
        problems.append(_("%(column)s is empty.") % {"column": self._label(key)})

    def _text(self, values, key: str, limit: int, problems: list[str], *, required: bool) -> str:
        text = cell_text(values.get(key))
        if required and not text:
            self._empty(key, problems)
        elif len(text) > limit:
            problems.append(_("%(column)s is longer than %(n)d characters.") % {"column": self._label(key), "n": limit})
        return text

    def _phone(self, values, key: str, problems: list[str], *, required: bool, placeholder: bool = False) -> str:
        phone = cell_text(values.get(key))
        if placeholder and phone in PHONE_PLACEHOLDERS:  # "not known yet", as the shipped shelters record it
            return PHONE_PLACEHOLDERS[0]
        if not phone and required:
            self._empty(key, problems)
        elif phone and not PHONE_RE.match(phone):
            problems.append(_("%(column)s “%(value)s” is not a phone number.") % {
                "column": self._label(key), "value": phone})
        return phone

    def _choice(self, raw, table: dict[str, str], problems: list[str], *, key: str, default: str | None) -> str | None:
        text = cell_text(raw)
        if not text:
            if default is None:
                self._empty(key, problems)
            return default
        found = table.get(lookup_key(text))
        if found is None:
            problems.append(_("%(column)s “%(value)s” is not one of the choices.") % {
                "column": self._label(key), "value": text})
        return found

    def _location(self, values, problems: list[str]) -> tuple[float | None, float | None]:
        coords = []
        for key, lo, hi in (("latitude", -90, 90), ("longitude", -180, 180)):
            try:
                coords.append(cell_float(values.get(key), label=self._label(key), minimum=lo, maximum=hi))
            except RowError as exc:
                problems.extend(exc.reasons)
                coords.append(None)
        lat, lng = coords
        if bool(cell_text(values.get("latitude"))) != bool(cell_text(values.get("longitude"))):
            problems.append(_("Give both latitude and longitude, or neither."))
        elif lat is not None and lng is not None and out_of_china(lng, lat):
            problems.append(_("The point %(lat)s, %(lng)s is outside China; are latitude and longitude swapped?")
                            % {"lat": lat, "lng": lng})
        return lat, lng

    def _bool(self, values, key: str, problems: list[str], *, default: bool = False) -> bool:
        if not cell_text(values.get(key)):
            return default
        try:
            return cell_bool(values.get(key), label=self._label(key))
        except RowError as exc:
            problems.extend(exc.reasons)
            return default

    def _division(self, raw, context: ImportContext, problems: list[str]) -> int | None:
        """A division by code (or "code name", as exported) or by unique name; needs the state keys by_code,
        by_name and in_scope (see `load_divisions`)."""
        state, text = context.state, cell_text(raw)
        if not text:
            self._empty("division", problems)
            return None
        pk = state["by_code"].get(text) or state["by_code"].get(text.split()[0])
        if pk is None:
            matches = state["by_name"].get(lookup_key(text), [])
            if len(matches) > 1:
                problems.append(_("Several divisions are called “%(value)s”; give the division code instead.")
                                % {"value": text})
                return None
            pk = matches[0] if matches else None
        if pk is None:
            problems.append(_("“%(value)s” is not a division of the district (give its code or name).")
                            % {"value": text})
        elif pk not in state["in_scope"]:
            problems.append(_("%(value)s is outside your jurisdiction.") % {"value": text})
            return None
        return pk


# --- registers that only add records ---------------------------------------------------------------------
# A row naming a record already registered under the same name in the same division is a row error that names
# the existing record (there is no update service to write through, and an import that silently rewrote a
# register would bypass the detail page's checks). The exports append read-only computed columns
# (`readonly_columns`) that the import recognises and ignores.

def may_create_register_rows(user) -> bool:
    """Who may create shelters and warehouses (and so import them): the bureau, a subdistrict user of a division."""
    if user is None or not user.is_authenticated:
        return False
    return user.role in BUREAU_ROLES or (user.role == Role.SUBDISTRICT and user.division_id is not None)


def load_divisions(context: ImportContext, levels) -> None:
    """Division lookups for `ResourceImport._division`: every live division of `levels`; in scope: all of them
    for the bureau, a subdistrict user's own subtree otherwise (the services re-check with `may_manage`)."""
    user = context.user
    rows = list(Division.objects.filter(archived_at__isnull=True, level__in=levels)
                .values_list("pk", "code", "name", "path", "level"))
    by_name: dict[str, list[int]] = {}
    for pk, _code, name, _path, level in rows:
        names = [name]
        if level == Division.Level.SUBDISTRICT:  # 光复道 is also written 光复道街道, 光复道街
            names += [f"{name}{suffix}" for suffix in SUBDISTRICT_SUFFIXES if not name.endswith(suffix)]
        for text in names:
            if pk not in by_name.setdefault(lookup_key(text), []):
                by_name[lookup_key(text)].append(pk)
    rows = [row[:4] for row in rows]
    if user.role in BUREAU_ROLES:
        in_scope = {pk for pk, *_rest in rows}
    else:
        prefix = user.division.path
        in_scope = {pk for pk, _c, _n, path in rows if path.startswith(prefix)}
    context.state.update(by_code={code: pk for pk, code, _n, _p in rows}, by_name=by_name, in_scope=in_scope,
                         names={pk: f"{code} {name}" for pk, code, name, _p in rows}, division_objects={})


class RegisterImport(ResourceImport):
    """A register whose export adds read-only computed columns after the importable ones."""

    readonly_columns: tuple[Column, ...] = ()

    def accepted_headers(self) -> dict[str, str]:
        table = super().accepted_headers()
        for column in self.readonly_columns:
            names = [column.key, *column.aliases]
            for code, _name in settings.LANGUAGES:
                with translation.override(code):
                    names.append(str(column.label))
            for name in names:
                table.setdefault(normalise_header(name), f"readonly:{column.key}")
        return table

    def export_headers(self) -> list[str]:
        return [*self.header_labels(), *(str(c.label) for c in self.readonly_columns)]

    def who_may_import(self, user) -> bool:
        return may_create_register_rows(user)

    def _required_location(self, values, problems: list[str]) -> tuple[float | None, float | None]:
        missing = [k for k in ("latitude", "longitude") if not cell_text(values.get(k))]
        if len(missing) == 2:
            for key in missing:
                self._empty(key, problems)
            return None, None
        return self._location(values, problems)

    def _division_object(self, context: ImportContext, pk: int) -> Division:
        objects = context.state["division_objects"]
        if pk not in objects:
            objects[pk] = Division.objects.get(pk=pk)
        return objects[pk]

    def _duplicate(self, cleaned: dict[str, Any], context: ImportContext, problems: list[str], what: str) -> None:
        """A row naming a record already registered (or already earlier in the file) in the same division."""
        if not cleaned["name"] or cleaned["division"] is None:
            return
        ident = (lookup_key(cleaned["name"]), cleaned["division"])
        values = {"name": cleaned["name"], "division": context.state["names"][cleaned["division"]]}
        if ident in context.state["known"]:
            problems.append(what % values)
        elif ident in context.state["seen"]:
            problems.append(_("%(name)s in %(division)s appears earlier in the file.") % values)

    # Set by each register that uses display_row/commit_row: its model, the function giving its importable
    # columns (as staticmethod) and its create service (as staticmethod).
    model: type

    def _finish(self, cleaned: dict[str, Any], context: ImportContext, problems: list[str], duplicate: str) -> dict:
        """The end of every row: the duplicate check, the row error, and what the preview shows."""
        self._duplicate(cleaned, context, problems, duplicate)
        if problems:
            raise RowError(*problems)
        context.state["seen"].add((lookup_key(cleaned["name"]), cleaned["division"]))
        cleaned["division_text"] = context.state["names"][cleaned["division"]]
        return cleaned

    def display_row(self, cleaned: dict[str, Any]) -> list[str]:
        record = self.model(**{k: v for k, v in cleaned.items() if k not in ("division", "division_text")})
        return [cell_text(v) for v in self.values_of(record, division_text=cleaned["division_text"])]

    def commit_row(self, cleaned: dict[str, Any], acting_user, context: ImportContext):
        data = {k: v for k, v in cleaned.items() if k != "division_text"}
        data["division"] = self._division_object(context, cleaned["division"])
        return self._create(self.create_service, acting_user, **data)

    def _create(self, fn, acting_user, **data):
        try:
            return fn(acting_user=acting_user, **data)
        except NotAllowed as exc:
            raise RowError(str(exc)) from None
