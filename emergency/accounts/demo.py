"""Demo accounts: one per role (registered as a base demo loader by apps.AccountsConfig). The enterprise
account's enterprise comes from the enterprises app's demo (enterprises/demo.py)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from emergency.core.demo import DEMO_PASSWORD, DEMO_TOTP_KEY
from emergency.core.models import Department, Division
from emergency.core.roles import OTP_REQUIRED_ROLES, Role

from .models import User

DEMO_ACCOUNTS = [
    ("bureau_admin", "王局长", Role.BUREAU_ADMIN, {}),
    ("bureau_staff", "李科员", Role.BUREAU_STAFF, {}),
    ("dept_housing", "张住建", Role.DEPARTMENT, {"department": "区住建委"}),
    ("sub_guangfu", "赵光复", Role.SUBDISTRICT, {"division": "120105001"}),
    ("sub_wanghai", "钱望海", Role.SUBDISTRICT, {"division": "120105002"}),
    ("ent_demo", "孙安全", Role.ENTERPRISE, {"enterprise": "demo"}),  # the enterprises app's demo enterprise
    ("expert_demo", "周专家", Role.EXPERT, {}),
    ("sys_admin", "系统管理员", Role.SYSTEM_ADMIN, {}),
    ("sec_admin", "安全管理员", Role.SECURITY_ADMIN, {}),
    ("audit_admin", "审计管理员", Role.AUDIT_ADMIN, {}),
]
USERNAMES = tuple(username for username, _n, _r, _s in DEMO_ACCOUNTS)


@transaction.atomic
def load_demo_accounts() -> None:
    """Create the accounts that do not exist yet (a password changed in the demo is left alone)."""
    for username, full_name, role, scope in DEMO_ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue
        user = User(username=username, full_name=full_name, role=role, is_demo=True,
                    must_change_password=False, password_changed_at=timezone.now(),
                    email=f"{username}@demo.local")
        if "department" in scope:
            user.department = Department.objects.get(name=scope["department"])
        if "division" in scope:
            user.division = Division.objects.get(code=scope["division"])
        if "enterprise" in scope:
            # Imported here: apps.ready() imports this module for USERNAMES and should stay light.
            from emergency.enterprises.demo import load_demo_enterprise

            # Registered by the bureau administrator, the first account of the list.
            user.enterprise = load_demo_enterprise(acting_user=User.objects.get(username="bureau_admin"))
        user.set_password(DEMO_PASSWORD)
        user.save()
        if role in OTP_REQUIRED_ROLES:
            TOTPDevice.objects.create(user=user, name="demo", key=DEMO_TOTP_KEY, confirmed=True)
