"""The UI speaks Simplified Chinese by default and English when switched.

The zh_Hans catalog must be complete (no empty, no fuzzy entry), and the committed .mo must
carry exactly what the .po says — a forgotten `compilemessages` shows up here, not in production.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.LOCALE_PATHS[0])
ZH_PO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
ZH_MO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.mo"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
EN_MO = LOCALE / "en" / "LC_MESSAGES" / "django.mo"

PLACEHOLDER = re.compile(r"%\(\w+\)[-+ #0]*\d*(?:\.\d+)?[a-zA-Z]|\{\{[^}]*\}\}")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """Just enough of the PO format for makemessages' output (header entry included)."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int | None] = ("msgid", None)
    started = False
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry is not None and started:
                entries.append(entry)
            entry, started = None, False
            continue
        entry = entry or Entry()
        if line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            key, index = target
            if key == "msgstr":
                entry.msgstr[index] += _unquote(line)
            else:
                setattr(entry, key, getattr(entry, key) + _unquote(line))
        else:
            match = re.match(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$", line)
            assert match, f"{path.name}: cannot read {line!r}"
            key, index, value = match.group(1), match.group(2), _unquote(match.group(3))
            if key == "msgstr":
                target = (key, int(index or 0))
                entry.msgstr[target[1]] = value
            else:
                target = (key, None)
                setattr(entry, key, value)
                started = True
    return entries


def messages(path: Path) -> list[Entry]:
    return [e for e in parse_po(path) if e.msgid]


def header(path: Path) -> str:
    return next(e for e in parse_po(path) if not e.msgid).msgstr[0]


def test_the_chinese_catalog_has_a_translation_for_every_string():
    entries = messages(ZH_PO)
    assert len(entries) > 250  # the foundation alone has ~290 strings
    untranslated = [e.msgid for e in entries if not all(e.msgstr.values())]
    assert untranslated == []


def test_no_chinese_entry_is_fuzzy_so_none_is_dropped_at_runtime():
    fuzzy = [e.msgid or "<header>" for e in parse_po(ZH_PO) if "fuzzy" in e.flags]
    assert fuzzy == []


def test_the_chinese_catalog_has_one_plural_form():
    assert "Plural-Forms: nplurals=1; plural=0;" in header(ZH_PO)
    plurals = [e for e in messages(ZH_PO) if e.msgid_plural]
    assert all(list(e.msgstr) == [0] for e in plurals)


def test_every_translation_keeps_the_placeholders_of_its_source():
    # With one plural form the Chinese text stands for the plural source ("%(n)s rows").
    broken = [
        (e.msgid, e.msgstr[0]) for e in messages(ZH_PO)
        if sorted(set(PLACEHOLDER.findall(e.msgid_plural or e.msgid))) != sorted(set(PLACEHOLDER.findall(e.msgstr[0])))
    ]
    assert broken == []


def test_the_compiled_chinese_catalog_matches_the_po_file():
    with ZH_MO.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    expected = {}
    for e in messages(ZH_PO):
        msgid = e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}"
        if e.msgid_plural is None:
            expected[msgid] = e.msgstr[0]
        else:
            expected.update({(msgid, i): text for i, text in e.msgstr.items()})
    actual = {k: v for k, v in compiled._catalog.items() if k != ""}
    assert actual == expected, "run: DEBUG=True manage.py compilemessages --ignore=.venv"


def test_the_english_catalog_lists_the_same_strings_and_is_compiled():
    assert {e.msgid for e in messages(EN_PO)} == {e.msgid for e in messages(ZH_PO)}
    assert not any("fuzzy" in e.flags for e in parse_po(EN_PO))
    with EN_MO.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    assert compiled.info()["language"] == "en"
    assert compiled.gettext("Log in") == "Log in"


@pytest.mark.django_db
def test_the_login_page_is_in_chinese_by_default(client):
    body = client.get("/accounts/login/").content.decode()
    assert 'lang="zh-hans"' in body
    assert "登录" in body
    assert "区应急管理综合平台" in body


@pytest.mark.django_db
def test_a_browser_asking_for_zh_cn_gets_simplified_chinese(client):
    body = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    assert 'lang="zh-hans"' in body
    assert "登录" in body


@pytest.mark.django_db
def test_the_login_page_switches_to_english_and_back(client):
    resp = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert resp.status_code == 302
    body = client.get("/accounts/login/").content.decode()
    assert 'lang="en"' in body
    assert "Log in" in body
    assert "District Emergency Management Platform" in body
    assert "登录" not in body

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/accounts/login/"})
    assert "登录" in client.get("/accounts/login/").content.decode()


def test_roles_and_choice_labels_come_out_in_chinese():
    from django.utils import translation

    from emergency.core.models import AuditEvent, Division
    from emergency.core.roles import Role

    with translation.override("zh-hans"):
        assert str(Role.BUREAU_ADMIN.label) == "局管理员"
        assert str(Role.AUDIT_ADMIN.label) == "审计管理员"
        assert [str(label) for label in Division.Level.labels] == ["区", "街道", "社区", "网格"]
        assert str(AuditEvent.Type.ARCHIVE.label) == "归档"
    with translation.override("en"):
        assert str(Role.BUREAU_ADMIN.label) == "Bureau administrator"
