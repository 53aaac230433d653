"""Text that an XML 1.0 document can carry: the one place where export values are made safe.

.xlsx and .docx files are XML, and XML 1.0 cannot hold most C0 control characters, lone surrogates,
U+FFFE or U+FFFF. openpyxl raises IllegalCharacterError and python-docx raises ValueError on them, so
one such character in a stored name (a pasted title, a failed-login username in the append-only audit
log) would break an export for good. Both writers (`xlsx.py`, `docx.py`) pass every string through
`xml_text`.
"""

from __future__ import annotations

import re

# Everything outside XML 1.0's Char production: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-…].
# A superset of openpyxl's ILLEGAL_CHARACTERS_RE.
XML_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold (they are invisible, so the text reads the same;
    the streamed ledgers always dropped them like this)."""
    return XML_ILLEGAL_RE.sub("", text)
