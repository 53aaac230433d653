"""The demo enterprise that the demo enterprise account belongs to: the accounts' demo loader asks for it when it
creates that account (accounts/demo.py). Dual prevention's demo adds sixty more (prevention/demo.py)."""

from __future__ import annotations

from django.db import transaction

from emergency.core.models import Division
from emergency.lib.credit_code import complete

from . import services
from .models import Enterprise

DEMO_ENTERPRISE = "天津示例化工有限公司（虚构）"


@transaction.atomic
def load_demo_enterprise(*, acting_user) -> Enterprise:
    """Idempotent: the existing one, or registered now by `acting_user` (the demo's bureau administrator)."""
    existing = Enterprise.objects.filter(name=DEMO_ENTERPRISE).first()
    if existing:
        return existing
    return services.enterprise_create(
        acting_user=acting_user, name=DEMO_ENTERPRISE, credit_code=complete("91120105MA0DEM001"), industry="C",
        above_scale=True, employees=120, division=Division.objects.get(code="120105001"),
        address="河北区光复道示例路1号（虚构）", legal_representative="孙示例", safety_manager="孙安全",
        safety_manager_phone="13800000001", hazardous_chemicals=True, is_synthetic=True, latitude=39.142,
        longitude=117.196)
