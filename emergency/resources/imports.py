"""Importing the resource registers from spreadsheets: rescue teams (`teams`), experts (`experts`), shelters
(`shelters`), warehouses (`warehouses`), equipment (`equipment`) and agreement reserves (`reserves`). The exports
use the same columns (the `*_values` functions are shared), so an exported register can be edited and imported
again; some exports append read-only computed columns that the import recognises and ignores."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from emergency.core.imports.registry import (
    Column,
    ImportContext,
    ImportRowsFailed,
    ImportSpec,
    RowError,
    cell_bool,
    cell_float,
    cell_int,
    cell_text,
    normalise_header,
    reason_of,
    register_spec,
)
from emergency.core.models import Division
from emergency.core.roles import BUREAU_ROLES, Role
from emergency.enterprises.models import Enterprise, validate_credit_code
from emergency.lib.geo import out_of_china

from . import services as stock_services
from . import services_teams as svc
from .forms_stock import WarehouseChoiceField
from .models import Shelter, SupplyItem, Warehouse
from .models_teams import EXPERT_FIELDS, Equipment, Expert, RescueTeam, ReserveAgreement, ReserveLine

PHONE_RE = svc.PHONE_RE
PHONE_PLACEHOLDERS = ("—", "——", "-", "－", "--")
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

    def _phone(self, values, key: str, problems: list[str], *, required: bool, placeholder: bool = False) -> str:
        phone = cell_text(values.get(key))
        if placeholder and phone in PHONE_PLACEHOLDERS:  # "not known yet", as the shipped shelters record it
            return PHONE_PLACEHOLDERS[0]
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

    def _division(self, raw, context: ImportContext, problems: list[str]) -> int | None:
        """A division by code (or "code name", as exported) or by unique name; needs the state keys by_code,
        by_name and in_scope (see `_load_divisions`)."""
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


register_spec(TeamImport())
register_spec(ExpertImport())


# --- shelters and warehouses ----------------------------------------------------------------------------
# Both registers only add records: a row naming a shelter (warehouse) already registered under the same name in
# the same division is a row error that names the existing record (there is no update service to write through,
# and an import that silently rewrote a register would bypass the detail page's checks). The exports append
# read-only computed columns (`readonly_columns`) that the import recognises and ignores.

SHELTER_KIND_ZH = {"应急": "emergency", "紧急": "emergency", "应急避难场所": "emergency", "紧急避难场所": "emergency",
                   "固定": "fixed", "固定避难场所": "fixed", "中心": "central", "中心避难场所": "central"}
STAY_CLASS_ZH = {"1": "I", "一": "I", "一类": "I", "Ⅰ类": "I", "I类": "I",
                 "2": "II", "二": "II", "二类": "II", "Ⅱ类": "II", "II类": "II",
                 "3": "III", "三": "III", "三类": "III", "Ⅲ类": "III", "III类": "III"}
ADMIN_LEVEL_ZH = {"区": "district", "区级": "district", "街道": "subdistrict", "街道级": "subdistrict",
                  "街": "subdistrict", "社区": "community", "社区级": "community"}
WAREHOUSE_LEVEL_ZH = {**ADMIN_LEVEL_ZH, "企业": "enterprise", "企业储备": "enterprise", "企业代储": "enterprise"}
INDOOR_WORDS = {"室内": True, "室外": False, "露天": False}
FACILITY_FIELDS = ("has_water", "has_power", "has_toilets", "has_medical", "has_supplies", "has_command")
MAX_AREA = Decimal("999999999.9")  # DECIMAL(10, 1)
MAX_RADIUS_M = 100_000
SUBDISTRICT_SUFFIXES = ("街道", "街", "街道办事处")


def may_create_register_rows(user) -> bool:
    """Who may create shelters and warehouses (and so import them): the bureau, a subdistrict user of a division."""
    if user is None or not user.is_authenticated:
        return False
    return user.role in BUREAU_ROLES or (user.role == Role.SUBDISTRICT and user.division_id is not None)


def _load_divisions(context: ImportContext, levels) -> None:
    """Division lookups for `_Base._division`: every live division of `levels`; in scope: all of them for the bureau,
    a subdistrict user's own subtree otherwise (the services re-check with `may_manage`)."""
    user = context.user
    rows = list(Division.objects.filter(archived_at__isnull=True, level__in=levels)
                .values_list("pk", "code", "name", "path", "level"))
    by_name: dict[str, list[int]] = {}
    for pk, _code, name, _path, level in rows:
        names = [name]
        if level == Division.Level.SUBDISTRICT:  # 光复道 is also written 光复道街道, 光复道街
            names += [f"{name}{suffix}" for suffix in SUBDISTRICT_SUFFIXES if not name.endswith(suffix)]
        for text in names:
            if pk not in by_name.setdefault(_key(text), []):
                by_name[_key(text)].append(pk)
    rows = [row[:4] for row in rows]
    if user.role in BUREAU_ROLES:
        in_scope = {pk for pk, *_rest in rows}
    else:
        prefix = user.division.path
        in_scope = {pk for pk, _c, _n, path in rows if path.startswith(prefix)}
    context.state.update(by_code={code: pk for pk, code, _n, _p in rows}, by_name=by_name, in_scope=in_scope,
                         names={pk: f"{code} {name}" for pk, code, name, _p in rows}, division_objects={})


