import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from emergency.core import services
from emergency.core.models import AuditEvent, Department

NOTICE = Path(settings.BASE_DIR) / "data" / "hebei_plan_notice_2022_5.txt"
SUFFIX = re.compile(r"(局|委|办|部|队|会|院|处|中心|分局|支队|成员单位)$")


def _department_cells() -> set[str]:
    """Every name in the notice's responsibility cells (short lines of names joined by 、 and ，)."""
    names = set()
    for line in NOTICE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or "。" in line or len(line) > 200:
            continue
        for part in re.split(r"[，、,]", line):
            part = part.strip().replace("等有关单位", "")
            if part and len(part) <= 16 and SUFFIX.search(part) and not part.startswith(("全面", "建设")):
                names.add(part)
    return names


def test_every_department_named_in_the_plan_notice_resolves(db):
    names = _department_cells()
    assert len(names) > 40
    resolved = services.department_resolve_many(sorted(names))
    assert {d.name for d in resolved} >= {"区应急局", "区委编办", "区消防救援支队", "意风区管委会", "各街道办事处"}


@pytest.mark.parametrize(("alias", "canonical"), [
    ("消防救援支队", "区消防救援支队"), ("意风区管委", "意风区管委会"), ("市规自河北分局", "市规自局河北分局"),
    ("各街道", "各街道办事处"), ("区委政法委（网格中心）", "区委政法委"),
])
def test_aliases_resolve_to_the_canonical_department(db, alias, canonical):
    assert services.department_resolve(alias).name == canonical


def test_unknown_names_are_reported_not_created(db):
    before = Department.objects.count()
    with pytest.raises(services.UnknownDepartments) as exc:
        services.department_resolve_many(["区应急局", "区不存在局", "某某办"])
    assert exc.value.names == ["区不存在局", "某某办"]
    assert Department.objects.count() == before


def test_the_subdistrict_group_has_the_ten_offices_as_members(db):
    group = Department.objects.get(name="各街道办事处")
    assert group.is_group
    assert group.members.count() == 10


def test_an_alias_may_not_shadow_another_canonical_name(db, bureau_admin):
    dept = Department.objects.get(name="区应急局")
    with pytest.raises(ValidationError):
        services.department_alias_add(acting_user=bureau_admin, department=dept, alias="区财政局")


def test_adding_an_alias_is_audited(db, bureau_admin):
    dept = Department.objects.get(name="区应急局")
    services.department_alias_add(acting_user=bureau_admin, department=dept, alias="应急局")
    assert services.department_resolve("应急局") == dept
    event = AuditEvent.objects.get(event_type="create", object_type="core.DepartmentAlias")
    assert event.actor == bureau_admin
    assert event.changes["alias"] == [None, "应急局"]
