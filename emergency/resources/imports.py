"""Importing rescue teams (`teams`) and experts (`experts`) from spreadsheets; the exports use the same columns, so
an exported register can be edited and imported again. The equipment export has its own columns (no import)."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from emergency.core.imports.registry import (
    Column,
    ImportContext,
    ImportSpec,
    RowError,
    cell_bool,
    cell_float,
    cell_text,
    register_spec,
)
from emergency.core.models import Division
from emergency.lib.geo import out_of_china

from . import services_teams as svc
from .models_teams import EXPERT_FIELDS, Equipment, Expert, RescueTeam

PHONE_RE = svc.PHONE_RE
FIELD_SPLIT_RE = re.compile(r"[、,，;；/|]+")  # not spaces: "Work safety" is one field
EXPERT_FIELDS_ZH = {"防汛抗旱": "flood_drought", "减灾": "disaster_reduction", "综合减灾": "disaster_reduction",
                    "地质灾害": "geological", "地质": "geological", "地震": "earthquake", "安全生产": "work_safety"}
TEAM_KIND_ZH = {"综合": "comprehensive", "综合性": "comprehensive", "专业": "professional", "基层": "grassroots",
                "社会力量": "social", "社会": "social"}
SPECIALTY_ZH = {"危化品": "hazardous_chemicals", "危险化学品": "hazardous_chemicals", "防汛": "flood", "洪涝": "flood",
                "地震地质": "earthquake_geological", "地震和地质": "earthquake_geological", "建筑施工": "building_works",
                "其他": "other"}
READINESS_ZH = {"待命": "standby", "出动": "deployed", "已出动": "deployed", "不可用": "unavailable"}


def _key(text: str) -> str:
    return re.sub(r"[\s、,，()（）]", "", str(text)).casefold()


def _labels(choices, extra: dict[str, str]) -> dict[str, str]:
    table = {_key(k): v for k, v in extra.items()}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for value, label in choices:
                table.setdefault(_key(str(label)), value)
                table.setdefault(_key(value), value)
    return table


def _yes_no(flag: bool) -> str:
    return _("Yes") if flag else _("No")


class _Base(ImportSpec):
    def _label(self, key: str) -> str:
        return next(str(c.label) for c in self.columns if c.key == key)

    def _text(self, values, key: str, limit: int, problems: list[str], *, required: bool) -> str:
        text = cell_text(values.get(key))
        if required and not text:
            problems.append(_("%(column)s is empty.") % {"column": self._label(key)})
        elif len(text) > limit:
            problems.append(_("%(column)s is longer than %(n)d characters.") % {"column": self._label(key), "n": limit})
        return text

    def _phone(self, values, key: str, problems: list[str], *, required: bool) -> str:
        phone = cell_text(values.get(key))
        if not phone and required:
            problems.append(_("%(column)s is empty.") % {"column": self._label(key)})
        elif phone and not PHONE_RE.match(phone):
            problems.append(_("%(column)s “%(value)s” is not a phone number.") % {
                "column": self._label(key), "value": phone})
        return phone

    def _choice(self, raw, table: dict[str, str], problems: list[str], *, key: str, default: str | None) -> str | None:
        text = cell_text(raw)
        if not text:
            if default is None:
                problems.append(_("%(column)s is empty.") % {"column": self._label(key)})
            return default
        found = table.get(_key(text))
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


class TeamImport(_Base):
    name = "teams"
    title = gettext_lazy("Rescue teams")
    unique_key = "name"
    list_url_name = "resources:team_list"
    columns = (
        Column("name", gettext_lazy("Team name"), ("队伍名称",)),
        Column("kind", gettext_lazy("Team kind"), ("队伍类别", "类别")),
        Column("specialty", gettext_lazy("Specialty"), ("专业类型", "专业"), required=False),
        Column("owner_unit", gettext_lazy("Owner unit"), ("所属单位", "主管单位")),
        Column("division", gettext_lazy("District, subdistrict or community"), ("所在区/街道/社区", "所在街道/社区",
                                                                                 "所在街道")),
        Column("leader", gettext_lazy("Leader"), ("负责人", "队长")),
        Column("duty_phone", gettext_lazy("24-hour duty phone"), ("24小时值班电话", "值班电话")),
        Column("base_address", gettext_lazy("Base address"), ("驻地地址", "驻地"), required=False),
        Column("latitude", gettext_lazy("Latitude"), ("纬度",), required=False),
        Column("longitude", gettext_lazy("Longitude"), ("经度",), required=False),
        Column("service_area", gettext_lazy("Service area"), ("服务范围",), required=False),
        Column("readiness", gettext_lazy("Readiness"), ("战备状态", "状态"), required=False),
        Column("incentive_note", gettext_lazy("Incentives and constraints"), ("激励约束",), required=False),
        Column("is_synthetic", gettext_lazy("Synthetic"), ("虚构数据", "虚构"), required=False),
    )

    def who_may_import(self, user) -> bool:
        return svc.may_create_team(user)

    def prepare(self, context: ImportContext) -> None:
        divisions = list(Division.objects.filter(archived_at__isnull=True, level__in=svc.TEAM_DIVISION_LEVELS)
                         .values_list("pk", "code", "name"))
        by_name: dict[str, list[int]] = {}
        for pk, _code, name in divisions:
            by_name.setdefault(_key(name), []).append(pk)
        context.state.update(
            by_code={code: pk for pk, code, _n in divisions}, by_name=by_name,
            names={pk: f"{code} {name}" for pk, code, name in divisions},
            in_scope=set(svc.team_divisions_for(context.user).values_list("pk", flat=True)),
            db_names={_key(n) for n in RescueTeam.objects.filter(archived_at__isnull=True)
                      .values_list("name", flat=True)},
            kinds=_labels(RescueTeam.Kind.choices, TEAM_KIND_ZH),
            specialties=_labels(RescueTeam.Specialty.choices, SPECIALTY_ZH),
            readiness=_labels(RescueTeam.Readiness.choices, READINESS_ZH),
            division_objects={},
        )

    def _division(self, raw, context: ImportContext, problems: list[str]) -> int | None:
        state, text = context.state, cell_text(raw)
        if not text:
            problems.append(_("%(column)s is empty.") % {"column": self._label("division")})
            return None
        pk = state["by_code"].get(text) or state["by_code"].get(text.split()[0])
        if pk is None:
            matches = state["by_name"].get(_key(text), [])
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

    def clean_row(self, values: dict[str, Any], context: ImportContext) -> dict[str, Any]:
        problems: list[str] = []
        state = context.state
        cleaned = {
            "name": self._text(values, "name", 200, problems, required=True),
            "owner_unit": self._text(values, "owner_unit", 200, problems, required=True),
            "leader": self._text(values, "leader", 50, problems, required=True),
            "base_address": self._text(values, "base_address", 300, problems, required=False),
            "service_area": self._text(values, "service_area", 300, problems, required=False),
            "incentive_note": self._text(values, "incentive_note", 4000, problems, required=False),
            "duty_phone": self._phone(values, "duty_phone", problems, required=True),
            "kind": self._choice(values.get("kind"), state["kinds"], problems, key="kind", default=None),
            "specialty": self._choice(values.get("specialty"), state["specialties"], problems, key="specialty",
                                      default=RescueTeam.Specialty.OTHER),
            "readiness": self._choice(values.get("readiness"), state["readiness"], problems, key="readiness",
                                      default=RescueTeam.Readiness.STANDBY),
            "division": self._division(values.get("division"), context, problems),
            "is_synthetic": self._bool(values, "is_synthetic", problems),
        }
        cleaned["latitude"], cleaned["longitude"] = self._location(values, problems)
        if cleaned["name"] and _key(cleaned["name"]) in state["db_names"]:
            problems.append(_("A team called %(name)s is already registered.") % {"name": cleaned["name"]})
        if problems:
            raise RowError(*problems)
        cleaned["division_text"] = state["names"][cleaned["division"]]
        return cleaned

    def display_row(self, cleaned: dict[str, Any]) -> list[str]:
        team = RescueTeam(**{k: v for k, v in cleaned.items() if k in svc.TEAM_FIELDS and k != "division"})
        team.readiness = cleaned["readiness"]
        return [cell_text(v) for v in team_values(team, division_text=cleaned["division_text"])]

    def commit_row(self, cleaned: dict[str, Any], acting_user, context: ImportContext) -> RescueTeam:
        divisions = context.state["division_objects"]
        pk = cleaned["division"]
        if pk not in divisions:
            divisions[pk] = Division.objects.get(pk=pk)
        data = {k: v for k, v in cleaned.items() if k in svc.TEAM_FIELDS}
        team = svc.team_create(acting_user=acting_user, **dict(data, division=divisions[pk]))
        if cleaned["readiness"] != team.readiness:
            team = svc.team_set_readiness(acting_user=acting_user, team=team, readiness=cleaned["readiness"],
                                          note=_("Imported"))
        return team


def team_values(t: RescueTeam, *, division_text: str | None = None) -> list[Any]:
    division = division_text if division_text is not None else f"{t.division.code} {t.division.name}"
    return [t.name, t.get_kind_display(), t.get_specialty_display(), t.owner_unit, division, t.leader, t.duty_phone,
            t.base_address, t.latitude, t.longitude, t.service_area, t.get_readiness_display(), t.incentive_note,
            _yes_no(t.is_synthetic)]


class ExpertImport(_Base):
    name = "experts"
    title = gettext_lazy("Experts")
    list_url_name = "resources:expert_list"
    columns = (
        Column("name", gettext_lazy("Name"), ("姓名",)),
        Column("fields", gettext_lazy("Fields"), ("专业领域", "领域")),
        Column("title", gettext_lazy("Title"), ("职称",), required=False),
        Column("unit", gettext_lazy("Unit"), ("工作单位", "单位"), required=False),
        Column("phone", gettext_lazy("Phone"), ("联系电话", "电话")),
        Column("available", gettext_lazy("Available"), ("是否可用", "可用"), required=False),
        Column("latitude", gettext_lazy("Latitude"), ("纬度",), required=False),
        Column("longitude", gettext_lazy("Longitude"), ("经度",), required=False),
        Column("is_synthetic", gettext_lazy("Synthetic"), ("虚构数据", "虚构"), required=False),
    )

    def who_may_import(self, user) -> bool:
        return svc.is_bureau(user)

    def prepare(self, context: ImportContext) -> None:
        context.state.update(
            fields=_labels([(code, label) for _a, code, label in EXPERT_FIELDS], EXPERT_FIELDS_ZH),
            known={(_key(n), p.strip()) for n, p in Expert.objects.filter(archived_at__isnull=True)
                   .values_list("name", "phone")},
            seen=set(),
        )

    def _fields(self, raw, context: ImportContext, problems: list[str]) -> list[str]:
        text = cell_text(raw)
        codes: list[str] = []
        for part in filter(None, FIELD_SPLIT_RE.split(text)):
            code = context.state["fields"].get(_key(part))
            if code is None:
                problems.append(_("“%(value)s” is not one of the five fields (防汛抗旱、减灾、地质灾害、地震、安全生产).")
                                % {"value": part})
            elif code not in codes:
                codes.append(code)
        if not text:
            problems.append(_("%(column)s is empty.") % {"column": self._label("fields")})
        return codes

    def clean_row(self, values: dict[str, Any], context: ImportContext) -> dict[str, Any]:
        problems: list[str] = []
        cleaned: dict[str, Any] = {
            "name": self._text(values, "name", 50, problems, required=True),
            "title": self._text(values, "title", 100, problems, required=False),
            "unit": self._text(values, "unit", 200, problems, required=False),
            "phone": self._phone(values, "phone", problems, required=True),
            "available": self._bool(values, "available", problems, default=True),
            "is_synthetic": self._bool(values, "is_synthetic", problems),
        }
        codes = self._fields(values.get("fields"), context, problems)
        for attr, code, _label in EXPERT_FIELDS:
            cleaned[attr] = code in codes
        cleaned["latitude"], cleaned["longitude"] = self._location(values, problems)
        ident = (_key(cleaned["name"]), cleaned["phone"])
        if cleaned["name"] and ident in context.state["known"]:
            problems.append(_("%(name)s with this phone is already registered.") % {"name": cleaned["name"]})
        elif cleaned["name"] and ident in context.state["seen"]:
            problems.append(_("%(name)s with this phone appears earlier in the file.") % {"name": cleaned["name"]})
        if problems:
            raise RowError(*problems)
        context.state["seen"].add(ident)
        return cleaned

    def display_row(self, cleaned: dict[str, Any]) -> list[str]:
        return [cell_text(v) for v in expert_values(Expert(**cleaned))]

    def commit_row(self, cleaned: dict[str, Any], acting_user, context: ImportContext) -> Expert:
        return svc.expert_create(acting_user=acting_user, **cleaned)


def expert_values(e: Expert) -> list[Any]:
    return [e.name, "、".join(e.field_labels), e.title, e.unit, e.phone, _yes_no(e.available), e.latitude,
            e.longitude, _yes_no(e.is_synthetic)]


def equipment_headers() -> list[str]:
    return [_("Name"), _("Model / specification"), _("Quantity"), _("Held by"), _("Team or warehouse"),
            _("Status")]


def equipment_values(e: Equipment) -> list[Any]:
    held = _("Team") if e.team_id else _("Warehouse")
    return [e.name, e.model_spec, e.quantity, held, str(e.holder), e.get_status_display()]


register_spec(TeamImport())
register_spec(ExpertImport())
