"""Error pages in the user's language, inside the portal's layout where it is safe to render
it. The 500 page uses no context processors: whatever failed must not fail again here.

When the database cannot be reached (restarting, failing over, down for maintenance), the
request could not be served, but nothing is wrong with it: the answer is a 503 that says so and
when to try again, not a 500. Django's persistent connections are health-checked at the start
of each request (CONN_HEALTH_CHECKS), so the first request after the database is back works."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from rest_framework import exceptions

RETRY_AFTER_SECONDS = 30


def _api_error(request: HttpRequest, status: int, detail) -> HttpResponse | None:
    """The API's error shape ({"detail": "…"}, as DRF answers and the schema documents) for
    what Django answers itself under /api/: a URL no route matches, a bad request, a CSRF
    failure."""
    if not request.path.startswith("/api/"):
        return None
    return JsonResponse({"detail": str(detail)}, status=status)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return _api_error(request, 400, exceptions.ParseError.default_detail) or render(
        request, "errors/400.html", status=400
    )


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return _api_error(request, 403, exceptions.PermissionDenied.default_detail) or render(
        request, "errors/403.html", status=403
    )


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _api_error(request, 404, exceptions.NotFound.default_detail) or render(
        request, "errors/404.html", status=404
    )


def database_unavailable() -> bool:
    """Is the exception being handled a lost or refused database connection?"""
    exc = sys.exc_info()[1]
    return isinstance(exc, OperationalError | InterfaceError)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls the 500 handler while it handles the view's exception: it is still current.
    if database_unavailable():
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