class _RegisterBase(_Base):
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
                problems.append(_("%(column)s is empty.") % {"column": self._label(key)})
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
        ident = (_key(cleaned["name"]), cleaned["division"])
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
        context.state["seen"].add((_key(cleaned["name"]), cleaned["division"]))
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
        except stock_services.NotAllowed as exc:
            raise RowError(str(exc)) from None


def shelter_values(s: Shelter, *, division_text: str | None = None) -> list[Any]:
    """The importable columns of a shelter, in ShelterImport.columns order."""
    division = division_text if division_text is not None else f"{s.division.code} {s.division.name}"
    return [s.name, s.get_kind_display(), _yes_no(s.indoor), s.get_stay_class_display(), s.get_admin_level_display(),
            division, s.effective_area_m2, *(_yes_no(getattr(s, f)) for f in FACILITY_FIELDS), s.manager,
            s.manager_phone, s.entrances, s.address, s.latitude, s.longitude, _yes_no(s.location_approximate),
            s.service_radius_m, s.data_note]


class ShelterImport(_RegisterBase):
    name = "shelters"
    model = Shelter
    values_of = staticmethod(shelter_values)
    create_service = staticmethod(stock_services.shelter_create)
    title = gettext_lazy("Shelters")
    list_url_name = "resources:shelter_list"
    columns = (
        Column("name", gettext_lazy("Name"), ("避难场所名称", "场所名称", "名称")),
        Column("kind", gettext_lazy("Kind"), ("场所类型", "类型", "类别")),
        Column("indoor", gettext_lazy("Indoor"), ("室内", "室内/室外"), required=False),
        Column("stay_class", gettext_lazy("Stay class (GB 21734)"), ("避难时长分类", "避难时长", "时长分类")),
        Column("admin_level", gettext_lazy("Administrative level"), ("行政层级", "管理层级")),
        Column("division", gettext_lazy("Subdistrict or community"), ("所在街道/社区", "所在街道", "所在社区",
                                                                       "街道/社区")),
        Column("effective_area_m2", gettext_lazy("Effective area (m²)"), ("有效避难面积", "有效面积", "面积",
                                                                           "有效避难面积（平方米）")),
        Column("has_water", gettext_lazy("Water"), ("供水",), required=False),
        Column("has_power", gettext_lazy("Power"), ("供电",), required=False),
        Column("has_toilets", gettext_lazy("Toilets"), ("厕所",), required=False),
        Column("has_medical", gettext_lazy("Medical"), ("医疗救护", "医疗"), required=False),
        Column("has_supplies", gettext_lazy("Supplies"), ("物资储备", "物资"), required=False),
        Column("has_command", gettext_lazy("Command post"), ("应急指挥", "指挥"), required=False),
        Column("manager", gettext_lazy("Manager"), ("管理人", "负责人")),
        Column("manager_phone", gettext_lazy("Manager's phone"), ("管理人电话", "负责人电话", "联系电话")),
        Column("entrances", gettext_lazy("Entrances"), ("出入口",), required=False),
        Column("address", gettext_lazy("Address"), ("地址", "详细地址")),
        Column("latitude", gettext_lazy("Latitude (WGS-84)"), ("纬度", "Latitude")),
        Column("longitude", gettext_lazy("Longitude (WGS-84)"), ("经度", "Longitude")),
        Column("location_approximate", gettext_lazy("Location approximate"), ("位置为近似值", "近似位置"),
               required=False),
        Column("service_radius_m", gettext_lazy("Service radius (m)"), ("服务半径", "服务半径（米）"), required=False),
        Column("data_note", gettext_lazy("Data note"), ("数据说明", "备注"), required=False),
    )
    readonly_columns = (
        Column("capacity", gettext_lazy("Capacity"), ("可容纳人数", "容量")),
        Column("occupancy", gettext_lazy("Occupancy"), ("已安置人数",)),
        Column("available", gettext_lazy("Available places"), ("可用", "剩余容量", "可用床位")),
        Column("status", pgettext_lazy("shelter", "Status"), ("状态", "场所状态")),
    )

    def prepare(self, context: ImportContext) -> None:
        _load_divisions(context, (Division.Level.SUBDISTRICT, Division.Level.COMMUNITY))
        context.state.update(
            kinds=_labels(Shelter.Kind.choices, SHELTER_KIND_ZH),
            stay_classes=_labels(Shelter.StayClass.choices, STAY_CLASS_ZH),
            admin_levels=_labels(Shelter.AdminLevel.choices, ADMIN_LEVEL_ZH),
            known={(_key(n), d) for n, d in Shelter.objects.filter(archived_at__isnull=True)
                   .values_list("name", "division_id")},
            seen=set(),
        )

    def _area(self, values, problems: list[str]) -> Decimal | None:
        label = self._label("effective_area_m2")
        text = cell_text(values.get("effective_area_m2")).replace(",", "").replace("，", "")
        if not text:
            problems.append(_("%(column)s is empty.") % {"column": label})
            return None
        try:
            area = Decimal(text)
        except InvalidOperation:
            area = None
        if area is None or not area.is_finite():
            problems.append(_("%(column)s must be a number, not “%(value)s”.") % {"column": label, "value": text})
            return None
        if area <= 0:
            problems.append(_("%(column)s must be above zero, not %(value)s.") % {"column": label, "value": text})
        elif area > MAX_AREA:
            problems.append(_("%(column)s must be at most %(max)s.") % {"column": label, "max": MAX_AREA})
        elif area != area.quantize(Decimal("0.1")):
            problems.append(_("%(column)s has at most one decimal place, not %(value)s.") % {
                "column": label, "value": text})
        else:
            return area
        return None

    def _indoor(self, values, problems: list[str]) -> bool:
        word = INDOOR_WORDS.get(_key(cell_text(values.get("indoor"))))
        return word if word is not None else self._bool(values, "indoor", problems)

    def _radius(self, values, problems: list[str]) -> int:
        label = self._label("service_radius_m")
        try:
            radius = cell_int(values.get("service_radius_m"), label=label, minimum=0)
        except RowError as exc:
            problems.extend(exc.reasons)
            return 1000
        if radius is None:
            return 1000
        if radius > MAX_RADIUS_M:
            problems.append(_("%(column)s must be at most %(max)s.") % {"column": label, "max": MAX_RADIUS_M})
        return radius

    def clean_row(self, values: dict[str, Any], context: ImportContext) -> dict[str, Any]:
        problems: list[str] = []
        state = context.state
        cleaned: dict[str, Any] = {
            "name": self._text(values, "name", 200, problems, required=True),
            "kind": self._choice(values.get("kind"), state["kinds"], problems, key="kind", default=None),
            "indoor": self._indoor(values, problems),
            "stay_class": self._choice(values.get("stay_class"), state["stay_classes"], problems, key="stay_class",
                                       default=None),
            "admin_level": self._choice(values.get("admin_level"), state["admin_levels"], problems,
                                        key="admin_level", default=None),
            "division": self._division(values.get("division"), context, problems),
            "effective_area_m2": self._area(values, problems),
            **{f: self._bool(values, f, problems) for f in FACILITY_FIELDS},
            "manager": self._text(values, "manager", 50, problems, required=True),
            "manager_phone": self._phone(values, "manager_phone", problems, required=True, placeholder=True),
            "entrances": self._text(values, "entrances", 300, problems, required=False),
            "address": self._text(values, "address", 300, problems, required=True),
            "location_approximate": self._bool(values, "location_approximate", problems, default=True),
            "service_radius_m": self._radius(values, problems),
            "data_note": self._text(values, "data_note", 200, problems, required=False),
        }
        cleaned["latitude"], cleaned["longitude"] = self._required_location(values, problems)
        return self._finish(cleaned, context, problems, _("A shelter called %(name)s is already registered in "
                                                          "%(division)s; an import only adds new shelters."))


