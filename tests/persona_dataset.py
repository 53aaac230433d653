"""The small dataset the persona × URL matrix (tests/test_persona_matrix.py) requests its object URLs against.

Built once per test through the project's services, never the demo seed. Every scoped object comes twice: side A
lies in 光复道 (guangfu) — enterprise_a (industry E, construction), its risk point, inspection task, hidden hazard,
a warehouse, shelter, team… — and side B in 望海楼 (wanghai) with enterprise_b (industry C, manufacturing). The plan
objects come four times: 区住建委's (department_clerk's department), 区财政局's, and the two subdistrict offices'
(task 3 is allocated to the group 各街道办事处, so to each office).

`Dataset.args(kind, persona)` answers, for a kind of URL argument, the values to request as {variant: value}:
{"in": …, "out": …} for a scoped object (what lies inside the persona's jurisdiction, and what does not), one
value {"": …} for an object that has no jurisdiction (the plan, an expert, a department), or one variant per name
(import registers, map layers). `KIND_NOTES` says what "in" and "out" are for each kind.

Resources models are looked up through the app registry and their services by name (`resource_service`): the
app is being split into sub-packages and its module paths move.
"""

from __future__ import annotations

import datetime
import importlib
import pkgutil
from dataclasses import dataclass, field

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import make_user
from emergency.core.models import AuditEvent, Department, ImportJob
from emergency.core.roles import Role

# Persona → its conftest fixture (anonymous has none).
PERSONA_FIXTURES = {
    "anon": None,
    "bureau_admin": "bureau_admin",
    "bureau_officer": "bureau_officer",
    "department_clerk": "department_clerk",
    "subdistrict_officer": "subdistrict_officer",
    "other_subdistrict_officer": "other_subdistrict_officer",
    "enterprise_manager": "enterprise_manager",
    "expert": "expert",
    "system_admin": "system_admin",
    "security_admin": "security_admin",
    "audit_admin": "audit_admin",
}
PERSONAS = tuple(PERSONA_FIXTURES)

# The side whose objects lie inside the persona's jurisdiction. Personas without one (the bureau sees both,
# experts, the separated admins and anonymous see neither) are given side A as their "in".
SIDE_B_PERSONAS = {"other_subdistrict_officer"}

KIND_NOTES = {
    "division": "a community under guangfu / under wanghai",
    "enterprise, risk_point, risk_point_token, inspection_task, hazard, attachment":
        "enterprise_a's (guangfu, industry E) / enterprise_b's (wanghai, industry C); the attachment is a "
        "photo of the hazard",
    "assignment, report, notice": "subdistrict officers: their subdistrict office's / the other office's (task 3, "
                                  "allocated to the group 各街道办事处); everyone else: 区住建委's / 区财政局's",
    "import_job": "uploaded by the subdistrict officer of the persona's side / of the other side",
    "notification": "the persona's own (anonymous: another user's) / another user's",
    "user": "the persona's own account (anonymous: another) / another account",
    "warehouse, shelter, shelter_token, stay, team, equipment, document, disposal":
        "in guangfu / in wanghai (a stay: a family in that shelter; a document: issued from that warehouse)",
    "transfer": "received by the guangfu warehouse (sent from wanghai) / received in wanghai (sent from guangfu)",
    "sector": "the row E → 区住建委 (department_clerk's) / C → 区发改委",
}


_SERVICES: dict[str, object] = {}


def resource_service(name: str):
    """A service function of the resources app found by name in any of its `*services*` modules."""
    if name not in _SERVICES:
        package = importlib.import_module("emergency.resources")
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            last = info.name.rsplit(".", 1)[-1]
            if ".tests" in info.name or ".migrations" in info.name or "services" not in last:
                continue
            module = importlib.import_module(info.name)
            found = getattr(module, name, None)
            if callable(found) and getattr(found, "__module__", None) == module.__name__:
                _SERVICES[name] = found
                break
        else:
            raise LookupError(f"No resources service called {name}")
    return _SERVICES[name]


def _model(name: str):
    return apps.get_model("resources", name)


@dataclass
class Dataset:
    users: dict  # persona → User (anonymous: None)
    helper: object  # a bureau clerk who drafts what the bureau personas then decide (four eyes)
    pairs: dict = field(default_factory=dict)  # kind → (side A value, side B value)
    singles: dict = field(default_factory=dict)  # kind → value
    plan_objects: dict = field(default_factory=dict)  # kind → {"zhujian"|"caizheng"|"streets_a"|"streets_b": value}
    named: dict = field(default_factory=dict)  # kind → {variant name: value}
    own: dict = field(default_factory=dict)  # kind → {persona: the persona's own, "anon": someone else's}

    def args(self, kind: str, persona: str) -> dict:
        """{variant: URL argument} for this kind of argument as `persona` requests it."""
        if kind in self.singles:
            return {"": self.singles[kind]}
        if kind in self.named:
            return dict(self.named[kind])
        if kind in self.plan_objects:
            objs = self.plan_objects[kind]
            inside, outside = {"subdistrict_officer": ("streets_a", "streets_b"),
                               "other_subdistrict_officer": ("streets_b", "streets_a")}.get(
                persona, ("zhujian", "caizheng"))
            return {"in": objs[inside], "out": objs[outside]}
        if kind in self.own:
            other = self.own[kind]["anon"]
            return {"in": self.own[kind].get(persona) or other, "out": other}
        a, b = self.pairs[kind]
        return {"in": b, "out": a} if persona in SIDE_B_PERSONAS else {"in": a, "out": b}


