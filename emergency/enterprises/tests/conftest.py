"""Helpers for the registry tests: valid credit codes, a filled-in form, import rows."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from emergency.lib.credit_code import complete

IMPORT_HEADERS = ["企业名称", "统一社会信用代码", "行业门类", "规模以上", "从业人员", "所在街道/社区", "地址", "纬度",
                  "经度", "法定代表人", "主要负责人", "主要负责人电话", "安全管理人员", "安全管理人员电话", "危化品",
                  "重大危险源", "粉尘涉爆", "涉氨制冷", "有限空间", "标准化等级", "执法分类"]


def code(serial: int) -> str:
    """A valid unified social credit code (the check digit computed by the library under test's twin)."""
    return complete(f"91120105MA{serial:07d}")


def form_data(**overrides) -> dict:
    """A complete, valid create/edit POST; `division` must be given as a pk."""
    data = {
        "name": "丙仓储有限公司", "credit_code": code(500), "industry": "G", "above_scale": "on", "employees": "120",
        "address": "河北区测试路8号", "latitude": "39.16", "longitude": "117.20", "legal_representative": "李四",
        "principal": "王五", "principal_phone": "13800001111", "safety_manager": "赵六",
        "safety_manager_phone": "13900002222", "standardisation": "level3", "enforcement_category": "B",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def import_row(name: str, credit_code: str, division: str = "120105001", **extra) -> list:
    """One spreadsheet row in IMPORT_HEADERS order, as a person types it."""
    return [name, credit_code, extra.get("industry", "C"), extra.get("above_scale", "是"), extra.get("employees", 80),
            division, extra.get("address", "河北区导入路1号"), extra.get("lat", 39.15), extra.get("lng", 117.2),
            extra.get("legal", "孙七"), "周八", extra.get("phone", "13700003333"), "吴九", "022-26260000",
            extra.get("chemicals", "是"), "否", "否", "否", "否", extra.get("level", "三级"),
            extra.get("category", "B")]


def read_xlsx(content: bytes) -> list[list]:
    wb = load_workbook(io.BytesIO(content), read_only=True)
    rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
    return rows