def warehouse_values(w: Warehouse, *, division_text: str | None = None) -> list[Any]:
    """The importable columns of a warehouse, in WarehouseImport.columns order."""
    division = division_text if division_text is not None else f"{w.division.code} {w.division.name}"
    return [w.name, w.get_level_display(), division, w.address, w.latitude, w.longitude, w.keeper, w.keeper_phone]


class WarehouseImport(_RegisterBase):
    name = "warehouses"
    model = Warehouse
    values_of = staticmethod(warehouse_values)
    create_service = staticmethod(stock_services.warehouse_create)
    title = gettext_lazy("Warehouses")
    list_url_name = "resources:warehouse_list"
    columns = (
        Column("name", gettext_lazy("Name"), ("储备库名称", "仓库名称", "名称")),
        Column("level", gettext_lazy("Level"), ("层级", "级别")),
        Column("division", gettext_lazy("District, subdistrict or community"), ("所在区/街道/社区", "行政区划",
                                                                                 "所在街道/社区", "所在街道")),
        Column("address", gettext_lazy("Address"), ("地址", "详细地址")),
        Column("latitude", gettext_lazy("Latitude (WGS-84)"), ("纬度", "Latitude")),
        Column("longitude", gettext_lazy("Longitude (WGS-84)"), ("经度", "Longitude")),
        Column("keeper", gettext_lazy("Keeper"), ("保管人", "库管员")),
        Column("keeper_phone", gettext_lazy("Keeper's phone"), ("保管人电话", "库管员电话", "联系电话")),
    )
    readonly_columns = (
        Column("item_count", gettext_lazy("Items in stock"), ("在库物资", "在库物资品种数")),
    )

    def prepare(self, context: ImportContext) -> None:
        _load_divisions(context, (Division.Level.DISTRICT, Division.Level.SUBDISTRICT, Division.Level.COMMUNITY))
        context.state.update(
            levels=_labels(Warehouse.Level.choices, WAREHOUSE_LEVEL_ZH),
            known={(_key(n), d) for n, d in Warehouse.objects.filter(archived_at__isnull=True)
                   .values_list("name", "division_id")},
            seen=set(),
        )

    def clean_row(self, values: dict[str, Any], context: ImportContext) -> dict[str, Any]:
        problems: list[str] = []
        state = context.state
        cleaned: dict[str, Any] = {
            "name": self._text(values, "name", 200, problems, required=True),
            "level": self._choice(values.get("level"), state["levels"], problems, key="level", default=None),
            "division": self._division(values.get("division"), context, problems),
            "address": self._text(values, "address", 300, problems, required=True),
            "keeper": self._text(values, "keeper", 50, problems, required=True),
            "keeper_phone": self._phone(values, "keeper_phone", problems, required=True, placeholder=True),
        }
        cleaned["latitude"], cleaned["longitude"] = self._required_location(values, problems)
        return self._finish(cleaned, context, problems, _("A warehouse called %(name)s is already registered in "
                                                          "%(division)s; an import only adds new warehouses."))


