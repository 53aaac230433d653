"""Reference data shipped with the platform: Hebei District (DOMAIN.md §10) and the departments named in
the plan notice 河北应急发〔2022〕5号. Loaded by a data migration; `seed_reference` re-runs it idempotently."""

from __future__ import annotations

DISTRICT = {"code": "120105", "name": "河北区", "population": 647702, "area_km2": "27.93",
            "latitude": 39.1598, "longitude": 117.1962}

SUBDISTRICTS = [
    ("120105001", "光复道"), ("120105002", "望海楼"), ("120105003", "鸿顺里"), ("120105004", "新开河"),
    ("120105005", "铁东路"), ("120105006", "建昌道"), ("120105007", "宁园"), ("120105008", "王串场"),
    ("120105009", "江都路"), ("120105010", "月牙河"),
]

P, G, V, C, S, M, SO, GR = ("party", "government", "vertical", "court", "subdistrict_office",
                           "management_committee", "social", "group")

# (canonical name, kind, aliases)
DEPARTMENTS: list[tuple[str, str, list[str]]] = [
    ("区委组织部", P, []), ("区委宣传部", P, []), ("区委统战部", P, []), ("区委政法委", P, ["区委政法委（网格中心）"]),
    ("区委编办", P, []), ("区委网信办", P, []), ("区武装部", P, ["区人武部"]),
    ("区政府办", G, []), ("区发改委", G, []), ("区教育局", G, []), ("区民政局", G, []), ("区司法局", G, []),
    ("区财政局", G, []), ("区人力社保局", G, []), ("区生态环境局", G, []), ("区住建委", G, []),
    ("区城管委", G, []), ("区商务局", G, []), ("区文化旅游局", G, []), ("区卫健委", G, []),
    ("区应急局", G, ["河北区应急管理局", "区应急管理局"]), ("区市场监管局", G, []), ("区国资委", G, []),
    ("区体育局", G, []), ("区金融局", G, []), ("区人防办", G, []), ("区楼宇办", G, []), ("区北站办", G, []),
    ("区政务服务办", G, []), ("区融媒体中心", G, []),
    ("公安河北分局", V, []), ("交管河北支队", V, []), ("区消防救援支队", V, ["消防救援支队"]),
    ("市规自局河北分局", V, ["市规自河北分局"]),
    ("区法院", C, []),
    ("意风区管委会", M, ["意风区管委"]), ("大悲院管委会", M, ["大悲院管委"]),
    ("区红十字会", SO, []), ("区科协", SO, []),
]

SUBDISTRICT_OFFICE_SUFFIX = "街道办事处"

# Groups stand for their members in an allocation: (name, aliases).
GROUPS: list[tuple[str, list[str]]] = [
    ("各街道办事处", ["各街道"]),
    ("区安委会成员单位", ["各安委会成员单位", "各安委会"]),
    ("区应急委成员单位", ["应急委成员单位", "应急委"]),
    ("区减灾委成员单位", ["减灾委成员单位", "减灾委"]),
]


def load(apps=None) -> None:
    """Idempotent: creates what is missing and never changes a deployment's own edits."""
    from django.apps import apps as global_apps

    apps = apps or global_apps
    Division = apps.get_model("core", "Division")
    Department = apps.get_model("core", "Department")
    Alias = apps.get_model("core", "DepartmentAlias")

    district, _ = Division.objects.get_or_create(
        code=DISTRICT["code"],
        defaults={**{k: v for k, v in DISTRICT.items() if k != "code"}, "level": "district",
                  "path": f"/{DISTRICT['code']}/"})
    for code, name in SUBDISTRICTS:
        sub, _ = Division.objects.get_or_create(
            code=code, defaults={"name": name, "level": "subdistrict", "parent": district,
                                 "path": f"{district.path}{code}/"})
        office, _ = Department.objects.get_or_create(
            name=f"{name}{SUBDISTRICT_OFFICE_SUFFIX}", defaults={"kind": S, "division": sub, "sort_order": 500})
        Alias.objects.get_or_create(alias=f"{name}街", defaults={"department": office})

    for order, (name, kind, aliases) in enumerate(DEPARTMENTS, start=1):
        dept, _ = Department.objects.get_or_create(name=name, defaults={"kind": kind, "sort_order": order})
        for alias in aliases:
            Alias.objects.get_or_create(alias=alias, defaults={"department": dept})

    for name, aliases in GROUPS:
        group, _ = Department.objects.get_or_create(name=name, defaults={"kind": GR, "sort_order": 900})
        for alias in aliases:
            Alias.objects.get_or_create(alias=alias, defaults={"department": group})
    streets = Department.objects.get(name="各街道办事处")
    streets.members.add(*Department.objects.filter(kind=S))