def build(request) -> Dataset:
    get = request.getfixturevalue
    users = {p: (get(f) if f else None) for p, f in PERSONA_FIXTURES.items()}
    bureau = users["bureau_officer"]
    helper = make_user("matrix_helper", Role.BUREAU_STAFF)
    ds = Dataset(users=users, helper=helper)
    _core(ds, get, bureau)
    _prevention(ds, get, bureau)
    _plans(ds, get, bureau)
    _resources(ds, get, bureau)
    ds.singles["audit_event"] = AuditEvent.objects.order_by("pk").values_list("pk", flat=True).first()
    from emergency.core.imports.registry import all_specs

    ds.named["register"] = {spec.name: spec.name for spec in all_specs()}
    return ds


def _core(ds: Dataset, get, bureau) -> None:
    ds.pairs["division"] = (get("community_a").pk, get("community_b").pk)
    ds.singles["department"] = Department.objects.get(name="区应急局").pk
    sub_a, sub_b = ds.users["subdistrict_officer"], ds.users["other_subdistrict_officer"]
    jobs = [ImportJob.objects.create(register="divisions", file=f"imports/matrix-{u.username}.xlsx",
                                     original_name="社区.xlsx", status=ImportJob.Status.DONE, created_by=u)
            for u in (sub_a, sub_b)]
    ds.pairs["import_job"] = (jobs[0].pk, jobs[1].pk)
    # Accounts: the persona's own and another one.
    ds.own["user"] = {**{p: u.pk for p, u in ds.users.items() if u is not None}, "anon": ds.helper.pk}
    # Notifications: one for each signed-in persona (no target: always visible to its recipient), one for another.
    from emergency.core.notifications import notify

    ds.own["notification"] = {p: notify(recipients=[u], title=f"给{p}的通知", channel_names=())[0].pk
                              for p, u in ds.users.items() if u is not None}
    ds.own["notification"]["anon"] = notify(recipients=[ds.helper], title="别人的通知", channel_names=())[0].pk


def _prevention(ds: Dataset, get, bureau) -> None:
    from emergency.core.attachments import attachment_add
    from emergency.enterprises import services as enterprise_services
    from emergency.prevention import services

    enterprise_a, enterprise_b = get("enterprise_a"), get("enterprise_b")
    # Soon a department sees its sector's enterprises: 区住建委 (department_clerk) supervises E, not C.
    enterprise_services.enterprise_update(acting_user=bureau, enterprise=enterprise_a, data={"industry": "E"})
    managers = (ds.users["enterprise_manager"], get("other_enterprise_manager"))
    points, tasks, hazards, photos = [], [], [], []
    for enterprise, manager in zip((enterprise_a, enterprise_b), managers, strict=True):
        point = services.risk_point_create(acting_user=manager, enterprise=enterprise, name="液氨储罐区",
                                           kind="facility", control_level=4, responsible_person="李工",
                                           responsible_phone="13800001111", location="厂区东侧")
        services.hazard_factor_add(acting_user=manager, point=point, code="2101", description="储罐腐蚀泄漏")
        services.control_measure_add(acting_user=manager, point=point, kind="engineering",
                                     description="保持液位计完好", check_item="液位计完好")
        tasks.append(services.inspection_tasks_current(acting_user=manager, point=point, now=timezone.now())[0])
        hazard = services.hazard_report(acting_user=manager, enterprise=enterprise, title="储罐区法兰泄漏",
                                        risk_point=point)
        photos.append(attachment_add(acting_user=manager, parent=hazard, uploaded=SimpleUploadedFile(
            "现场记录.txt", "法兰渗漏".encode(), content_type="text/plain")))
        points.append(point)
        hazards.append(hazard)
    ds.pairs["enterprise"] = (enterprise_a.pk, enterprise_b.pk)
    ds.pairs["risk_point"] = tuple(p.pk for p in points)
    ds.pairs["risk_point_token"] = tuple(p.qr_token for p in points)
    ds.pairs["inspection_task"] = tuple(t.pk for t in tasks)
    ds.pairs["hazard"] = tuple(h.pk for h in hazards)
    ds.pairs["attachment"] = tuple(a.token for a in photos)
    # The industry → supervising department table, as its migration loads it (when the app has it).
    try:
        sectors = apps.get_model("enterprises", "SectorSupervision").objects.filter(archived_at__isnull=True)
    except LookupError:
        return
    ds.pairs["sector"] = tuple(sectors.get(industry=code, department__name=name).pk
                               for code, name in (("E", "区住建委"), ("C", "区发改委")))


