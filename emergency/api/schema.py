r"""The OpenAPI schema (drf-spectacular), made to say what the API accepts and answers.

- A filter or pagination parameter sent empty (`?level=`, as an HTML form sends it) means "not given":
  `allowEmptyValue`.
- A `StrictSerializer` body refuses unknown fields: `additionalProperties: false`.
- A text field that may not be blank may not be only whitespace either: `not: {pattern: ^\s*$}`.
- A text field that may be blank takes "" beside its pattern: `anyOf` (drf-spectacular writes `oneOf`, which
  "" matches twice).
- Field validators (patterns, lengths) are written for requests only: a response may quote refused input.
- A record's id in a path is an int64 from 1, like an id in a query (`core.filters.ID_SCHEMA`).

Error responses are documented in one place.

Every operation may fail in the one error format (`errors.exception_handler`, `serializers.ErrorSerializer`).
`AutoSchema` adds the codes an operation can answer, unless the view documents them itself:

- 400 when it takes input (a query parameter or a body): `error.fields` names the parameter or field;
- 401 and 403 always (no valid credentials; the caller's role or scope may not do this);
- 404 when it names a record (a path id) or pages a list (`page` past the end).
"""

from __future__ import annotations

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from emergency.core.filters import ID_SCHEMA

from .routers import ID_PATTERN
from .serializers import ErrorSerializer, StrictSerializer

ERRORS = {
    "400": "A parameter or a body field is invalid; `error.fields` names each one.",
    "401": "The credentials are not valid (an unknown, expired or revoked token).",
    "403": "Not authenticated, or the caller's role or scope does not allow this.",
    "404": "No such record (or not in the caller's scope), or no such page.",
}


def _empty_means_absent(parameters: list[dict]) -> list[dict]:
    for parameter in parameters:
        if parameter.get("in") == "query" and not parameter.get("required"):
            parameter["allowEmptyValue"] = True
    return parameters


# core.validators.refuse_control_characters, as a JSON-schema pattern.
NO_CONTROL_CHARACTERS = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$"


class AutoSchema(openapi.AutoSchema):
    def _get_filter_parameters(self):
        return _empty_means_absent(super()._get_filter_parameters())

    def _get_pagination_parameters(self):
        return _empty_means_absent(super()._get_pagination_parameters())

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        # A field that may not be blank is also refused when only whitespace (DRF trims it first). As `not`, so
        # that a pattern of the field's own validators still goes in `pattern`.
        if (isinstance(schema, dict) and isinstance(field, serializers.CharField) and not field.allow_blank
                and field.trim_whitespace and not field.read_only and schema.get("type") == "string"):
            schema["not"] = {"pattern": r"^\s*$"}
        return schema

    def _insert_field_validators(self, field, schema):
        # Validators say what a request may send, not what a response holds (an error message quotes the
        # input it refuses; a row may predate a validator).
        if field.read_only or getattr(self, "_direction", None) == "response":
            return
        super()._insert_field_validators(field, schema)
        # drf-spectacular offers "" beside a pattern as oneOf [pattern, maxLength 0]; "" matches both, so oneOf
        # would refuse the very value it adds. Either is fine: anyOf.
        alternatives = schema.get("oneOf")
        if isinstance(alternatives, list) and alternatives[-1:] == [{"type": "string", "maxLength": 0}]:
            schema["anyOf"] = schema.pop("oneOf")

    def _map_basic_serializer(self, serializer, direction):
        outer, self._direction = getattr(self, "_direction", None), direction
        try:
            schema = super()._map_basic_serializer(serializer, direction)
        finally:
            self._direction = outer
        if isinstance(serializer, StrictSerializer) or (isinstance(serializer, type)
                                                        and issubclass(serializer, StrictSerializer)):
            schema["additionalProperties"] = False
        return schema

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        parameters = operation.get("parameters", [])
        for parameter in parameters:
            # The routers match ids with [0-9]+ (api/routers.py), which drf-spectacular reads as a string.
            if parameter["in"] == "path" and parameter["schema"].get("pattern") == f"^{ID_PATTERN}$":
                parameter["schema"] = dict(ID_SCHEMA)
            # Text filters refuse control characters like every text field (core.validators): say so.
            schema = parameter.get("schema", {})
            if (parameter["in"] == "query" and schema.get("type") == "string" and "enum" not in schema
                    and "pattern" not in schema and "format" not in schema):
                schema["pattern"] = NO_CONTROL_CHARACTERS
        codes = ["401", "403"]
        if "requestBody" in operation or any(p["in"] == "query" for p in parameters):
            codes.insert(0, "400")
        if any(p["in"] == "path" or p["name"] == "page" for p in parameters):
            codes.append("404")
        responses = operation["responses"]
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=ERRORS[code]), code)
        operation["responses"] = dict(sorted(responses.items()))
        return operation
