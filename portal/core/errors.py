"""Error pages in the user's language, inside the portal's layout where that is safe (the 500
page uses no context processors: what failed must not fail again).

A database that cannot be reached answers 503, not 500, even with DEBUG on (when Django never
calls handler500): the exception is noted on the request as Django handles it, and
ServiceUnavailableMiddleware turns that request's 500 into the 503."""

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from rest_framework import exceptions

RETRY_AFTER_SECONDS = 30
DATABASE_UNAVAILABLE = "_sinergi_database_unavailable"  # request attribute

logger = logging.getLogger(__name__)


def _api_error(request: HttpRequest, status: int, detail: object) -> HttpResponse | None:
    """The API's error shape ({"detail": "…"}, as DRF answers and the schema documents) for
    what Django answers itself under /api/: a URL no route matches, a bad request, a CSRF
    failure."""
    if not request.path.startswith("/api/"):
        return None
    return JsonResponse({"detail": str(detail)}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, 400, exceptions.ParseError.default_detail) or render(
        request, "errors/400.html", status=400
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, 403, exceptions.PermissionDenied.default_detail) or render(
        request, "errors/403.html", status=403
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, 404, exceptions.NotFound.default_detail) or render(
        request, "errors/404.html", status=404
    )


def is_database_unavailable(exc: BaseException | None) -> bool:
    """Is `exc` a lost or refused database connection ("too many clients" included)?"""
    return isinstance(exc, OperationalError | InterfaceError)


def note_database_unavailable(
    sender: object = None, request: HttpRequest | None = None, **kwargs: object
) -> None:
    """got_request_exception receiver: Django sends it while it handles the exception."""
    if request is not None and is_database_unavailable(sys.exc_info()[1]):
        setattr(request, DATABASE_UNAVAILABLE, True)


class ServiceUnavailableMiddleware:
    """The 500 of a request whose database connection failed becomes the 503 (first in
    MIDDLEWARE, so that it sees the answer whichever layer failed)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, DATABASE_UNAVAILABLE, False):
            return service_unavailable(request)
        return response


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls the 500 handler while it handles the exception: it is still current.
    if is_database_unavailable(sys.exc_info()[1]):
        return service_unavailable(request)
    return HttpResponseServerError(loader.get_template("errors/500.html").render())


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After; JSON for the API. Rendered without context processors (they
    query the database)."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {
                "detail": "Layanan sementara tidak tersedia; coba lagi sebentar lagi. "
                "The service is temporarily unavailable; please try again shortly."
            },
            status=503,
        )
    else:
        response = HttpResponse(loader.get_template("errors/503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _api_error(request, 403, exceptions.PermissionDenied.default_detail) or render(
        request, "errors/403_csrf.html", status=403
    )
