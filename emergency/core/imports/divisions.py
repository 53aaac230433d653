"""Importing communities and grids into the division tree."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from emergency.core import services
from emergency.core.models import Division
from emergency.core.roles import BUREAU_ROLES, Role, can_see_business
from emergency.core.scoping import scope_queryset
from emergency.lib.geo import out_of_china

from .registry import (
    Column,
    ImportContext,
    ImportSpec,
    RowError,
    cell_bool,
    cell_float,
    cell_int,
    cell_text,
    register_spec,
)

Level = Division.Level
IMPORTABLE_LEVELS = {Level.COMMUNITY, Level.GRID}
PHONE_RE = re.compile(r"^[0-9+\-() ]{3,30}$")


class DivisionImport(ImportSpec):
    name = "divisions"
    title = gettext_lazy("Communities and grids")
    unique_key = "code"
    list_url_name = "core:division_list"
    columns = (
        Column("code", gettext_lazy("Code"), ("编码", "代码", "区划代码")),
        Column("name", gettext_lazy("Name"), ("名称",)),
        Column("level", gettext_lazy("Level"), ("层级", "级别")),
        Column("parent_code", gettext_lazy("Parent code"), ("上级编码", "上级代码")),
        Column("population", gettext_lazy("Population"), ("人口",), required=False),
        Column("latitude", gettext_lazy("Latitude"), ("纬度",), required=False),
        Column("longitude", gettext_lazy("Longitude"), ("经度",), required=False),
        Column("contact_name", gettext_lazy("Contact person"), ("联系人",), required=False),
        Column("contact_phone", gettext_lazy("Contact phone"), ("联系电话",), required=False),
        Column("is_synthetic", gettext_lazy("Synthetic"), ("虚构数据", "虚构"), required=False),
    )

    def who_may_import(self, user) -> bool:
        return can_see_business(user) and (user.role in BUREAU_ROLES or user.role == Role.SUBDISTRICT)

    def prepare(self, context: ImportContext) -> None:
        # Three queries per pass, whatever the file's length.
        context.state["db"] = {code: (level, archived is not None) for code, level, archived in
                               Division.objects.values_list("code", "level", "archived_at")}
        context.state["in_scope"] = set(scope_queryset(context.user, Division.objects.all())
                                        .values_list("code", flat=True))
        context.state["file"] = {}  # code → level of the good rows so far
        context.state["parents"] = {}  # code → Division, filled while committing

    def _level(self, raw: Any) -> str:
        text = cell_text(raw)
        for level in IMPORTABLE_LEVELS:
            if text.casefold() in {level.value, str(level.label).casefold(),
                                   {"community": "社区", "grid": "网格"}[level.value]}:
                return level.value
        raise RowError(_("Level must be 社区 (community) or 网格 (grid), not “%(value)s”.") % {"value": text})

    def clean_row(self, values: dict[str, Any], context: ImportContext) -> dict[str, Any]:
        problems: list[str] = []

        def take(fn, *args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except RowError as exc:
                problems.extend(exc.reasons)
                return None

        code = cell_text(values.get("code"))
        name = cell_text(values.get("name"))
        parent_code = cell_text(values.get("parent_code"))
        level = take(self._level, values.get("level"))
        if not code:
            problems.append(_("The code is empty."))
        elif len(code) > 20 or any(ch.isspace() for ch in code):
            problems.append(_("The code %(code)s must be at most 20 characters without spaces.") % {"code": code})
        elif code in context.state["db"]:
            problems.append(_("The code %(code)s already exists.") % {"code": code})
        if not name:
            problems.append(_("The name is empty."))
        elif len(name) > 100:
            problems.append(_("The name is longer than 100 characters."))
        if level:
            take(self._check_parent, code, level, parent_code, context)
        population = take(cell_int, values.get("population"), label=_("Population"), minimum=0)
        latitude = take(cell_float, values.get("latitude"), label=_("Latitude"), minimum=-90, maximum=90)
        longitude = take(cell_float, values.get("longitude"), label=_("Longitude"), minimum=-180, maximum=180)
        if bool(cell_text(values.get("latitude"))) != bool(cell_text(values.get("longitude"))):
            problems.append(_("Give both latitude and longitude, or neither."))
        elif latitude is not None and longitude is not None and out_of_china(longitude, latitude):
            problems.append(_("The point %(lat)s, %(lng)s is outside China; are latitude and longitude swapped?")
                            % {"lat": latitude, "lng": longitude})
        contact_name = cell_text(values.get("contact_name"))
        if len(contact_name) > 50:
            problems.append(_("The contact person is longer than 50 characters."))
        contact_phone = cell_text(values.get("contact_phone"))
        if contact_phone and not PHONE_RE.match(contact_phone):
            problems.append(_("The contact phone “%(value)s” is not a phone number.") % {"value": contact_phone})
        is_synthetic = take(cell_bool, values.get("is_synthetic"), label=_("Synthetic"))
        if problems:
            raise RowError(*problems)
        context.state["file"][code] = level
        return {"code": code, "name": name, "level": level, "parent_code": parent_code,
                "population": population, "latitude": latitude, "longitude": longitude,
                "contact_name": contact_name, "contact_phone": contact_phone, "is_synthetic": bool(is_synthetic)}

    def _check_parent(self, code: str, level: str, parent_code: str, context: ImportContext) -> None:
        if not parent_code:
            raise RowError(_("The parent code is empty."))
        state = context.state
        if parent_code in state["file"]:
            parent_level = state["file"][parent_code]
        elif parent_code in state["db"]:
            parent_level, archived = state["db"][parent_code]
            if parent_code not in state["in_scope"]:
                raise RowError(_("The parent %(code)s is outside your jurisdiction.") % {"code": parent_code})
            if archived:
                raise RowError(_("The parent %(code)s is archived.") % {"code": parent_code})
        else:
            raise RowError(_("The parent code %(code)s does not exist (it must be in the system or on an earlier "
                             "line).") % {"code": parent_code})
        if services.CHILD_LEVEL.get(parent_level) != level:
            raise RowError(_("A %(child)s cannot sit under %(code)s, which is a %(parent)s.") % {
                "child": Level(level).label, "code": parent_code, "parent": Level(parent_level).label})
        if code and code.startswith(parent_code) and len(code) == len(parent_code):
            raise RowError(_("The code %(code)s must be longer than its parent's code.") % {"code": code})
        if code and not code.startswith(parent_code):
            raise RowError(_("The code %(code)s must start with the parent code %(parent)s.") % {
                "code": code, "parent": parent_code})

    def display_row(self, cleaned: dict[str, Any]) -> list[str]:
        shown = dict(cleaned, level=str(Level(cleaned["level"]).label),
                     is_synthetic=_("Yes") if cleaned["is_synthetic"] else _("No"))
        return [cell_text(shown.get(c.key)) for c in self.columns]

    def commit_row(self, cleaned: dict[str, Any], acting_user, context: ImportContext) -> Division:
        parents: dict[str, Division] = context.state["parents"]
        parent_code = cleaned["parent_code"]
        if parent_code not in parents:
            parents[parent_code] = Division.objects.get(code=parent_code)
        data = {k: v for k, v in cleaned.items() if k != "parent_code"}
        division = services.division_create(acting_user=acting_user, parent=parents[parent_code], **data)
        parents[division.code] = division
        return division


register_spec(DivisionImport())
