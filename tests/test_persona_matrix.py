"""The persona × URL matrix (issue 10 §1, the proof): every URL pattern of the project, for every persona, answers
what tests/persona_matrix.py says it should.

The patterns come from the URL resolver (every include, and the DRF routers under /api/v1/), not from a list kept
by hand: a pattern without an expectation fails `test_every_pattern_has_an_expectation`, and each persona's test
reports it too. Object patterns are requested for an object inside and one outside the persona's jurisdiction
(tests/persona_dataset.py builds them through the services, once per test). One test per persona walks every
pattern and collects every mismatch into one table.

Set PERSONA_MATRIX_DUMP=<directory> to write each persona's actual answers there as JSON (to review a change).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from conftest import login

from . import persona_dataset
from .persona_matrix import ALLOWED, LOGIN, MATRIX, NOT_CHECKED, PERSONAS, REFUSED, Row, lookup

FORMAT = "format"
REFUSALS = {401, 403, 404, LOGIN}


@dataclass(frozen=True)
class Pattern:
    key: str  # the MATRIX key
    name: str | None  # the qualified name to reverse
    route: str  # the full route, for messages
    params: tuple[str, ...]  # arguments other than the format suffix
    format_value: str | None  # what the format suffix argument takes, if the pattern has one


def _params(pattern: URLPattern) -> tuple[tuple[str, ...], str | None]:
    if isinstance(pattern.pattern, RoutePattern):  # path()
        names = tuple(pattern.pattern.converters)  # the API root's drf_format_suffix converter adds the dot
    else:  # re_path() (DRF's routers)
        names = tuple(pattern.pattern.regex.groupindex)
    fmt = "json" if FORMAT in names else None
    return tuple(n for n in names if n != FORMAT), fmt


def url_patterns() -> list[Pattern]:
    """Every pattern of the project but NOT_CHECKED, with its MATRIX key."""
    found: list[Pattern] = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else (p.namespace or namespace)
                walk(p.url_patterns, prefix + str(p.pattern), ns)
                continue
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            route = prefix + str(p.pattern)
            if name in NOT_CHECKED:
                continue
            params, fmt = _params(p)
            key = (name + (".<format>" if fmt else "")) if name else "/" + route
            found.append(Pattern(key=key, name=name, route=route, params=params, format_value=fmt))

    walk(get_resolver().url_patterns, "", "")
    keys = [p.key for p in found]
    assert len(keys) == len(set(keys)), f"Two patterns share a key: {sorted(k for k in keys if keys.count(k) > 1)}"
    return found


def requests_for(pattern: Pattern, row: Row, ds, persona: str) -> list[tuple[str, str]]:
    """(variant, URL) for each object variant this persona requests."""
    obj = row.obj or {}
    if isinstance(obj, str):
        assert len(pattern.params) == 1, f"{pattern.key}: name the object of each argument {pattern.params}"
        obj = {pattern.params[0]: obj}
    assert set(obj) == set(pattern.params), (
        f"{pattern.key}: the row's objects {sorted(obj)} are not the pattern's arguments {list(pattern.params)}")
    choices = []
    for param in pattern.params:
        kind = obj[param]
        values = {n: n for n in kind} if isinstance(kind, (tuple, list)) else ds.args(kind, persona)
        choices.append([(param, variant, value) for variant, value in values.items()])
    out = []
    for combo in itertools.product(*choices):
        kwargs = {param: value for param, _v, value in combo}
        variant = "/".join(v for _p, v, _value in combo if v)
        if pattern.format_value:
            kwargs[FORMAT] = pattern.format_value
        if pattern.name:
            url = reverse(pattern.name, kwargs=kwargs)
        else:
            assert not kwargs, f"{pattern.key}: an unnamed pattern with arguments; give it a name"
            url = "/" + pattern.route
        if row.query:
            url += "?" + row.query.format(**ds.singles)
        out.append((variant, url))
    return out


def answer(resp):
    """The status code; LOGIN for a redirect to the login page; a 500 names its exception."""
    if hasattr(resp, "streaming_content"):
        # Read it through the test client's wrapper, which closes the response with Django's
        # close_old_connections disconnected; resp.close() alone would close the test's database
        # connection on PostgreSQL (an open transaction is "obsolete" to it) and fail every later request.
        b"".join(resp.streaming_content)
    if resp.status_code == 302 and resp["Location"].startswith(resolve_url(settings.LOGIN_URL)):
        return LOGIN
    if resp.status_code >= 500 and getattr(resp, "exc_info", None):
        return f"{resp.status_code} {resp.exc_info[1]!r}"[:120]
    return resp.status_code


def post_answer(resp):
    got = answer(resp)
    if isinstance(got, str) and got != LOGIN:
        return got  # a crash is neither
    return REFUSED if got in REFUSALS else ALLOWED


def session_key(client) -> str:
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return cookie.value if cookie is not None else ""


@contextlib.contextmanager
def quiet_refusals():
    """Django logs every 403 and 404 with its traceback; hundreds are expected here (a 500 is still logged)."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def table(rows: list[tuple]) -> str:
    head = ("pattern", "object", "method", "expected", "got", "url")
    rows = [head, *[tuple(str(c) for c in r) for r in rows]]
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows)


