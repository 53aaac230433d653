"""A QR code per risk point opens its phone check page."""

from __future__ import annotations

import io
import re
from urllib.parse import quote

import pytest
import segno
from django.urls import reverse

from conftest import login

pytestmark = pytest.mark.django_db


def _svg_of(url: str) -> bytes:
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", scale=4, border=2)
    return buf.getvalue()


def _modules(svg: bytes) -> bytes:
    """The path that draws the dark modules."""
    return re.search(rb'<path[^>]* d="([^"]+)"', svg).group(1)


def test_the_qr_code_is_an_svg_that_encodes_the_absolute_mobile_url(client, enterprise_manager, rp_point):
    login(client, enterprise_manager)
    resp = client.get(reverse("prevention:risk_point_qr", args=[rp_point.pk]))
    assert resp.status_code == 200
    assert resp["Content-Type"] == "image/svg+xml"
    svg = resp.content
    expected_url = f"http://testserver/prevention/m/{rp_point.qr_token}/"
    assert svg.lstrip().startswith(b"<?xml") and b"<svg" in svg
    assert f"<desc>{expected_url}</desc>".encode() in svg
    # The modules drawn are those of a QR code of exactly that URL (segno is deterministic), and not of
    # another point's URL.
    assert _modules(svg) == _modules(_svg_of(expected_url))
    assert _modules(svg) != _modules(_svg_of(expected_url.replace(rp_point.qr_token, "x" * 22)))

def test_the_url_it_encodes_opens_the_phone_page(client, enterprise_manager, rp_point):
    login(client, enterprise_manager)
    resp = client.get(f"/prevention/m/{rp_point.qr_token}/")
    assert resp.status_code == 200
    assert resp.context["point"] == rp_point


def test_it_can_be_downloaded_for_printing(client, subdistrict_officer, rp_point):
    login(client, subdistrict_officer)
    resp = client.get(reverse("prevention:risk_point_qr", args=[rp_point.pk]) + "?download=1")
    # The point's name for people (RFC 5987), its number for clients that only take ASCII names.
    assert resp["Content-Disposition"] == (f'attachment; filename="risk-point-{rp_point.pk}.svg"; '
                                           f"filename*=UTF-8''{quote(rp_point.name)}-QR%20code.svg")
