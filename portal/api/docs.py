"""The API's documentation page (Swagger UI); the schema it shows is drf-spectacular's."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseBase
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import exceptions


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI, for signed-in users (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]); an anonymous
    visitor is sent to sign in, as on every page of the portal."""

    # DRF returns whatever response this gives; the stubs narrow it to a DRF Response.
    def handle_exception(self, exc: Exception) -> HttpResponseBase:  # type: ignore[override]
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)
