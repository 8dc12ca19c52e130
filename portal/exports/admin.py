from django.contrib import admin
from django.http import HttpRequest

from portal.exports.models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ["id", "owner", "dataset", "format", "status", "rows", "created_at"]
    list_filter = ["dataset", "format", "status"]
    readonly_fields = [f.name for f in ExportJob._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
