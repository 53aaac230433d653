"""Domains plug in; core does not know them (issue 10 §2).

Core, the API and lib import no domain app; each domain registers its navigation, rules, API routes, demo
data and to-do providers from its AppConfig.ready() (core/registry.py), and these tests check each registry
with a fake domain or with the installed ones.
"""

from __future__ import annotations

import ast
import datetime
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import resolve, reverse
from django.utils import timezone, translation

from conftest import login, make_user
from emergency.core import registry, rules
from emergency.core.models import Department, Rule
from emergency.core.roles import GOVERNMENT_ROLES, Role


@pytest.fixture(autouse=True)
def _in_english():
    """The messages and labels are compared in English (the UI's default language is Chinese)."""
    with translation.override("en"):
        yield


# --- core, api and lib import no domain --------------------------------------------------------------------

DOMAINS = ("plan_supervision", "enterprises", "prevention", "resources", "accounts")
ROOT = Path(settings.BASE_DIR) / "emergency"


def _modules(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield path


def _imports(path: Path) -> set[str]:
    """Every absolute module name a file imports, at module level or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


@pytest.mark.parametrize("package", ["core", "api", "lib"])
def test_core_api_and_lib_import_no_domain_app(package):
    offending = {
        f"{path.relative_to(ROOT.parent)}: {name}"
        for path in _modules(package) for name in _imports(path)
        if any(name == f"emergency.{d}" or name.startswith(f"emergency.{d}.") for d in DOMAINS)
    }
    assert not offending, "core/api/lib must reach domains through the registries:\n" + "\n".join(sorted(offending))


def test_the_import_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from emergency.accounts.models import User\n    import emergency.resources\n")
    assert {"emergency.accounts.models", "emergency.resources"} <= _imports(module)


# --- navigation --------------------------------------------------------------------------------------------


@pytest.fixture
def fake_nav(monkeypatch):
    """A fake domain's entry, registered for one test only."""
    monkeypatch.setattr(registry, "_NAV", dict(registry._NAV))
    registry.register_nav(registry.NavEntry("drills", "Drills", "core:map", order=150, roles={Role.EXPERT}))


def _keys(user) -> list[str]:
    return [item["key"] for item in registry.nav_for(user)]


def test_a_domains_nav_entry_is_shown_only_to_its_roles_and_in_its_place(fake_nav, expert, bureau_officer):
    assert _keys(expert) == ["home", "divisions", "drills", "expert_me", "departments", "map", "api"]
    assert "drills" not in _keys(bureau_officer)


def test_a_nav_entry_may_decide_by_a_predicate(monkeypatch, expert, bureau_officer):
    monkeypatch.setattr(registry, "_NAV", dict(registry._NAV))
    registry.register_nav(registry.NavEntry("mine", "Mine", "core:map", order=150,
                                            allowed=lambda user: user.username == "expert_p"))
    assert "mine" in _keys(expert) and "mine" not in _keys(bureau_officer)


def test_an_entry_whose_pages_are_not_mounted_is_not_shown(monkeypatch, bureau_officer):
    monkeypatch.setattr(registry, "_NAV", dict(registry._NAV))
    registry.register_nav(registry.NavEntry("ghost", "Ghost", "ghost:list", order=150, roles=GOVERNMENT_ROLES))
    assert "ghost" not in _keys(bureau_officer)


def test_by_default_a_nav_entry_is_hidden_from_the_separated_administrators(monkeypatch, audit_admin, expert):
    monkeypatch.setattr(registry, "_NAV", dict(registry._NAV))
    registry.register_nav(registry.NavEntry("drills", "Drills", "core:map", order=150))
    assert "drills" in _keys(expert) and "drills" not in _keys(audit_admin)


def test_the_installed_domains_navigation(bureau_officer, department_clerk, expert, system_admin, security_admin,
                                          audit_admin):
    bureau = _keys(bureau_officer)
    assert bureau[:2] == ["home", "divisions"] and bureau[-3:] == ["departments", "map", "api"]
    assert [k for k in bureau if k in {"plans", "enterprises", "prevention", "resources"}] == [
        "plans", "enterprises", "prevention", "resources"]
    assert {"plans", "resources"} <= set(_keys(department_clerk))
    assert _keys(expert) == ["home", "divisions", "expert_me", "departments", "map", "api"]
    assert _keys(system_admin) == ["accounts", "api"]
    assert _keys(security_admin) == ["accounts", "policy", "api"]
    assert _keys(audit_admin) == ["audit", "api"]


def test_the_page_shell_uses_the_registry(client, expert):
    login(client, expert)
    resp = client.get("/")
    assert [item["key"] for item in resp.context["nav_items"]] == _keys(expert)


# --- rules -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", rules.registered(), ids=lambda r: r.key)
def test_every_registered_default_passes_its_own_schema(rule):
    rule.schema.validate(rule.value)


def test_the_domains_rules_are_registered_by_their_apps():
    keys = {r.key for r in rules.registered()}
    assert {"security.lockout_failures", "relief.basic_needs_hours", "prevention.lec_bands",
            "prevention.inspection_hours", "shelter.area_per_person_m2", "resources.expiry_warning_days"} <= keys
    assert len(rules.RULE_DEFAULTS) == len(keys)


@pytest.mark.parametrize(("key", "value", "message"), [
    ("prevention.no_inspection_days", 0, "at least 1"),
    ("prevention.no_inspection_days", "30", "whole number"),
    ("prevention.no_inspection_days", True, "whole number"),
    ("prevention.inspection_hours", {"1": 720, "2": 168, "3": 24}, "4"),
    ("prevention.inspection_hours", {"1": 720, "2": 168, "3": 24, "4": 0}, "4: "),
    ("prevention.escalation_days", {"enterprise": 0, "county": 3}, "county"),
    ("prevention.lec_bands", [[160, 1], [320, 2]], "lower than"),
    ("prevention.lec_bands", [[320, 2]], "1, 2, 3"),
    ("prevention.lec_values", {"l": [], "e": [1], "c": [1]}, "at least 1"),
    ("shelter.area_per_person_m2", 0, "above zero"),
    ("shelter.area_per_person_by_kind_m2", {"tent": 2.0}, "tent"),
    ("security.lockout_failures", 6, "baseline"),
    ("security.password_min_length", 7, "baseline"),
    ("security.password_min_classes", 5, "at most 4"),
    ("security.password_min_length", float("nan"), "whole number"),
])
def test_a_changed_value_is_refused_by_the_rules_schema_with_a_clear_message(key, value, message):
    with pytest.raises(ValidationError) as exc:
        rules.validate(key, value)
    assert message in " ".join(exc.value.messages), exc.value.messages


@pytest.mark.parametrize(("key", "value"), [
    ("prevention.inspection_hours", {"1": 360, "2": 96, "3": 12, "4": 4}),
    ("shelter.area_per_person_by_kind_m2", {"fixed": 2.0}),
    ("security.lockout_failures", 3),
    ("resources.expiry_warning_days", 0),
])
def test_a_value_the_schema_allows_passes(key, value):
    rules.validate(key, value)


def test_an_unknown_rule_is_refused():
    with pytest.raises(ValidationError):
        rules.validate("nobody.knows", 1)


def test_declaring_one_key_twice_differently_stops_the_start_up(monkeypatch):
    monkeypatch.setattr(rules, "_REGISTERED", dict(rules._REGISTERED))
    rule = rules.declaration("prevention.no_inspection_days")
    rules.register(rule)  # the same declaration again: harmless
    with pytest.raises(ImproperlyConfigured):
        rules.register(rules.RuleDefault(rule.key, 60, rule.unit, rule.description, rule.source, rule.confidence,
                                         rule.schema))


def test_a_default_its_schema_refuses_stops_the_start_up(monkeypatch):
    monkeypatch.setattr(rules, "_REGISTERED", dict(rules._REGISTERED))
    with pytest.raises(ImproperlyConfigured):
        rules.register(rules.RuleDefault("drills.per_year", 0, "次", "Drills a year", "test", "P",
                                         rules.Schema(int, min=1)))


@pytest.mark.django_db
def test_post_migrate_brings_every_registered_rule_to_the_database_and_keeps_changed_values(monkeypatch):
    monkeypatch.setattr(rules, "_REGISTERED", dict(rules._REGISTERED))
    rules.register(rules.RuleDefault("drills.per_year", 2, "次", "Drills a year", "test", "P",
                                     rules.Schema(int, min=1)))
    Rule.objects.filter(key="prevention.no_inspection_days").delete()
    Rule.objects.filter(key="security.lockout_minutes").update(value=60)
    rules.load_registered_rules(sender=None, apps=django_apps, using="default")
    assert Rule.objects.get(key="drills.per_year").value == 2
    assert Rule.objects.get(key="prevention.no_inspection_days").value == 30
    assert Rule.objects.get(key="security.lockout_minutes").value == 60
    assert rules.load_defaults(Rule) == 0  # idempotent


def test_the_policy_screen_refuses_a_value_with_the_schemas_message(client, security_admin):
    login(client, security_admin)
    resp = client.post("/accounts/policy/", {"key": "security.lockout_failures", "value": 9}, follow=True)
    errors = [str(m) for m in resp.context["messages"] if m.level_tag == "error"]
    assert errors and "5" in errors[0]  # the baseline it would fall below
    assert Rule.objects.get(key="security.lockout_failures").value == 5
    resp = client.post("/accounts/policy/", {"key": "security.password_min_classes", "value": 5}, follow=True)
    assert any("4" in str(m) for m in resp.context["messages"] if m.level_tag == "error")
    assert Rule.objects.get(key="security.password_min_classes").value == 3
    resp = client.post("/accounts/policy/", {"key": "security.lockout_failures", "value": 4}, follow=True)
    assert Rule.objects.get(key="security.lockout_failures").value == 4


# --- API routes --------------------------------------------------------------------------------------------


def test_the_api_router_contains_the_domains_routes():
    prefixes = {route.prefix for route in registry.api_routes()}
    assert "enterprises" in prefixes
    assert {urls.prefix for urls in registry.api_urls()} >= {"prevention/", "resources/"}
    assert reverse("api-me") == "/api/v1/me/"
    assert reverse("enterprise-list") == "/api/v1/enterprises/"
    assert reverse("division-list") == "/api/v1/divisions/"
    for path in ("/api/v1/prevention/risk-evaluations", "/api/v1/prevention/risk-points/",
                 "/api/v1/resources/nearby"):
        resolve(path)  # raises Resolver404 if the domain's URL list were not included


def test_the_api_root_lists_the_domains_router_entries(client, bureau_officer):
    login(client, bureau_officer)
    body = client.get("/api/v1/").json()
    assert {"divisions", "enterprises"} <= set(body)


# --- demo loaders ------------------------------------------------------------------------------------------


def test_the_demo_loaders_run_in_order_with_the_base_ones_first():
    loaders = registry.demo_loaders()
    names = [d.name for d in loaders]
    assert names[:2] == ["accounts.users", "core.divisions"]
    assert names.index("plan_supervision.plan") < names.index("prevention.enterprises") \
        < names.index("resources.stock_and_shelters")
    assert [d.name for d in registry.demo_loaders(base_only=True)] == names[:2]
    assert "bureau_admin" in next(d for d in loaders if d.name == "accounts.users").accounts


# --- to-do providers ---------------------------------------------------------------------------------------


def test_a_todo_entry_has_a_known_level():
    with pytest.raises(ValueError):
        registry.TodoEntry("x", 1, "/", level="urgent")


def test_todos_leave_out_empty_entries_and_the_separated_administrators(monkeypatch, expert, audit_admin):
    monkeypatch.setattr(registry, "_TODO", [])
    registry.register_todo(lambda user: [registry.TodoEntry("Drills to plan", 2, "/drills/"),
                                         registry.TodoEntry("Nothing", 0, "/")])
    assert [(e.label, e.count) for e in registry.todos_for(expert)] == [("Drills to plan", 2)]
    assert registry.todos_for(audit_admin) == []


def _counts(user) -> dict[str, int]:
    return {str(e.label): e.count for e in registry.todos_for(user)}


# plan supervision


@pytest.fixture
def plan_rows(db, bureau_officer):
    """A plan with a period open today, two departments' assignments and a way to add reports and notices."""
    from emergency.plan_supervision.models import Assignment, Item, Period, Plan

    today = timezone.localdate()
    plan = Plan.objects.create(document_number="测试〔2026〕1号", title="测试规划", issued_on=today,
                               start_year=today.year, end_year=today.year + 1)
    Period.objects.create(plan=plan, label="本期", starts_on=today - datetime.timedelta(days=10),
                          ends_on=today + datetime.timedelta(days=20))
    old = Period.objects.create(plan=plan, label="上期", starts_on=today - datetime.timedelta(days=100),
                                ends_on=today - datetime.timedelta(days=11))
    housing, finance = Department.objects.get(name="区住建委"), Department.objects.get(name="区财政局")

    class Rows:
        def add(self, start: int, stop: int) -> None:
            from emergency.plan_supervision.models import ProgressReport, SupervisionNotice

            for n in range(start, stop):
                item = Item.objects.create(plan=plan, kind="task", number=n + 1, order=n, title=f"任务{n}")
                for department in (housing, finance):
                    a = Assignment.objects.create(item=item, department=department, role="lead")
                    state = ("returned", "overdue")[n % 2]
                    ProgressReport.objects.create(assignment=a, period=old, state=state)
                    SupervisionNotice.objects.create(item=item, department=department, serial=f"DB-{department.pk}-{n}",
                                                     content="请报送", deadline=today, issued_by=bureau_officer)

    rows = Rows()
    rows.plan = plan
    return rows


def test_plan_todos_count_the_users_departments_only(plan_rows, department_clerk):
    plan_rows.add(0, 4)
    counts = _counts(department_clerk)
    # 区住建委's four assignments: none filed this period; two returned and two overdue reports; four notices.
    assert counts["Progress reports to write this period"] == 4
    assert counts["Progress reports returned to you"] == 2
    assert counts["Overdue progress reports"] == 2
    assert counts["Supervision notices to answer"] == 4
    assert "Progress reports to review" not in counts  # the bureau reviews
    entry = next(e for e in registry.todos_for(department_clerk) if e.count == 2)
    assert entry.url == reverse("plans:my", args=[plan_rows.plan.pk])


def test_plan_todos_run_a_bounded_number_of_queries(plan_rows, department_clerk, django_assert_max_num_queries):
    plan_rows.add(0, 2)
    registry.todos_for(department_clerk)  # warm up (content types, rule cache)
    with django_assert_max_num_queries(12) as few:
        registry.todos_for(department_clerk)
    plan_rows.add(2, 20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert _counts(department_clerk)["Progress reports to write this period"] == 20


# dual prevention


@pytest.fixture
def hazard_rows(enterprise_a, enterprise_b):
    from emergency.prevention.models import HiddenHazard

    def add(start: int, stop: int) -> None:
        HiddenHazard.objects.bulk_create([
            HiddenHazard(enterprise=enterprise, title=f"隐患{n}", state=state, overdue=overdue)
            for n in range(start, stop) for enterprise in (enterprise_a, enterprise_b)
            for state, overdue in (("identified", False), ("acceptance", False), ("rectifying", True))])

    return add


def test_prevention_todos_are_scoped_to_the_users_enterprise_or_area(hazard_rows, enterprise_manager,
                                                                     subdistrict_officer, bureau_officer):
    hazard_rows(0, 3)
    mine = _counts(enterprise_manager)
    assert mine["Hidden hazards to register"] == 3
    assert mine["Hidden hazards awaiting acceptance"] == 3
    assert mine["Overdue hidden hazards"] == 3
    area = _counts(subdistrict_officer)  # 光复道: enterprise A only
    assert area["Overdue hidden hazards"] == 3 and "Hidden hazards to register" not in area
    assert _counts(bureau_officer)["Overdue hidden hazards"] == 6


def test_prevention_todos_run_a_bounded_number_of_queries(hazard_rows, enterprise_manager, subdistrict_officer,
                                                          bureau_officer, django_assert_max_num_queries):
    users = (enterprise_manager, subdistrict_officer, bureau_officer)
    hazard_rows(0, 2)
    few = {}
    for user in users:
        registry.todos_for(user)  # warm up
        # Every installed domain's providers together: prevention, plans, resources (stock, teams, shelters), inbox.
        with django_assert_max_num_queries(16) as ctx:
            registry.todos_for(user)
        few[user.pk] = len(ctx.captured_queries)
    hazard_rows(2, 30)
    for user in users:
        with django_assert_max_num_queries(few[user.pk]):
            registry.todos_for(user)


def test_the_home_page_lists_the_todos_with_count_and_link(client, hazard_rows, enterprise_manager):
    hazard_rows(0, 2)
    login(client, enterprise_manager)
    page = client.get("/").content.decode()
    assert 'data-testid="todos"' in page
    assert f'href="{reverse("prevention:hazard_list")}?overdue=yes"' in page


def test_the_home_page_says_when_nothing_waits(client, db):
    user = make_user("quiet_expert", Role.EXPERT)
    login(client, user)
    resp = client.get("/")
    assert resp.context["todos"] == []
