"""The API's routers: an object route matches only an integer id.

DRF's default lookup pattern is `[^/.]+`, so `/divisions/false/` reached the view and `int("false")` raised
(a 500). Every viewset is registered through one of these routers: a non-integer id is a 404 like any
unknown path (in the one error format, `errors.not_found`), and the ids the route accepts are the ids the
schema documents.
"""

from __future__ import annotations

from rest_framework.routers import DefaultRouter, SimpleRouter

ID_PATTERN = "[0-9]+"  # ASCII digits only: `\d` also matches "١٢"


class _IdLookup:
    def get_lookup_regex(self, viewset, lookup_prefix=""):
        lookup_field = getattr(viewset, "lookup_field", "pk")
        lookup_url_kwarg = getattr(viewset, "lookup_url_kwarg", None) or lookup_field
        return f"(?P<{lookup_prefix}{lookup_url_kwarg}>{ID_PATTERN})"


class IdRouter(_IdLookup, DefaultRouter):
    """The /api/v1/ root router."""


class IdSimpleRouter(_IdLookup, SimpleRouter):
    """A domain's router, included under /api/v1/<domain>/."""
