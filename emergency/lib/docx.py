"""Official-document helpers on python-docx: the one .docx writer every export uses. East-Asian fonts must
be set through w:eastAsia, which python-docx's `font.name` does not do. Every text goes through
`xmltext.xml_text`: python-docx refuses control characters with a ValueError, and one in a stored title or
narrative would otherwise break the document for good."""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from .xmltext import xml_text

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BODY_FONT = "仿宋"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"


def _set_font(run_or_style, name: str, size: float | None = None) -> None:
    run_or_style.font.name = name
    rpr = run_or_style.element.get_or_add_rPr() if hasattr(run_or_style, "element") else None
    if rpr is None:
        rpr = run_or_style._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)
    if size:
        run_or_style.font.size = Pt(size)


def _text(value: object) -> str:
    return "" if value is None else xml_text(str(value))


class OfficialDocument:
    def __init__(self) -> None:
        self.doc = Document()
        _set_font(self.doc.styles["Normal"], BODY_FONT, 14)

    def title(self, text: str) -> None:
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_font(p.add_run(_text(text)), TITLE_FONT, 20)

    def heading(self, text: str) -> None:
        p = self.doc.add_paragraph()
        _set_font(p.add_run(_text(text)), HEADING_FONT, 15)

    def paragraph(self, text: str, *, align_right: bool = False) -> None:
        p = self.doc.add_paragraph()
        if align_right:
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _set_font(p.add_run(_text(text)), BODY_FONT)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        for cell, h in zip(table.rows[0].cells, headers, strict=True):
            cell.text = ""
            _set_font(cell.paragraphs[0].add_run(_text(h)), HEADING_FONT, 11)
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                _set_font(cell.paragraphs[0].add_run(_text(value)), BODY_FONT, 11)

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()
