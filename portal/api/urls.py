from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from portal.api import views

app_name = "api"

router = DefaultRouter()
router.register("agencies", views.AgencyViewSet, basename="agency")
router.register("regions", views.RegionViewSet, basename="region")
router.register("agreements", views.AgreementViewSet, basename="agreement")
router.register("villages", views.VillageViewSet, basename="village")
router.register("activities", views.ActivityViewSet, basename="activity")
router.register("reports", views.ReportViewSet, basename="report")
router.register("shares", views.ShareViewSet, basename="share")
router.register("referrals", views.ReferralViewSet, basename="referral")
router.register("notifications", views.NotificationViewSet, basename="notification")
router.register("tokens", views.TokenViewSet, basename="token")

urlpatterns = [
    path("v1/me/", views.MeView.as_view(), name="me"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(url_name="api:schema"), name="docs"),
]
