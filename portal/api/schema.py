"""OpenAPI additions (drf-spectacular): the personal-token authentication, and the error answers
every operation can give, so that the schema lists every status the API answers."""

from collections.abc import Iterable
from typing import Any

from django import forms
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "portal.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: AutoSchema | None) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (`sng_…`), created at /api/v1/tokens/.",
        }


ERROR = {"$ref": "#/components/schemas/Error"}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "required": True,
        "schema": {"type": "integer"},
    }
}

# (description, body schema, headers)
Answer = tuple[str, dict[str, Any], dict[str, Any]]

# status: (description, body schema, headers). Any operation can answer these: a parameter
# PostgreSQL cannot store, a caller not signed in, a role refused, a record not visible (the same
# 404 as a missing one) or a page number that does not exist, the rate limit, the database down.
ERRORS: dict[str, Answer] = {
    "400": (
        'The request is not valid: messages by field (`{"field": ["…"]}`, '
        '`non_field_errors`, `persons` by position), or `{"detail": "…"}`.',
        {"$ref": "#/components/schemas/ValidationError"},
        {},
    ),
    "401": (
        "Not signed in, or the token is invalid, expired or revoked.",
        ERROR,
        {
            "WWW-Authenticate": {
                "description": "`Bearer`",
                "required": True,
                "schema": {"type": "string"},
            }
        },
    ),
    "403": ("Your role may not do this (or two-factor authentication is not set up).", ERROR, {}),
    "404": (
        "Not found, or not visible to you (the same answer); for a list, a page that does not "
        "exist (`page` below 1, not a number, or past the last page).",
        ERROR,
        {},
    ),
    "429": ("Too many requests from this token or user (`API_RATE`).", ERROR, RETRY_AFTER),
    "503": ("The database is unavailable for a moment.", ERROR, RETRY_AFTER),
}

# Operations that take a body can also be sent one in a format they do not read.
UNSUPPORTED_MEDIA_TYPE: tuple[str, Answer] = (
    "415",
    ("The body's Content-Type is not one this operation reads.", ERROR, {}),
)

COMPONENTS = {
    "Error": {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "ValidationError": {
        "type": "object",
        "description": "Field name (or `non_field_errors`, `detail`) to its messages.",
        "additionalProperties": {},
    },
}

METHODS = ("get", "put", "post", "patch", "delete", "head", "options", "trace")


def document_errors(
    result: dict[str, Any], generator: SchemaGenerator, request: Request | None, public: bool
) -> dict[str, Any]:
    """Postprocessing hook: every operation lists the error answers of ERRORS it does not
    document itself."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(COMPONENTS)
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            errors = list(ERRORS.items())
            if "requestBody" in operation:
                errors.append(UNSUPPORTED_MEDIA_TYPE)
            for code, (description, schema, headers) in errors:
                if code in responses:
                    continue
                response: dict[str, Any] = {
                    "description": description,
                    "content": {"application/json": {"schema": schema}},
                }
                if headers:
                    response["headers"] = headers
                responses[code] = response
    return result


def form_parameters(
    form_class: type[forms.Form], *, descriptions: dict[str, str]
) -> list[OpenApiParameter]:
    """The query parameters a form parses, for `extend_schema(parameters=…)`, so the schema
    documents what the parser reads: dates as dates, ids as integers, fixed choices as enums
    (choices read from the database at request time stay plain strings)."""
    parameters = []
    for name, field in form_class.base_fields.items():
        kind, enum = OpenApiTypes.STR, None
        if isinstance(field, forms.DateField):
            kind = OpenApiTypes.DATE
        elif isinstance(field, forms.IntegerField | forms.ModelChoiceField):
            kind = OpenApiTypes.INT
        elif isinstance(field, forms.ChoiceField):
            # The stubs type what may be assigned to `choices`; reading gives (value, label)s.
            choices: Iterable[tuple[Any, Any]] = field.choices  # type: ignore[assignment]
            enum = [value for value, _label in choices if value] or None
        parameters.append(
            OpenApiParameter(name, kind, enum=enum, description=descriptions.get(name, ""))
        )
    return parameters