register_spec(ShelterImport())
register_spec(WarehouseImport())


# --- equipment and agreement reserves ---------------------------------------------------------------------
# Both registers only add. An equipment row names its holder: a team by its exact name, a warehouse as the exports
# and the warehouse pickers write it ("name · #id"), by its id or by a unique exact name; a holder the user may not
# manage is a row error. New equipment starts in service: the status is a read-only export column, and
# services_teams.equipment_create writes the first status-log row.
# An agreement reserve (协议储备) takes one row per line: the rows with the same contract number form one contract,
# whose contract columns must agree, and the contract is created with all its lines by one reserve_create call.

HOLDER_KINDS = (("team", gettext_lazy("Team")), ("warehouse", gettext_lazy("Warehouse")))
HOLDER_ZH = {"队伍": "team", "救援队伍": "team", "救援队": "team", "应急队伍": "team",
             "仓库": "warehouse", "储备库": "warehouse", "物资库": "warehouse", "库房": "warehouse"}
MAX_EQUIPMENT = 1_000_000  # as the equipment form
MAX_DELIVERY_HOURS = 10_000  # as the reserve form
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d", "%Y-%m-%d %H:%M:%S")


def may_create_equipment(user) -> bool:
    """Who may register equipment (and so import it), as views_teams.equipment_create: the bureau and subdistrict
    users; equipment_create then checks that the holder lies in the user's subdistrict."""
    return svc.is_bureau(user) or bool(user is not None and user.is_authenticated and user.role == Role.SUBDISTRICT)


