"""Named personas (healthchecks style) shared by every test module."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from emergency.accounts.models import User
from emergency.core import services
from emergency.core.models import Department, Division
from emergency.core.roles import Role

PASSWORD = "Persona#2026"


def make_user(username: str, role: str, **extra) -> User:
    user = User(username=username, full_name=username, role=role, must_change_password=False,
                password_changed_at=timezone.now(), email=f"{username}@test.local", **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def district(db) -> Division:
    return Division.objects.get(code="120105")


@pytest.fixture
def guangfu(db) -> Division:
    return Division.objects.get(code="120105001")


@pytest.fixture
def wanghai(db) -> Division:
    return Division.objects.get(code="120105002")


@pytest.fixture
def bureau_admin(db) -> User:
    user = make_user("bureau_admin_p", Role.BUREAU_ADMIN)
    TOTPDevice.objects.create(user=user, name="t", confirmed=True)
    return user


@pytest.fixture
def bureau_officer(db) -> User:
    return make_user("bureau_officer", Role.BUREAU_STAFF)


@pytest.fixture
def department_clerk(db) -> User:
    return make_user("dept_clerk", Role.DEPARTMENT, department=Department.objects.get(name="区住建委"))


@pytest.fixture
def subdistrict_officer(guangfu) -> User:
    return make_user("sub_officer_a", Role.SUBDISTRICT, division=guangfu)


@pytest.fixture
def other_subdistrict_officer(wanghai) -> User:
    return make_user("sub_officer_b", Role.SUBDISTRICT, division=wanghai)


def _registrar() -> User:
    """The bureau clerk who registers the test enterprises (services refuse an anonymous actor)."""
    return User.objects.filter(username="registrar").first() or make_user("registrar", Role.BUREAU_STAFF)


def make_enterprise(name: str, serial: int, division: Division, **extra):
    from emergency.enterprises import services as enterprise_services
    from emergency.lib.credit_code import complete

    fields = {"industry": "C", "address": "河北区某路1号", "legal_representative": "张三", **extra}
    return enterprise_services.enterprise_create(
        acting_user=_registrar(), name=name, credit_code=complete(f"91120105MA{serial:07d}"), division=division,
        **fields)


@pytest.fixture
def enterprise_a(guangfu):
    """An enterprise in subdistrict A (光复道)."""
    return make_enterprise("甲化工有限公司", 1, guangfu, hazardous_chemicals=True)


@pytest.fixture
def enterprise_b(wanghai):
    """An enterprise in subdistrict B (望海楼)."""
    return make_enterprise("乙机械有限公司", 2, wanghai)


@pytest.fixture
def enterprise_manager(enterprise_a) -> User:
    """The safety manager of enterprise A."""
    return make_user("ent_manager", Role.ENTERPRISE, enterprise=enterprise_a)


@pytest.fixture
def other_enterprise_manager(enterprise_b) -> User:
    return make_user("ent_manager_b", Role.ENTERPRISE, enterprise=enterprise_b)


@pytest.fixture
def expert(db) -> User:
    return make_user("expert_p", Role.EXPERT)


@pytest.fixture
def system_admin(db) -> User:
    return make_user("sys_admin_p", Role.SYSTEM_ADMIN)


@pytest.fixture
def security_admin(db) -> User:
    return make_user("sec_admin_p", Role.SECURITY_ADMIN)


@pytest.fixture
def audit_admin(db) -> User:
    return make_user("audit_admin_p", Role.AUDIT_ADMIN)


@pytest.fixture
def community_a(guangfu, bureau_officer) -> Division:
    """A community in subdistrict A (光复道)."""
    return services.division_create(acting_user=bureau_officer, code="120105001901", name="测试甲社区",
                                    level="community", parent=guangfu, contact_phone="13912345678")


@pytest.fixture
def community_b(wanghai, bureau_officer) -> Division:
    """A community in subdistrict B (望海楼)."""
    return services.division_create(acting_user=bureau_officer, code="120105002901", name="测试乙社区",
                                    level="community", parent=wanghai)


def login(client, user: User, *, verified: bool = True):
    """Log a persona in; admin roles get their second factor marked verified."""
    client.force_login(user)
    if verified:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None and user.role in ("bureau_admin", "system_admin", "security_admin", "audit_admin"):
            device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
        if device is not None:
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
    return client


@pytest.fixture
def as_user(client):
    def _as(user: User, **kw):
        return login(client, user, **kw)

    return _as


@pytest.fixture(autouse=True)
def _reference_data_in_transactional_tests(request):
    """Transactional tests flush the database afterwards, taking the migration-loaded reference data
    (district, subdistricts, departments, rules) with it; put it back for the next one."""
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        from emergency.core import reference, rules
        from emergency.core.models import Rule

        reference.load()
        rules.load_defaults(Rule)
    yield


def pytest_collection_modifyitems(items):
    """Transactional tests (live_server, transactional_db) run after every other test: the flush that
    follows each of them empties the database, and a test that fetches its personas through
    request.getfixturevalue() looks database-free to pytest-django, which would schedule it after them.
    pytest-django's own ordering hook is tryfirst, so this stable sort refines its order."""

    def transactional(item) -> bool:
        marker = item.get_closest_marker("django_db")
        names = getattr(item, "fixturenames", ())
        return ("transactional_db" in names or "live_server" in names
                or bool(marker and (marker.kwargs.get("transaction") or marker.args[:1] == (True,))))

    items.sort(key=transactional)
