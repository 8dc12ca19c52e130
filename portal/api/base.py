"""What every endpoint shares: language, errors, pagination, throttling."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from rest_framework import exceptions, pagination, throttling
from rest_framework.request import Request

from portal.accounts.models import User
from portal.api.models import ApiToken
from portal.core import errors as core_errors

if TYPE_CHECKING:
    # For annotations only: rest_framework.views reads DEFAULT_THROTTLE_CLASSES, which names
    # this module, so importing it here at run time is a cycle (see exception_handler).
    from rest_framework.views import APIView

    _ViewBase = APIView
else:
    _ViewBase = object

SUPPORTED = {code for code, _name in settings.LANGUAGES}


def signed_in_user(request: Request) -> User:
    """The caller's account. Every endpoint requires one (the SignedIn permission), so this
    narrows the type; it refuses an anonymous caller all the same."""
    user = request.user
    if not isinstance(user, User):
        raise exceptions.NotAuthenticated
    return user


def caller_language(request: HttpRequest | Request) -> str:
    """The caller's language: an explicit Accept-Language the portal speaks, else the
    account's language, else Bahasa Indonesia."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for part in header.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in SUPPORTED:
            return code
    user = getattr(request, "user", None)
    language = getattr(user, "language", "") if user is not None else ""
    return language if language in SUPPORTED else settings.LANGUAGE_CODE


class LanguageMixin(_ViewBase):
    """Activates the caller's language once the caller is known, so that validation errors
    and messages come in it. (In DRF's own order, after content negotiation: an exception
    raised before it left `request.accepted_renderer` unset, which DRF reads with DEBUG on.)"""

    # A mixin for APIView and its subclasses, listed before them (the docstring above is in
    # the OpenAPI schema of every endpoint that uses it).

    def perform_authentication(self, request: Request) -> None:
        try:
            super().perform_authentication(request)
        finally:
            translation.activate(caller_language(request))
            request.LANGUAGE_CODE = translation.get_language()


def exception_handler(exc: Exception, context: dict[str, Any]) -> HttpResponse | None:
    """Services raise Django's ValidationError; the API answers it as DRF's: 400 with
    field-level messages ({"field": ["…"], "non_field_errors": ["…"]}). A lost or refused
    database connection is the 503 of the pages, in JSON (whether DEBUG is on or not)."""
    # Imported here: rest_framework.views reads DEFAULT_THROTTLE_CLASSES, which names this
    # module, so a module-level import fails whenever this module is imported first.
    from rest_framework.views import exception_handler as drf_exception_handler

    if core_errors.is_database_unavailable(exc):
        core_errors.logger.warning("Database unavailable: %s", exc)
        return core_errors.service_unavailable(context["request"])

    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail: dict[str, Any] = {}
            for key, errors in exc.error_dict.items():
                messages = [str(m) for m in DjangoValidationError(errors).messages]
                prefix, _sep, field = key.rpartition("-")
                group, _sep2, index = prefix.partition("-")
                if group and index.isdigit():
                    # "persons-1-nik" (the form's naming) → {"persons": {"1": {"nik": [...]}}}
                    detail.setdefault(group, {}).setdefault(index, {})[field] = messages
                else:
                    detail["non_field_errors" if key == "__all__" else key] = messages
        else:
            detail = {"non_field_errors": [str(m) for m in exc.messages]}
        exc = exceptions.ValidationError(detail)
    return drf_exception_handler(exc, context)


class Pagination(pagination.PageNumberPagination):
    """`?page=` from 1; a page that does not exist (below 1, not a number, past the last) is a
    404, as DRF answers it, and documented so (portal.api.schema). Clamping to the nearest page,
    as the HTML lists do, would keep a client that counts pages until the end looping forever
    on the last one."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = (
                    "A page number, from 1; a page that does not exist is a 404."
                )
            elif parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Results per page ({self.page_size} unless given; at most "
                    f"{self.max_page_size})."
                )
        return parameters


class UserOrTokenThrottle(throttling.SimpleRateThrottle):
    """Requests per token when one is used, else per signed-in user (the rate is in
    settings: REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["user_or_token"])."""

    scope = "user_or_token"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None  # anonymous calls are refused by the permission check anyway
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        else:
            ident = f"user-{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
