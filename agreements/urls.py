from django.urls import path

from agreements import views

app_name = "agreements"

urlpatterns = [
    path("", views.agreement_list, name="list"),
    path("new/", views.agreement_create, name="create"),
    path("partners/", views.partner_map, name="partner_map"),
    path("scopes/", views.scope_list, name="scope_list"),
    path("scopes/new/", views.scope_form, name="scope_create"),
    path("scopes/<int:scope_pk>/edit/", views.scope_form, name="scope_edit"),
    path("documents/<int:document_pk>/", views.document_download, name="document_download"),
    path("<int:pk>/", views.agreement_detail, name="detail"),
    path("<int:pk>/edit/", views.agreement_edit, name="edit"),
    path("<int:pk>/activate/", views.agreement_activate, name="activate"),
    path("<int:pk>/terminate/", views.agreement_terminate, name="terminate"),
    path("<int:pk>/parties/new/", views.party_form, name="party_add"),
    path("<int:pk>/parties/<int:party_pk>/edit/", views.party_form, name="party_edit"),
    path("<int:pk>/parties/<int:party_pk>/remove/", views.party_remove, name="party_remove"),
    path("<int:pk>/scopes/new/", views.agreement_scope_form, name="scope_add"),
    path("<int:pk>/scopes/<int:scope_pk>/edit/", views.agreement_scope_form, name="scope_change"),
    path(
        "<int:pk>/scopes/<int:scope_pk>/remove/",
        views.agreement_scope_remove,
        name="scope_remove",
    ),
    path("<int:pk>/documents/", views.document_upload, name="document_upload"),
]
