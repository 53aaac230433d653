"""Official documents on python-docx: the one .docx writer every export uses, laid out as GB/T 9704-2012
(党政机关公文格式) asks.

- A4 (210 × 297 mm), margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm: a 156 × 225 mm 版心.
- Body 3号仿宋 (16 pt "仿宋_GB2312"), title 2号小标宋 (22 pt "方正小标宋简体", centred), first-level headings
  3号黑体; 22 lines of 28 characters: a fixed line spacing of 28.95 pt on a line grid of that pitch.
- Every font is named for Latin and East-Asian text alike (w:rFonts w:ascii/w:hAnsi/w:eastAsia/w:cs; python-
  docx's `font.name` leaves w:eastAsia out), in the styles, not on each run. The font table gives each the
  font Word substitutes where it is not installed (仿宋_GB2312 → 仿宋, 方正小标宋简体 → 宋体, 黑体 → SimHei).

Every text goes through `xmltext.xml_text`: python-docx refuses control characters with a ValueError, and one
in a stored title or narrative would otherwise break the document for good. Table rows are written as XML in
one piece: python-docx's `add_row()` and per-run fonts cost milliseconds a cell, seconds a report."""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt
from lxml import etree

from .xmltext import xml_text

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

BODY_FONT = "仿宋_GB2312"  # 3号仿宋
TITLE_FONT = "方正小标宋简体"  # 2号小标宋
HEADING_FONT = "黑体"  # first-level headings, 3号黑体
# What Word shows where the font is not installed (fontTable.xml w:altName).
FALLBACK_FONTS = {BODY_FONT: "仿宋", TITLE_FONT: "宋体", HEADING_FONT: "SimHei"}
BODY_PT, TITLE_PT, HEADING_PT, TABLE_PT = 16, 22, 16, 12  # 3号, 2号, 3号, 小四
LINE_PT = 28.95  # 225 mm / 22 lines
PAGE_MM = (210, 297)  # A4
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}

TITLE_STYLE, HEADING_STYLE = "Official Title", "Official Heading 1"
TABLE_STYLE, TABLE_HEADER_STYLE = "Official Table Text", "Official Table Header"
_THEME_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def set_fonts(element, name: str) -> None:
    """Name `name` as the Latin, East-Asian and complex-script font of `element` (a style, a run, or the
    document defaults' rPr parent), replacing theme fonts."""
    rpr = element if element.tag == qn("w:rPr") else element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)  # rFonts comes first in w:rPr
    for attribute in _THEME_ATTRIBUTES:
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)


def _text(value: object) -> str:
    return "" if value is None else xml_text(str(value))


def _runs_xml(text: str) -> str:
    """The w:r elements of `text`: line breaks become w:br, tabs w:tab (as python-docx's `run.text` does)."""
    if not text:
        return ""
    parts = []
    for n, line in enumerate(text.split("\n")):
        if n:
            parts.append("<w:br/>")
        for m, piece in enumerate(line.split("\t")):
            if m:
                parts.append("<w:tab/>")
            if piece:
                parts.append(f'<w:t xml:space="preserve">{escape(piece)}</w:t>')
    return f"<w:r>{''.join(parts)}</w:r>"


class OfficialDocument:
    def __init__(self) -> None:
        self.doc = Document()
        self._page()
        self._styles()
        self._font_table()

    # --- set-up ------------------------------------------------------------------------------------

    def _page(self) -> None:
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
        section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
        section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
        grid = section._sectPr.find(qn("w:docGrid"))
        if grid is None:
            grid = section._sectPr.makeelement(qn("w:docGrid"), {})
            section._sectPr.append(grid)
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(round(LINE_PT * 20)))  # twentieths of a point

    def _styles(self) -> None:
        styles = self.doc.styles
        defaults = styles.element.find(qn("w:docDefaults"))
        if defaults is not None:
            rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
            if rpr is not None:
                set_fonts(rpr, BODY_FONT)
        normal = styles["Normal"]
        set_fonts(normal.element, BODY_FONT)
        normal.font.size = Pt(BODY_PT)
        fmt = normal.paragraph_format
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(LINE_PT)
        fmt.space_before = fmt.space_after = Pt(0)

        title = styles.add_style(TITLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        title.base_style = normal
        set_fonts(title.element, TITLE_FONT)
        title.font.size = Pt(TITLE_PT)
        title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        title.paragraph_format.space_after = Pt(LINE_PT)  # one blank line under the title

        heading = styles.add_style(HEADING_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        heading.base_style = normal
        set_fonts(heading.element, HEADING_FONT)
        heading.font.size = Pt(HEADING_PT)
        heading.paragraph_format.first_line_indent = Pt(2 * HEADING_PT)
        heading.paragraph_format.keep_with_next = True
        ppr = heading.element.get_or_add_pPr()
        ppr.append(ppr.makeelement(qn("w:outlineLvl"), {qn("w:val"): "0"}))  # navigation pane, table of contents

        table = styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        table.base_style = normal
        table.font.size = Pt(TABLE_PT)
        table.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        table.paragraph_format.first_line_indent = Pt(0)

        header = styles.add_style(TABLE_HEADER_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        header.base_style = table
        set_fonts(header.element, HEADING_FONT)
        header.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._table_style_ids = (table.style_id, header.style_id)

    def _font_table(self) -> None:
        """Name each font's substitute in word/fontTable.xml."""
        part = next((rel.target_part for rel in self.doc.part.rels.values()
                     if rel.reltype == RT.FONT_TABLE and not rel.is_external), None)
        if part is None or not hasattr(part, "_blob"):
            return
        root = etree.fromstring(part.blob)
        for name, alternative in FALLBACK_FONTS.items():
            font = root.makeelement(qn("w:font"), {qn("w:name"): name})
            font.append(font.makeelement(qn("w:altName"), {qn("w:val"): alternative}))
            font.append(font.makeelement(qn("w:charset"), {qn("w:val"): "86"}))  # GB2312
            font.append(font.makeelement(qn("w:family"), {qn("w:val"): "modern" if name == BODY_FONT else "auto"}))
            root.append(font)
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    # --- content -----------------------------------------------------------------------------------

    def title(self, text: str) -> None:
        self.doc.add_paragraph(_text(text), style=TITLE_STYLE)

    def heading(self, text: str) -> None:
        self.doc.add_paragraph(_text(text), style=HEADING_STYLE)

    def paragraph(self, text: str, *, align_right: bool = False) -> None:
        p = self.doc.add_paragraph(_text(text))
        if align_right:
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        else:
            p.paragraph_format.first_line_indent = Pt(2 * BODY_PT)  # 首行缩进二字

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        """A grid table the width of the text block; the header row repeats on every page."""
        table = self.doc.add_table(rows=0, cols=len(headers))
        table.style = "Table Grid"
        widths = [str(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        text_style, header_style = self._table_style_ids

        def row_xml(values, style: str, header: bool = False) -> str:
            if len(values) != len(widths):
                raise ValueError(f"a row of {len(values)} cells in a table of {len(widths)} columns")
            cells = "".join(
                f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
                f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{_runs_xml(_text(value))}</w:p></w:tc>'
                for value, width in zip(values, widths, strict=True))
            properties = "<w:trPr><w:tblHeader/></w:trPr>" if header else ""
            return f"<w:tr>{properties}{cells}</w:tr>"

        xml = "".join([row_xml(headers, header_style, header=True), *(row_xml(row, text_style) for row in rows)])
        for tr in parse_xml(f"<w:tbl {nsdecls('w')}>{xml}</w:tbl>").findall(qn("w:tr")):
            table._tbl.append(tr)

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()
