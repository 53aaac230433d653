"""Resource fixtures. Stock-ledger fixtures are prefixed `st_`, shelter fixtures `sh_` (append, don't rewrite)."""

from __future__ import annotations

import datetime

import pytest

from emergency.resources.stock.models import SupplyCategory, SupplyItem, Warehouse

# --- stock ledger (st_) -------------------------------------------------------------------------------


def st_make_warehouse(division, name: str, level: str = Warehouse.Level.SUBDISTRICT) -> Warehouse:
    return Warehouse.objects.create(name=name, level=level, division=division, address="河北区测试路1号",
                                    latitude=39.15, longitude=117.19, keeper="王库管", keeper_phone="13800000000")


@pytest.fixture
def st_category(db) -> SupplyCategory:
    return SupplyCategory.objects.create(name="测试生活物资")


@pytest.fixture
def st_item(st_category) -> SupplyItem:
    return SupplyItem.objects.create(name="瓶装水", category=st_category, unit="箱", specification="550ml×24")


@pytest.fixture
def st_other_item(st_category) -> SupplyItem:
    return SupplyItem.objects.create(name="折叠床", category=st_category, unit="张", shelf_life_days=3650)


@pytest.fixture
def st_district_wh(district) -> Warehouse:
    """The district warehouse (managed by the bureau only)."""
    return st_make_warehouse(district, "区级应急物资库", Warehouse.Level.DISTRICT)


@pytest.fixture
def st_wh_a(guangfu) -> Warehouse:
    """A warehouse in subdistrict A (光复道), managed by subdistrict_officer."""
    return st_make_warehouse(guangfu, "光复道街物资库")


@pytest.fixture
def st_wh_b(wanghai) -> Warehouse:
    """A warehouse in subdistrict B (望海楼), managed by other_subdistrict_officer."""
    return st_make_warehouse(wanghai, "望海楼街物资库")


@pytest.fixture
def st_today() -> datetime.date:
    return datetime.date.today()


@pytest.fixture
def st_receive(bureau_officer):
    """Receive stock as the bureau: st_receive(warehouse, item, quantity, lot_number, expires_on=None)."""
    from emergency.resources.stock import services

    def _receive(warehouse, item, quantity, lot_number, *, expires_on=None, produced_on=None, user=None):
        movement = services.stock_receive(acting_user=user or bureau_officer, warehouse=warehouse, item=item,
                                          quantity=quantity, reason="procurement", lot_number=lot_number,
                                          expires_on=expires_on, produced_on=produced_on)
        return movement.lot

    return _receive


# --- shelters (sh_) -----------------------------------------------------------------------------------


def sh_make_shelter(division, name: str = "测试避难场所", *, area=150, user=None, lat=39.15, lng=117.19, **extra):
    """A shelter created through the service (as the bureau unless `user` is given)."""
    from conftest import make_user
    from emergency.accounts.models import User
    from emergency.resources.shelters import services

    if user is None:
        user = User.objects.filter(role="bureau_staff").first() or make_user("sh_bureau", "bureau_staff")
    data = {"kind": "emergency", "indoor": True, "stay_class": "I", "admin_level": "subdistrict",
            "effective_area_m2": area, "manager": "赵站长", "manager_phone": "13700000000",
            "address": "河北区测试路9号", "latitude": lat, "longitude": lng, "location_approximate": False,
            "has_water": True, "has_power": True, **extra}
    return services.shelter_create(acting_user=user, name=name, division=division, **data)


@pytest.fixture
def sh_shelter_a(guangfu, bureau_officer):
    """A standby shelter in subdistrict A (光复道) with 150 m² → 100 places."""
    return sh_make_shelter(guangfu, "光复道测试避难场所", user=bureau_officer)


@pytest.fixture
def sh_shelter_b(wanghai, bureau_officer):
    """A standby shelter in subdistrict B (望海楼) with 150 m² → 100 places."""
    return sh_make_shelter(wanghai, "望海楼测试避难场所", user=bureau_officer, lat=39.16, lng=117.20)


@pytest.fixture
def sh_open_a(sh_shelter_a, bureau_officer):
    """Shelter A, opened by the bureau."""
    from emergency.resources.shelters import services

    return services.shelter_open(acting_user=bureau_officer, shelter=sh_shelter_a)


@pytest.fixture
def sh_area_rule(db):
    """Set the rules table's area per person: sh_area_rule(2.0)."""
    from emergency.core import rules
    from emergency.core.models import Rule

    key = "shelter.area_per_person_m2"

    def _set(value):
        Rule.objects.filter(key=key).update(value=value)
        rules.forget(key)

    yield _set
    rules.forget(key)


@pytest.fixture
def st_english():
    """Service messages in their English source form (the UI default is zh-Hans once translated)."""
    from django.utils import translation

    with translation.override("en"):
        yield


# --- teams, experts, equipment, agreement reserves (tm_) ----------------------------------------------


def tm_make_team(division, name: str = "测试救援队", *, user=None, kind="grassroots", **extra):
    """A rescue team created through the service (as the bureau unless `user` is given)."""
    from conftest import make_user
    from emergency.accounts.models import User
    from emergency.resources.teams import services as services_teams

    if user is None:
        user = User.objects.filter(role="bureau_staff").first() or make_user("tm_bureau", "bureau_staff")
    data = {"specialty": "flood", "owner_unit": "河北区应急管理局", "leader": "孙队长", "duty_phone": "022-26260001",
            "base_address": "河北区测试路3号", "latitude": 39.15, "longitude": 117.19, **extra}
    return services_teams.team_create(acting_user=user, name=name, kind=kind, division=division, **data)


@pytest.fixture
def tm_team_a(guangfu, bureau_officer):
    """A grassroots team of subdistrict A (光复道)."""
    return tm_make_team(guangfu, "光复道街应急救援队", user=bureau_officer)


@pytest.fixture
def tm_team_b(wanghai, bureau_officer):
    """A grassroots team of subdistrict B (望海楼)."""
    return tm_make_team(wanghai, "望海楼街应急救援队", user=bureau_officer, latitude=39.16, longitude=117.20)


@pytest.fixture
def tm_social_a(guangfu, bureau_officer):
    """A social force (蓝天救援队-style volunteers) in subdistrict A."""
    return tm_make_team(guangfu, "测试蓝天救援队", user=bureau_officer, kind="social", specialty="other",
                        owner_unit="河北区志愿者协会")


@pytest.fixture
def st_english_pages(client, st_english, settings):
    """Pages in English too (the language cookie, as the language switch sets it)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
