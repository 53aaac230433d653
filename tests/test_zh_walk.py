"""Every page speaks Chinese (issue 11, item 6): a walk of the HTML pages as every persona, in zh-Hans.

The walk reuses the persona matrix's URL patterns and small dataset (tests/test_persona_matrix.py,
tests/persona_dataset.py): every GET pattern without arguments, and every object page for the objects of that
dataset (both variants, inside and outside the persona's jurisdiction). Each page the persona may open (200, HTML)
must not show

(a) English that the catalogue translates: a visible text (a text node, or a placeholder, title, aria-label or alt)
    that equals the msgid of an entry the compiled zh_Hans catalogue (the project's and Django's own) translates
    to something else. Such a text was rendered without gettext (evaluated at import time, or hard-coded);
(b) a label printed twice in a row: two <label> elements one after the other with the same text (街道街道), or one
    label whose text is the same word twice.
"""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser

import pytest
from django.utils import translation
from django.utils.translation import trans_real

from conftest import login

from . import persona_dataset
from .persona_matrix import MATRIX
from .test_persona_matrix import quiet_refusals, requests_for, url_patterns

# Every persona of the matrix, anonymous included (the login page and what it links to).
PERSONAS = persona_dataset.PERSONAS
VISIBLE_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt"}
HIDDEN_ELEMENTS = {"script", "style"}
# Shown in English on purpose: the language switcher names each language in itself (English, 简体中文).
ON_PURPOSE = {"English"}


def translated_msgids() -> set[str]:
    """The English source of every catalogue entry that has a zh_Hans translation differing from it."""
    with translation.override("zh-hans"):
        catalog = trans_real.translation("zh-hans")._catalog
    found = set()
    for key, text in catalog.items():
        msgid = key[0] if isinstance(key, tuple) else key
        msgid = msgid.split("\x04", 1)[-1]  # "context\x04msgid"
        # Words worth checking: at least two letters (not "L", "C", "J", a unit or a number).
        if text and text != msgid and len(re.findall(r"[A-Za-z]", msgid)) >= 2:
            found.add(msgid)
    return found - ON_PURPOSE


class PageText(HTMLParser):
    """The page's visible texts, and every label printed twice in a row."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.doubled: list[str] = []
        self._hidden = 0
        self._label: list[str] | None = None  # the text of the <label> being read
        self._previous_label: str | None = None  # the last label's text, while nothing else came after it

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN_ELEMENTS:
            self._hidden += 1
        if tag == "label":
            self._label = []
        elif self._label is None:
            self._previous_label = None
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value and value.strip():
                self.texts.append(value.strip())

    def handle_endtag(self, tag):
        if tag in HIDDEN_ELEMENTS:
            self._hidden = max(0, self._hidden - 1)
        if tag == "label" and self._label is not None:
            text = " ".join("".join(self._label).split())
            half = len(text) // 2
            if text and len(text) % 2 == 0 and text[:half] == text[half:]:
                self.doubled.append(text)
            elif text and text == self._previous_label:
                self.doubled.append(text + text)
            self._previous_label, self._label = text, None

    def handle_data(self, data):
        if self._hidden:
            return
        if self._label is not None:
            self._label.append(data)
        elif data.strip():
            self._previous_label = None
        if data.strip():
            self.texts.append(" ".join(data.split()))


def get_pages(client, ds, persona):
    """(url, response) for every GET page of the matrix, as this persona requests it."""
    for pattern in url_patterns():
        row = MATRIX.get(pattern.key)
        if row is None or row.method != "GET" or pattern.route.startswith("api/"):
            continue
        for _variant, url in requests_for(pattern, row, ds, persona):
            resp = client.get(url)
            if hasattr(resp, "streaming_content"):
                b"".join(resp.streaming_content)  # read through the client's wrapper (see test_persona_matrix)
                continue
            if resp.status_code == 200 and resp.get("Content-Type", "").startswith("text/html"):
                yield url, resp


# Budget: 150–200 pages a persona, about 2–4 s each on SQLite plus about 1 s for the dataset.
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_is_in_chinese(persona, db, client, request, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.LANGUAGE_CODE = "zh-hans"
    client.raise_request_exception = False
    ds = persona_dataset.build(request)
    if ds.users[persona] is not None:
        login(client, ds.users[persona])
    english = translated_msgids()
    assert "Log in" in english and "Save" in english  # the catalogue was read
    untranslated: dict[str, set[str]] = {}
    doubled: dict[str, set[str]] = {}
    pages = 0
    started = time.perf_counter()
    with quiet_refusals():
        for url, resp in get_pages(client, ds, persona):
            pages += 1
            parser = PageText()
            parser.feed(resp.content.decode())
            for text in parser.texts:
                if text in english:
                    untranslated.setdefault(text, set()).add(url)
            for text in parser.doubled:
                doubled.setdefault(text, set()).add(url)
    elapsed = time.perf_counter() - started
    assert pages >= (1 if persona == "anon" else 5), f"{persona}: only {pages} pages answered 200"

    def report(found):
        return "\n".join(f"  {text!r}: {', '.join(sorted(urls)[:3])}" for text, urls in sorted(found.items()))

    assert not untranslated, f"{persona}: English text the catalogue translates ({pages} pages, {elapsed:.1f} s)\n" \
        + report(untranslated)
    assert not doubled, f"{persona}: labels printed twice\n" + report(doubled)
