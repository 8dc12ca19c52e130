from django.contrib import admin

from agreements.models import Agreement, AgreementDocument, AgreementScope, Party, Scope


class PartyInline(admin.TabularInline):
    model = Party
    extra = 0
    raw_id_fields = ["agency"]


class AgreementScopeInline(admin.TabularInline):
    model = AgreementScope
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "effective_from", "effective_until"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "parties__agreement_number"]
    inlines = [PartyInline, AgreementScopeInline]


@admin.register(Scope)
class ScopeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_id", "allows_data_exchange", "is_active", "sort_order"]


@admin.register(AgreementDocument)
class AgreementDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "agreement", "size", "uploaded_at"]
    readonly_fields = ["sha256", "size", "original_name"]
