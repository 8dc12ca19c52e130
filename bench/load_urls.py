"""The portal's URLs plus, for the load run's comparison only, an admin site listing reports.
The portal itself registers no admin for case files (system admins do not read them)."""

from django.contrib import admin
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns
from referrals.models import Report

site = admin.AdminSite(name="bench_admin")


class ReportAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "occurred_at",
        "agency",
        "created_by",
        "region",
        "status",
        "risk_level",
        "person_count",
    )
    list_select_related = ("agency", "created_by", "region")
    list_filter = ("agency", "status")
    list_per_page = 25
    ordering = ("-occurred_at", "-id")


site.register(Report, ReportAdmin)

urlpatterns = [path("bench-admin/", site.urls), *portal_urlpatterns]