def test_every_pattern_has_an_expectation_and_every_expectation_a_pattern():
    keys = {p.key: p for p in url_patterns()}
    missing = sorted(f"{k}  ({keys[k].route})" for k in set(keys) - set(MATRIX))
    stale = sorted(set(MATRIX) - set(keys))
    assert not missing, "URL patterns without an expectation in tests/persona_matrix.py MATRIX:\n  " + \
        "\n  ".join(missing)
    assert not stale, "Expectations in tests/persona_matrix.py MATRIX for patterns that no longer exist:\n  " + \
        "\n  ".join(stale)


# Budget, measured on SQLite: one persona is 331 requests (257 GET, 74 POST) plus a POST to every page refused to it and 2.4–3.4k queries (anonymous: 230),
# 3–7 s on a busy 2-CPU machine, plus about 1 s to build the dataset; the whole file 40–65 s with the migrations.
@pytest.mark.parametrize("persona", PERSONAS)
def test_persona_matrix(persona, db, client, request, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.raise_request_exception = False  # a crash is a 500 in the table, not the end of the walk
    ds = persona_dataset.build(request)
    user = ds.users[persona]
    if user is not None:
        login(client, user)
    patterns = url_patterns()
    mismatches, actual = [], {}
    missing = [p.key for p in patterns if p.key not in MATRIX]
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries, quiet_refusals():
        # Reads first, then the writes (each rolled back).
        for pattern in sorted((p for p in patterns if p.key in MATRIX), key=lambda p: MATRIX[p.key].method):
            row = MATRIX[pattern.key]
            for variant, url in requests_for(pattern, row, ds, persona):
                try:
                    want = lookup(row.expected[persona], variant)
                except KeyError:
                    want = "no expectation"
                got = answer(client.get(url))
                actual.setdefault(pattern.key, {})[variant or "GET"] = got
                if row.method == "POST":
                    want_get = lookup(row.get[persona], variant)
                    if got != want_get:
                        mismatches.append((pattern.key, variant, "GET", want_get, got, url))
                    session = session_key(client)
                    with transaction.atomic():
                        resp = client.post(url, row.data)
                        transaction.set_rollback(True)
                    got = post_answer(resp) if want in (REFUSED, ALLOWED) else answer(resp)
                    if user is not None and session_key(client) != session:
                        login(client, user)  # logging out (or a lockout) ended the session
                    actual[pattern.key][f"POST {variant}".strip()] = got
                if got != want:
                    mismatches.append((pattern.key, variant, row.method, want, got, url))
                if row.method == "GET" and want in REFUSALS:
                    # A page refused to this persona must refuse a POST too (a form page that checked only
                    # its GET would let the write through); 405 is a refusal as well.
                    session = session_key(client)
                    with transaction.atomic():
                        resp = client.post(url, {})
                        transaction.set_rollback(True)
                    got_post = answer(resp)
                    if user is not None and session_key(client) != session:
                        login(client, user)
                    if got_post not in REFUSALS | {405}:
                        mismatches.append((pattern.key, variant, "POST", "refused", got_post, url))
    elapsed = time.perf_counter() - started
    if os.environ.get("PERSONA_MATRIX_DUMP"):
        path = Path(os.environ["PERSONA_MATRIX_DUMP"])
        path.mkdir(parents=True, exist_ok=True)
        (path / f"{persona}.json").write_text(json.dumps(
            {"requests": sum(len(v) for v in actual.values()), "queries": len(queries), "seconds": round(elapsed, 2),
             "answers": actual}, ensure_ascii=False, indent=1, default=str))
    assert not missing, f"URL patterns without an expectation in tests/persona_matrix.py: {missing}"
    assert not mismatches, f"{persona}: {len(mismatches)} answers differ from tests/persona_matrix.py\n" + \
        table(mismatches)
