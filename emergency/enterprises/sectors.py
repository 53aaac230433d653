"""The default industry → supervising department table (管行业必须管安全), loaded once by a data migration and then
edited by the bureau on the sector page. Only departments seeded by core.reference are named."""

from __future__ import annotations

SOURCE = ("《中华人民共和国安全生产法》（2021年修正）第三条、第十条：管行业必须管安全；"
          "部门分工按区政府部门职能拟定，未与区安委会成员单位职责清单核对 [M]")

# GB/T 4754-2017 section → departments. Sections not listed (mining, finance, …) are left to the bureau.
DEFAULT_SECTORS: list[tuple[str, str]] = [
    ("C", "区发改委"),  # manufacturing
    ("D", "区城管委"),  # gas and heat supply
    ("E", "区住建委"),  # construction
    ("F", "区商务局"),  # wholesale and retail
    ("H", "区商务局"),  # accommodation and catering
    ("K", "区住建委"),  # real estate (property management)
    ("L", "区商务局"),  # leasing and business services
    ("N", "区城管委"),  # public facilities
    ("O", "区商务局"),  # resident services
    ("P", "区教育局"),  # education
    ("Q", "区卫健委"),  # health
    ("R", "区文化旅游局"),  # culture and entertainment
    ("R", "区体育局"),  # sports venues
]


def load_default_sectors(sector_model, department_model) -> int:
    """Idempotent: a pair already there (live or archived by the bureau) is left alone."""
    created = 0
    for industry, name in DEFAULT_SECTORS:
        department = department_model.objects.filter(name=name).first()
        if department is None or sector_model.objects.filter(industry=industry, department=department).exists():
            continue
        sector_model.objects.create(industry=industry, department=department, source=SOURCE)
        created += 1
    return created
