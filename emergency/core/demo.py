"""Demo data: every app registers its loader (`registry.DemoLoader`); this module runs them.

Core's own part is the synthetic communities and grids (marked as such). The accounts (one per role) are the
accounts app's (`accounts/demo.py`), the plan notice plan supervision's, and so on; `manage.py seed_demo` runs
them all in order (`load_all`), and `load_demo` only the base ones that the browser tests need.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from . import reference, registry, services
from .models import Division
from .notifications import notify

# Shared by every demo account, whichever app creates it, and printed by seed_demo.
DEMO_PASSWORD = "Demo@2026"
# Fixed TOTP keys so that the demo's admin accounts can be used from any authenticator (hex, 20 bytes).
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"

COMMUNITY_NAMES = ["东风里", "红星路", "金钟河", "昆纬路", "新村", "宁园里", "靖江路", "月牙里"]


def _subdistrict_points() -> dict[str, tuple[float, float]]:
    path = Path(settings.BASE_DIR) / "static" / "geo" / "subdistricts.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    return {f["properties"]["code"]: (f["geometry"]["coordinates"][1], f["geometry"]["coordinates"][0])
            for f in data["features"]}


@transaction.atomic
def load_divisions(*, communities_per_subdistrict: int = 3, grids_per_community: int = 2) -> None:
    """Synthetic communities and grids under each subdistrict, and one notification for sub_guangfu."""
    User = get_user_model()  # noqa: N806 - core names no accounts module (issue 10 §2)
    rng = random.Random(120105)
    reference.load()
    admin = User.objects.get(username="bureau_admin")
    points = _subdistrict_points()
    for sub in Division.objects.filter(level=Division.Level.SUBDISTRICT):
        lat0, lng0 = points.get(sub.code, (39.1598, 117.1962))
        for i in range(1, communities_per_subdistrict + 1):
            code = f"{sub.code}{i:03d}"
            if Division.objects.filter(code=code).exists():
                continue
            name = f"{sub.name}{COMMUNITY_NAMES[(i + int(sub.code[-2:])) % len(COMMUNITY_NAMES)]}社区"
            community = services.division_create(
                acting_user=admin, code=code, name=name, level=Division.Level.COMMUNITY, parent=sub,
                population=rng.randint(4000, 12000), latitude=round(lat0 + rng.uniform(-0.004, 0.004), 6),
                longitude=round(lng0 + rng.uniform(-0.004, 0.004), 6), contact_name=f"社区书记{i}",
                contact_phone=f"139{rng.randint(10000000, 99999999)}", is_synthetic=True)
            for g in range(1, grids_per_community + 1):
                services.division_create(
                    acting_user=admin, code=f"{code}{g:03d}", name=f"{name}第{g}网格",
                    level=Division.Level.GRID, parent=community, population=rng.randint(800, 3000),
                    is_synthetic=True)
    guangfu = Division.objects.get(code="120105001")
    first = guangfu.children.order_by("code").first()
    sub_guangfu = User.objects.get(username="sub_guangfu")
    if first is not None and not sub_guangfu.notifications.exists():
        notify(recipients=[sub_guangfu], title="请核对社区联系人信息",
               body="演示通知：请核对本街道各社区的联系人和电话。", target=first,
               url=f"/divisions/{first.pk}/")


def _accounts(loaders: list[registry.DemoLoader]) -> list[tuple[str, str]]:
    """(username, role) of the accounts the loaders declare, in their order (one query)."""
    names = [name for loader in loaders for name in loader.accounts]
    users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
    return [(name, users[name].get_role_display()) for name in names if name in users]


@transaction.atomic
def load_demo(*, communities_per_subdistrict: int = 3, grids_per_community: int = 2) -> list[tuple[str, str]]:
    """The base demo: an account per role and the synthetic communities and grids (the `base` loaders; the
    sizes are for core's own). Returns the accounts as (username, role)."""
    loaders = registry.demo_loaders(base_only=True)
    for loader in loaders:
        if loader.load is load_divisions:
            load_divisions(communities_per_subdistrict=communities_per_subdistrict,
                           grids_per_community=grids_per_community)
        else:
            loader.run()
    return _accounts(loaders)


def load_all() -> list[tuple[str, str]]:
    """Every registered loader in order (what `manage.py seed_demo` runs); returns the accounts to print.
    Each loader is its own transaction, as each is idempotent: a failed run is simply run again."""
    loaders = registry.demo_loaders()
    for loader in loaders:
        loader.run()
    return _accounts(loaders)
