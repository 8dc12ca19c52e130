"""The request types the pages are written against, for the type checker: what middleware
adds to Django's HttpRequest, and what login_required guarantees about its user."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from portal.accounts.models import User


class HtmxHttpRequest(HttpRequest):
    # Set on every request by django_htmx's HtmxMiddleware (settings.MIDDLEWARE).
    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """A request to a page behind login_required: its user is an account, never anonymous."""

    user: User
