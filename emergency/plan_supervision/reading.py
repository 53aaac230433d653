"""Turning an uploaded notice (.txt in UTF-8 / UTF-8 with BOM / GB18030, or .docx) into text lines."""

from __future__ import annotations

import io
import zipfile

from django.utils.translation import gettext as _


class NoticeFileError(ValueError):
    pass


ENCODINGS = ("utf-8-sig", "gb18030")


def decode_text(raw: bytes) -> str:
    if b"\x00" in raw[:4096]:
        raise NoticeFileError(_("The file is not text."))
    for enc in ENCODINGS:
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise NoticeFileError(_("The file is neither UTF-8 nor GB18030 text."))


def docx_to_text(raw: bytes) -> str:
    """Paragraphs as lines; each table row's cells as tab-indented lines, rows separated by a blank line
    (the same shape as Word's "save as text")."""
    from docx import Document

    try:
        doc = Document(io.BytesIO(raw))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise NoticeFileError(_("The file is not a valid .docx document.")) from exc
    lines: list[str] = []
    body = doc.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for row in child.iter():
                if not row.tag.endswith("}tr"):
                    continue
                for cell in row:
                    if cell.tag.endswith("}tc"):
                        # A cell is one line, as in Word's text export: its paragraphs join up.
                        text = "".join("".join(t.text or "" for t in p.iter() if t.tag.endswith("}t"))
                                       for p in cell if p.tag.endswith("}p"))
                        lines.append("\t" + text)
                lines.append("")
    return "\n".join(lines)


def read_notice_upload(uploaded) -> str:
    raw = uploaded.read()
    if not raw.strip():
        raise NoticeFileError(_("The file is empty."))
    if (uploaded.name or "").lower().endswith(".docx"):
        return docx_to_text(raw)
    return decode_text(raw)