def _plans(ds: Dataset, get, bureau) -> None:
    from emergency.plan_supervision import services
    from emergency.plan_supervision.tests import builders

    plan = builders.import_plan(bureau)
    quarter = builders.period_on(plan, datetime.date(2023, 1, 1))
    finance_clerk = make_user("matrix_finance", Role.DEPARTMENT, department=Department.objects.get(name="区财政局"))
    # Task 3 goes to the group 各街道办事处, that is to each subdistrict office.
    who = {"zhujian": (2, "区住建委", ds.users["department_clerk"]), "caizheng": (4, "区财政局", finance_clerk),
           "streets_a": (3, "光复道街道办事处", ds.users["subdistrict_officer"]),
           "streets_b": (3, "望海楼街道办事处", ds.users["other_subdistrict_officer"])}
    assignments, reports, notices = {}, {}, {}
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    for key, (number, department, reporter) in who.items():
        assignment = builders.assignment(plan, number, department)
        assignments[key] = assignment.pk
        reports[key] = services.report_save(acting_user=reporter, assignment=assignment, period=quarter,
                                            narrative="按计划推进。", percent_complete=50, status="on_track",
                                            submit=True).pk
        notices[key] = services.notice_issue(acting_user=bureau, item=assignment.item,
                                             department=assignment.department, content="请加快进度。",
                                             deadline=deadline).pk
    ds.singles["plan"] = plan.pk
    ds.singles["item"] = builders.task(plan, 2).pk
    ds.singles["period"] = quarter.pk
    ds.plan_objects.update(assignment=assignments, report=reports, notice=notices)


def _resources(ds: Dataset, get, bureau) -> None:
    guangfu, wanghai = get("guangfu"), get("wanghai")
    category = _model("SupplyCategory").objects.create(name="矩阵测试物资")
    item = _model("SupplyItem").objects.create(name="瓶装水", category=category, unit="箱", specification="550ml×24")
    warehouses, lots, shelters, stays, teams, equipment = [], [], [], [], [], []
    receive = resource_service("stock_receive")
    for division, name, lat in ((guangfu, "光复道", 39.15), (wanghai, "望海楼", 39.16)):
        warehouse = _model("Warehouse").objects.create(
            name=f"{name}街物资库", level="subdistrict", division=division, address="河北区测试路1号", latitude=lat,
            longitude=117.19, keeper="王库管", keeper_phone="13800000000")
        warehouses.append(warehouse)
        lots.append(receive(acting_user=bureau, warehouse=warehouse, item=item, quantity=10, reason="procurement",
                            lot_number=f"L-{name}").lot)
        shelter = resource_service("shelter_create")(
            acting_user=bureau, name=f"{name}测试避难场所", division=division, kind="emergency", indoor=True,
            stay_class="I", admin_level="subdistrict", effective_area_m2=150, manager="赵站长",
            manager_phone="13700000000", address="河北区测试路9号", latitude=lat, longitude=117.19,
            location_approximate=False, has_water=True, has_power=True)
        resource_service("shelter_open")(acting_user=bureau, shelter=shelter)
        stays.append(resource_service("shelter_check_in")(acting_user=bureau, shelter=shelter, head_name="张某",
                                                          people=2, phone="13900000001"))
        shelters.append(shelter)
        team = resource_service("team_create")(
            acting_user=bureau, name=f"{name}街应急救援队", kind="grassroots", division=division, specialty="flood",
            owner_unit="河北区应急管理局", leader="孙队长", duty_phone="022-26260001", base_address="河北区测试路3号",
            latitude=lat, longitude=117.19)
        teams.append(team)
        equipment.append(resource_service("equipment_create")(acting_user=bureau, name="排水泵", quantity=1,
                                                              team=team))
    send = resource_service("transfer_send")
    transfers = (send(acting_user=bureau, lot=lots[1], destination=warehouses[0], quantity=1),
                 send(acting_user=bureau, lot=lots[0], destination=warehouses[1], quantity=1))
    disposals = [resource_service("disposal_request")(acting_user=ds.helper, lot=lot, quantity=1, reason="包装破损")
                 for lot in lots]
    documents = [resource_service("document_create")(acting_user=ds.helper, kind="issue", warehouse=w,
                                                      reason="incident", lines=[{"item": item, "quantity": 1}])
                 for w in warehouses]
    expert = resource_service("expert_create")(acting_user=bureau, name="李专家", field_earthquake=True,
                                                phone="13900000000")
    today = timezone.localdate()
    reserve = resource_service("reserve_create")(
        acting_user=bureau, contract_number="C-矩阵-1", supplier_name="某供应商", valid_from=today,
        valid_until=today + datetime.timedelta(days=365), delivery_hours=6, contact_name="周",
        contact_phone="13600000000", lines=[{"item": item, "quantity": 5}])
    for kind, objs in (("warehouse", warehouses), ("shelter", shelters), ("stay", stays), ("team", teams),
                       ("equipment", equipment), ("transfer", transfers), ("disposal", disposals),
                       ("document", documents)):
        ds.pairs[kind] = tuple(o.pk for o in objs)
    ds.pairs["shelter_token"] = tuple(s.qr_token for s in shelters)
    ds.singles["expert"] = expert.pk
    ds.singles["reserve"] = reserve.pk
    ds.singles["supply_item"] = item.pk