def warehouse_text(w: Warehouse) -> str:
    return WarehouseChoiceField.display(w)


class _LookupBase(_RegisterBase):
    """Look-ups by name for rows that point at existing records, cached per distinct cell text (a file names the
    same warehouse on many rows)."""

    def _empty(self, key: str, problems: list[str]) -> None:
        problems.append(_("%(column)s is empty.") % {"column": self._label(key)})

    def _one(self, found: list, text: str, key: str, problems: list[str], *, missing: str, several: str):
        """The one record found, else the message (`missing` or `several`, with %(column)s and %(value)s)."""
        if len(found) == 1:
            return found[0]
        problems.append((missing if not found else several) % {"column": self._label(key), "value": text})
        return None

    def _warehouse(self, text: str, context: ImportContext, problems: list[str], *, key: str) -> Warehouse | None:
        """A live warehouse given as "name · #id", its id, or its unique exact name (as WarehouseChoiceField)."""
        cache = context.state.setdefault("warehouses", {})
        if text not in cache:
            qs = Warehouse.objects.filter(archived_at__isnull=True).select_related("division")
            match = WarehouseChoiceField.ID_RE.search(text) or re.fullmatch(r"(\d{1,12})", text)
            cache[text] = list(qs.filter(pk=int(match.group(1)))[:1] if match else qs.filter(name=text)[:2])
        return self._one(cache[text], text, key, problems,
                         missing=_("%(column)s: no warehouse in use is “%(value)s” (give it as exported: name · #id)."),
                         several=_("%(column)s: several warehouses are called “%(value)s”; give it as “name · #id”."))

    def _team(self, text: str, context: ImportContext, problems: list[str], *, key: str) -> RescueTeam | None:
        cache = context.state.setdefault("teams", {})
        if text not in cache:
            cache[text] = list(RescueTeam.objects.filter(archived_at__isnull=True, name=text)
                               .select_related("division")[:2])
        return self._one(cache[text], text, key, problems,
                         missing=_("%(column)s: no registered team is called “%(value)s”."),
                         several=_("%(column)s: several teams are called “%(value)s”."))


class EquipmentImport(_LookupBase):
    name = "equipment"
    title = gettext_lazy("Equipment")
    list_url_name = "resources:equipment_list"
    columns = (
        Column("name", gettext_lazy("Name"), ("装备名称", "名称")),
        Column("model_spec", gettext_lazy("Model / specification"), ("规格型号", "型号规格", "型号", "规格"),
               required=False),
        Column("quantity", gettext_lazy("Quantity"), ("数量",)),
        Column("holder_kind", gettext_lazy("Held by"), ("持有方", "持有类型", "存放于")),
        Column("holder", gettext_lazy("Team or warehouse"), ("队伍/仓库", "队伍或仓库", "所属队伍/仓库", "持有单位")),
    )
    readonly_columns = (
        Column("status", pgettext_lazy("equipment", "Status"), ("状态", "装备状态")),
    )

    def who_may_import(self, user) -> bool:
        return may_create_equipment(user)

    def prepare(self, context: ImportContext) -> None:
        context.state.update(holder_kinds=_labels(HOLDER_KINDS, HOLDER_ZH), teams={}, warehouses={})

    def _quantity(self, values, problems: list[str]) -> int | None:
        label = self._label("quantity")
        try:
            quantity = cell_int(values.get("quantity"), label=label, minimum=1)
        except RowError as exc:
            problems.extend(exc.reasons)
            return None
        if quantity is None:
            self._empty("quantity", problems)
        elif quantity > MAX_EQUIPMENT:
            problems.append(_("%(column)s must be at most %(max)s.") % {"column": label, "max": MAX_EQUIPMENT})
            return None
        return quantity

    def _holder(self, values, context: ImportContext, problems: list[str]) -> tuple[str | None, Any]:
        kind = self._choice(values.get("holder_kind"), context.state["holder_kinds"], problems, key="holder_kind",
                            default=None)
        text = cell_text(values.get("holder"))
        if not text:
            self._empty("holder", problems)
            return kind, None
        if kind == "team":
            holder = self._team(text, context, problems, key="holder")
        elif kind == "warehouse":
            holder = self._warehouse(text, context, problems, key="holder")
        else:
            return kind, None
        if holder is not None and not stock_services.may_manage(context.user, holder):
            problems.append(_("%(value)s is outside your jurisdiction.") % {"value": text})
            return kind, None
        return kind, holder

    def clean_row(self, values: dict[str, Any], context: ImportContext) -> dict[str, Any]:
        problems: list[str] = []
        cleaned: dict[str, Any] = {
            "name": self._text(values, "name", 200, problems, required=True),
            "model_spec": self._text(values, "model_spec", 200, problems, required=False),
            "quantity": self._quantity(values, problems),
        }
        kind, holder = self._holder(values, context, problems)
        if problems:
            raise RowError(*problems)
        cleaned["team"] = holder if kind == "team" else None
        cleaned["warehouse"] = holder if kind == "warehouse" else None
        return cleaned

    def display_row(self, cleaned: dict[str, Any]) -> list[str]:
        return [cell_text(v) for v in equipment_values(Equipment(**cleaned))]

    def commit_row(self, cleaned: dict[str, Any], acting_user, context: ImportContext) -> Equipment:
        return self._create(svc.equipment_create, acting_user, **cleaned)


