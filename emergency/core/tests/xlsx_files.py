"""Real .xlsx uploads for the import tests, built with openpyxl."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

DIVISION_HEADERS = ["编码", "名称", "层级", "上级编码", "人口", "纬度", "经度", "联系人", "联系电话", "虚构数据"]


def xlsx_bytes(rows, headers=DIVISION_HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    if headers is not None:
        ws.append(headers)
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(rows, headers=DIVISION_HEADERS, name="divisions.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows, headers),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def community(code: str, name: str, parent: str = "120105001", **extra) -> list:
    return [code, name, "社区", parent, extra.get("population", 3000), extra.get("lat", 39.15),
            extra.get("lng", 117.2), extra.get("contact", "张三"), extra.get("phone", "022-12345678"), "是"]


def grid(code: str, name: str, parent: str) -> list:
    return [code, name, "网格", parent, None, None, None, None, None, None]
