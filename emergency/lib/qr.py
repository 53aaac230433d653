"""QR codes of URLs as SVG: the document, and the response a page's "QR code" link answers with.

The URL is also written into the SVG's <desc>, for people and for tests (the drawing alone cannot be read back
without a decoder)."""

from __future__ import annotations

import io

import segno
from django.http import HttpResponse

from emergency.core.exports import attachment_disposition

SVG_MIME = "image/svg+xml"


def qr_svg(url: str, *, title: str) -> bytes:
    """The QR code of `url` as an SVG document titled `title`."""
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", scale=4, border=2, title=title, desc=url)
    return buf.getvalue()


def qr_svg_response(url: str, *, title: str, filename: str, download: bool, fallback: str | None = None
                    ) -> HttpResponse:
    """The QR code as a response, cached privately for an hour (the URL behind it does not change); with
    `download`, as an attachment named `filename` (`fallback`: the ASCII name for old clients)."""
    response = HttpResponse(qr_svg(url, title=title), content_type=SVG_MIME)
    response["Cache-Control"] = "private, max-age=3600"
    if download:
        response["Content-Disposition"] = attachment_disposition(filename, fallback)
    return response
