"""Issue 11: a 403 is logged as one line (no traceback in the server console); a 500 keeps its traceback."""

from __future__ import annotations

import logging

from django.urls import reverse
from django.utils.log import log_response

from conftest import login


def test_a_refusal_is_logged_without_its_traceback(client, expert, caplog):
    login(client, expert)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(reverse("resources:shelter_list")).status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    assert records[0].getMessage().startswith("Forbidden (Permission denied)")
    assert records[0].exc_info is None
    assert "Traceback" not in caplog.text


def test_a_server_error_keeps_its_traceback(rf, caplog):
    class Response:
        status_code = 500
        _has_been_logged = False

    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        with caplog.at_level(logging.ERROR, logger="django.request"):
            log_response("Internal Server Error: %s", "/x/", response=Response(), request=rf.get("/x/"),
                         exception=exc)
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is not None
    assert "Traceback" in caplog.text and "RuntimeError: boom" in caplog.text