def equipment_values(e: Equipment) -> list[Any]:
    """The importable columns of a piece of equipment, in EquipmentImport.columns order (the export adds the
    status). Needs team and warehouse loaded."""
    if e.team_id:
        return [e.name, e.model_spec, e.quantity, _("Team"), e.team.name]
    return [e.name, e.model_spec, e.quantity, _("Warehouse"), warehouse_text(e.warehouse)]


register_spec(EquipmentImport())


# The contract columns: every row of one contract must give the same values.
CONTRACT_KEYS = ("contract_number", "supplier_name", "credit_code", "valid_from", "valid_until", "delivery_hours",
                 "contact_name", "contact_phone", "note", "warehouse")
LINE_KEYS = ("item", "quantity", "capacity_note")


class ReserveImport(_LookupBase):
    name = "reserves"
    title = gettext_lazy("Agreement reserves")
    list_url_name = "resources:reserve_list"
    columns = (
        Column("contract_number", gettext_lazy("Contract number"), ("合同编号", "协议编号", "合同号")),
        Column("supplier_name", gettext_lazy("Supplier"), ("协议企业", "供应商", "供货单位", "企业名称")),
        Column("credit_code", gettext_lazy("Supplier credit code"), ("统一社会信用代码", "信用代码",
                                                                      "供应商信用代码"), required=False),
        Column("valid_from", gettext_lazy("Valid from"), ("生效日期", "起始日期", "开始日期")),
        Column("valid_until", gettext_lazy("Valid until"), ("截止日期", "到期日期", "终止日期", "有效期至")),
        Column("delivery_hours", gettext_lazy("Delivery promise (hours)"), ("供货时限（小时）", "供货时限",
                                                                             "响应时间（小时）")),
        Column("contact_name", gettext_lazy("Contact person"), ("联系人",)),
        Column("contact_phone", gettext_lazy("Contact phone"), ("联系电话", "电话")),
        Column("note", gettext_lazy("Note"), ("备注",), required=False),
        Column("warehouse", gettext_lazy("Counted at / delivered to warehouse"), ("计入储备库", "交付储备库", "储备库"),
               required=False),
        Column("item", gettext_lazy("Supply item"), ("物资", "物资名称", "品名")),
        Column("quantity", gettext_lazy("Quantity"), ("数量", "储备数量")),
        Column("capacity_note", gettext_lazy("Capacity note"), ("供货能力说明", "供货能力"), required=False),
    )

    def who_may_import(self, user) -> bool:
        return svc.is_bureau(user)  # as reserve_create

    def prepare(self, context: ImportContext) -> None:
        by_name: dict[str, list[SupplyItem]] = {}
        by_text: dict[str, SupplyItem] = {}
        for item in SupplyItem.objects.filter(archived_at__isnull=True):
            by_name.setdefault(item.name.strip(), []).append(item)
            by_text[str(item)] = item
        context.state.update(
            items_by_name=by_name, items_by_text=by_text, enterprises={}, warehouses={}, contracts={},
            registered=set(ReserveAgreement.objects.values_list("contract_number", flat=True)),
        )

    # Cells --------------------------------------------------------------------------------------

    def _date(self, values, key: str, problems: list[str]) -> datetime.date | None:
        raw = values.get(key)
        if isinstance(raw, datetime.datetime):
            return raw.date()
        if isinstance(raw, datetime.date):
            return raw
        text = cell_text(raw)
        if not text:
            self._empty(key, problems)
            return None
        for fmt in DATE_FORMATS:
            try:
                return datetime.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        problems.append(_("%(column)s must be a date such as 2026-07-01, not “%(value)s”.") % {
            "column": self._label(key), "value": text})
        return None

    def _hours(self, values, problems: list[str]) -> int | None:
        label = self._label("delivery_hours")
        try:
            hours = cell_int(values.get("delivery_hours"), label=label, minimum=1)
        except RowError as exc:
            problems.extend(exc.reasons)
            return None
        if hours is None:
            self._empty("delivery_hours", problems)
        elif hours > MAX_DELIVERY_HOURS:
            problems.append(_("%(column)s must be at most %(max)s.") % {"column": label, "max": MAX_DELIVERY_HOURS})
            return None
        return hours

    def _enterprise(self, values, context: ImportContext, problems: list[str]) -> tuple[str, Enterprise | None]:
        """The registered supplier, by credit code; a well-formed code that is not registered links nothing."""
        code = "".join(cell_text(values.get("credit_code")).split()).upper()
        if not code:
            return "", None
        try:
            validate_credit_code(code)
        except ValidationError as exc:
            problems.append(_("Credit code %(code)s: %(reason)s") % {"code": code, "reason": " ".join(exc.messages)})
            return code, None
        cache = context.state["enterprises"]
        if code not in cache:
            cache[code] = Enterprise.objects.filter(archived_at__isnull=True, credit_code=code).first()
        return code, cache[code]

    def _item(self, values, context: ImportContext, problems: list[str]) -> SupplyItem | None:
        text = cell_text(values.get("item"))
        if not text:
            self._empty("item", problems)
            return None
        item = context.state["items_by_text"].get(text)  # "name（specification）", as exported
        if item is not None:
            return item
        return self._one(context.state["items_by_name"].get(text, []), text, "item", problems,
                         missing=_("%(column)s: the catalogue has no supply item “%(value)s”."),
                         several=_("%(column)s: several supply items are called “%(value)s”; give it as "
                                   "“name（specification）”."))

    def _quantity(self, values, problems: list[str]) -> Decimal | None:
        label = self._label("quantity")
        text = cell_text(values.get("quantity")).replace(",", "").replace("，", "")
        if not text:
            self._empty("quantity", problems)
            return None
        try:
            return stock_services._quantity(text)
        except ValidationError as exc:
            problems.append(_("%(column)s “%(value)s”: %(reason)s") % {
                "column": label, "value": text, "reason": " ".join(exc.messages)})
            return None

    # Rows ---------------------------------------------------------------------------------------

    def _contract(self, values, context: ImportContext, problems: list[str]) -> tuple[dict[str, Any], dict]:
        """The contract columns, cleaned, and their comparable forms (a bad cell compares as typed)."""
        code, enterprise = self._enterprise(values, context, problems)
        where = cell_text(values.get("warehouse"))
        data: dict[str, Any] = {
            "contract_number": self._text(values, "contract_number", 50, problems, required=True),
            "supplier_name": self._text(values, "supplier_name", 200, problems, required=enterprise is None),
            "enterprise": enterprise,
            "valid_from": self._date(values, "valid_from", problems),
            "valid_until": self._date(values, "valid_until", problems),
            "delivery_hours": self._hours(values, problems),
            "contact_name": self._text(values, "contact_name", 50, problems, required=True),
            "contact_phone": self._phone(values, "contact_phone", problems, required=True),
            "note": self._text(values, "note", 300, problems, required=False),
            "warehouse": self._warehouse(where, context, problems, key="warehouse") if where else None,
        }
        if data["valid_from"] and data["valid_until"] and data["valid_until"] < data["valid_from"]:
            problems.append(_("%(until)s %(end)s is before %(from)s %(start)s.") % {
                "until": self._label("valid_until"), "end": data["valid_until"].isoformat(),
                "from": self._label("valid_from"), "start": data["valid_from"].isoformat()})
        same = {key: cell_text(values.get(key)) for key in CONTRACT_KEYS}
        for key in ("valid_from", "valid_until", "delivery_hours", "warehouse"):
            if data[key] is not None:
                same[key] = data[key].pk if key == "warehouse" else data[key]
        same["credit_code"] = code
        return data, same

    def _agrees(self, number: str, same: dict, context: ImportContext, problems: list[str]) -> None:
        """The contract columns against the contract's first row in the file."""
        first = context.state["contracts"].setdefault(number, {"same": same, "items": set()})["same"]
        if first is same:
            return
        for key in CONTRACT_KEYS:
            if first[key] != same[key]:
                problems.append(_("%(column)s “%(value)s” differs from the first row of contract %(contract)s "
                                  "(“%(first)s”); the rows of one contract must agree.") % {
                    "column": self._label(key), "value": cell_text(same[key]), "contract": number,
                    "first": cell_text(first[key])})

    def clean_row(self, values: dict[str, Any], context: ImportContext) -> dict[str, Any]:
        problems: list[str] = []
        data, same = self._contract(values, context, problems)
        number = data["contract_number"]
        if number and number in context.state["registered"]:
            problems.append(_("Contract %(contract)s is already registered; an import only adds new contracts.")
                            % {"contract": number})
        elif number:
            self._agrees(number, same, context, problems)
        cleaned = {
            **data,
            "item": self._item(values, context, problems),
            "quantity": self._quantity(values, problems),
            "capacity_note": self._text(values, "capacity_note", 300, problems, required=False),
        }
        if number and cleaned["item"] is not None and number not in context.state["registered"]:
            items = context.state["contracts"][number]["items"]
            if cleaned["item"].pk in items:
                problems.append(_("%(item)s is already listed for contract %(contract)s in an earlier row.") % {
                    "item": cleaned["item"], "contract": number})
            items.add(cleaned["item"].pk)
        if problems:
            raise RowError(*problems)
        return cleaned

    def display_row(self, cleaned: dict[str, Any]) -> list[str]:
        agreement = ReserveAgreement(**{k: cleaned[k] for k in svc.RESERVE_FIELDS})
        if agreement.enterprise_id and not agreement.supplier_name:
            agreement.supplier_name = agreement.enterprise.name
        line = ReserveLine(agreement=agreement, **{k: cleaned[k] for k in LINE_KEYS})
        return [cell_text(v) for v in reserve_values(line)]

    def commit(self, rows: Iterable[tuple[int, dict[str, Any]]], acting_user, *,
               context: ImportContext | None = None, progress=None) -> int:
        """One reserve_create per contract (all its rows); an error lands on the contract's first line."""
        context = context or ImportContext(user=acting_user)
        contracts: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        for line, cleaned in rows:
            contracts.setdefault(cleaned["contract_number"], []).append((line, cleaned))
        errors, done = [], 0
        for members in contracts.values():
            try:
                with transaction.atomic():
                    self.commit_row([cleaned for _line, cleaned in members], acting_user, context)
            except (RowError, ValidationError, IntegrityError) as exc:
                errors.append({"line": members[0][0], "reason": reason_of(exc)})
            done += len(members)
            if progress is not None:
                progress(done)
        if errors:
            raise ImportRowsFailed(errors)
        return done

    def commit_row(self, cleaned: list[dict[str, Any]], acting_user, context: ImportContext) -> ReserveAgreement:
        """Create one contract from all its rows (`cleaned` is the list of the contract's cleaned rows)."""
        data = {k: cleaned[0][k] for k in svc.RESERVE_FIELDS}
        lines = [{k: row[k] for k in LINE_KEYS} for row in cleaned]
        return self._create(svc.reserve_create, acting_user, lines=lines, **data)


def reserve_values(line: ReserveLine) -> list[Any]:
    """One agreement line with its contract's columns, in ReserveImport.columns order. Needs the agreement (with
    enterprise and warehouse) and the item loaded."""
    a = line.agreement
    return [a.contract_number, a.supplier_name, a.enterprise.credit_code if a.enterprise_id else "", a.valid_from,
            a.valid_until, a.delivery_hours, a.contact_name, a.contact_phone, a.note,
            warehouse_text(a.warehouse) if a.warehouse_id else "", str(line.item), line.quantity, line.capacity_note]


register_spec(ReserveImport())
