"""Fixtures of the dual-prevention tests (each block keeps its own prefix: hz_ hidden hazards, rp_ risk points)."""

import datetime as _hz_datetime
import io as _hz_io

import pytest as _hz_pytest

# --- hidden hazards (fixtures prefixed hz_) ---------------------------------------------------------


@_hz_pytest.fixture
def hz_colleague(enterprise_a):
    """A second safety officer of enterprise A: may accept what the manager rectified."""
    from conftest import make_user
    from emergency.core.roles import Role

    return make_user("ent_colleague", Role.ENTERPRISE, enterprise=enterprise_a)


def hz_photo_file(name: str = "photo.png"):
    """A real (tiny) PNG upload, as a phone camera would send one."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = _hz_io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


@_hz_pytest.fixture
def hz_photo():
    return hz_photo_file


class HazardLoop:
    """Walks a hazard through its lifecycle with the services, as the people in the story would."""

    PLAN = {"goal_and_tasks": "消除储罐区泄漏隐患", "methods_and_measures": "更换法兰垫片，加装泄漏报警",
            "funds_and_materials": "专项资金5万元", "responsible_body_and_people": "设备部 张工",
            "time_limit": "30日内完成", "safety_and_contingency": "停用储罐，现场警戒，启动应急预案"}

    def __init__(self, enterprise, user):
        self.enterprise, self.user = enterprise, user

    @property
    def today(self) -> _hz_datetime.date:
        from django.utils import timezone

        return timezone.localdate()

    def report(self, title: str = "储罐区法兰泄漏", *, by=None, enterprise=None, **kw):
        from emergency.prevention import services

        return services.hazard_report(acting_user=by or self.user, enterprise=enterprise or self.enterprise,
                                      title=title, **kw)

    def assessed(self, hazard_class: str = "general", **kw):
        from emergency.prevention import services

        hazard = self.report(**kw)
        services.hazard_register(acting_user=self.user, hazard=hazard)
        services.hazard_assess(acting_user=self.user, hazard=hazard, hazard_class=hazard_class)
        return hazard

    def major_ready(self, **kw):
        """A MAJOR hazard with its full governance plan and both dual reports."""
        from emergency.prevention import services

        hazard = self.assessed("major", **kw)
        services.governance_plan_save(acting_user=self.user, hazard=hazard, **self.PLAN)
        for recipient in ("regulator", "workers_congress"):
            services.dual_report_record(acting_user=self.user, hazard=hazard, recipient=recipient,
                                        reported_on=self.today, evidence="津河应报〔2026〕1号")
        return hazard

    def rectifying(self, hazard_class: str = "general", *, days: int = 10, **kw):
        from emergency.prevention import services

        hazard = self.major_ready(**kw) if hazard_class == "major" else self.assessed(hazard_class, **kw)
        services.hazard_start_rectification(acting_user=self.user, hazard=hazard,
                                            deadline=self.today + _hz_datetime.timedelta(days=days),
                                            responsible_person="王工")
        return hazard

    def awaiting_acceptance(self, hazard_class: str = "general", **kw):
        from emergency.prevention import services

        hazard = self.rectifying(hazard_class, **kw)
        services.hazard_submit_for_acceptance(acting_user=self.user, hazard=hazard, note="已更换垫片并试压合格")
        return hazard


@_hz_pytest.fixture
def hz_loop(enterprise_a, enterprise_manager) -> HazardLoop:
    """Enterprise A's safety manager running the loop."""
    return HazardLoop(enterprise_a, enterprise_manager)


@_hz_pytest.fixture
def hz_loop_b(enterprise_b, other_enterprise_manager) -> HazardLoop:
    return HazardLoop(enterprise_b, other_enterprise_manager)


# --- risk points, assessments and inspections (fixtures prefixed rp_) --------------------------------


def rp_make_point(user, enterprise, *, name: str = "液氨储罐区", control_level: int = 4,
                  checks=("储罐液位计完好", "泄漏报警器在线"), factors=(("2101", "储罐腐蚀泄漏"),)):
    """A risk point of `enterprise` with its hazard factors and one control measure per check item."""
    from emergency.prevention import services

    point = services.risk_point_create(acting_user=user, enterprise=enterprise, name=name, kind="facility",
                                       control_level=control_level, responsible_person="李工",
                                       responsible_phone="13800001111", location="厂区东侧")
    for code, text in factors:
        services.hazard_factor_add(acting_user=user, point=point, code=code, description=text)
    for check in checks:
        services.control_measure_add(acting_user=user, point=point, kind="engineering", description=f"保持{check}",
                                     check_item=check)
    return point


@_hz_pytest.fixture
def rp_point(enterprise_a, enterprise_manager):
    """Enterprise A's ammonia tank farm, controlled by the team (one check each shift), two checklist items."""
    return rp_make_point(enterprise_manager, enterprise_a)


@_hz_pytest.fixture
def rp_point_b(enterprise_b, other_enterprise_manager):
    """A risk point of enterprise B (another subdistrict)."""
    return rp_make_point(other_enterprise_manager, enterprise_b, name="冲压车间")


@_hz_pytest.fixture
def rp_fresh_rules():
    """Forget the cached LEC/LS rules before and after a test that changes a Rule row."""
    from emergency.core import rules

    keys = ("prevention.lec_values", "prevention.lec_bands", "prevention.ls_a", "prevention.ls_b",
            "prevention.inspection_hours")
    for key in keys:
        rules.forget(key)
    yield
    for key in keys:
        rules.forget(key)
