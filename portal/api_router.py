"""The API's URLs (namespace `api`): every app's viewsets on one router under /api/v1/, the
caller, and the schema and its documentation page. Wiring: it may import every app."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from agreements.api import AgreementViewSet
from portal.accounts.api import AgencyViewSet, MeView
from portal.api.docs import DocsView
from portal.api.tokens import TokenViewSet
from portal.notifications.api import NotificationViewSet
from portal.regions.api import RegionViewSet
from referrals.api.views import ReferralViewSet, ReportViewSet, ShareViewSet
from villages.api import ActivityViewSet, VillageViewSet

app_name = "api"

router = DefaultRouter()
router.register("agencies", AgencyViewSet, basename="agency")
router.register("regions", RegionViewSet, basename="region")
router.register("agreements", AgreementViewSet, basename="agreement")
router.register("villages", VillageViewSet, basename="village")
router.register("activities", ActivityViewSet, basename="activity")
router.register("reports", ReportViewSet, basename="report")
router.register("shares", ShareViewSet, basename="share")
router.register("referrals", ReferralViewSet, basename="referral")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("tokens", TokenViewSet, basename="token")

urlpatterns = [
    path("v1/me/", MeView.as_view(), name="me"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
]
