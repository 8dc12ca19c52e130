from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from portal.api import pages as api_pages
from portal.core import views as core_views

admin.site.site_header = "Sinergi"
admin.site.site_title = "Sinergi"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("health/", core_views.health, name="health"),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    # Work e-mail addresses are set by agency admins, not by their owners.
    path(
        "accounts/email/",
        RedirectView.as_view(pattern_name="home", permanent=False),
        name="account_email",
    ),
    path("accounts/", include("allauth.urls")),
    path("", include("portal.accounts.urls")),
    path("audit/", include("portal.audit.urls")),
    path("notifications/", include("portal.notifications.urls")),
    path("regions/", include("portal.regions.urls")),
    path("agreements/", include("agreements.urls")),
    path("villages/", include("villages.urls")),
    path("reports/", include("referrals.urls")),
    path("exports/", include("portal.exports.urls")),
    path("statistics/", include("referrals.stats.urls")),
    path("api/", include("portal.api_router")),
    path("api-tokens/", api_pages.token_list, name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", api_pages.token_revoke, name="api_token_revoke"),
    path(settings.ADMIN_URL, admin.site.urls),
]

handler400 = "portal.core.errors.bad_request"
handler403 = "portal.core.errors.permission_denied"
handler404 = "portal.core.errors.page_not_found"
handler500 = "portal.core.errors.server_error"
