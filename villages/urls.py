from django.urls import path

from villages import views

app_name = "villages"

urlpatterns = [
    path("", views.village_list, name="list"),
    path("new/", views.village_create, name="create"),
    path("<int:pk>/", views.village_detail, name="detail"),
    path("<int:pk>/edit/", views.village_edit, name="edit"),
    path("<int:pk>/reveal/<str:field>/", views.village_reveal, name="reveal"),
    path("<int:pk>/figures/", views.village_figures, name="figures"),
    path("<int:pk>/partners/new/", views.village_partner_add, name="partner_add"),
    path(
        "<int:pk>/partners/<int:partner_pk>/remove/",
        views.village_partner_remove,
        name="partner_remove",
    ),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/files/", views.activity_file_upload, name="activity_file_upload"),
    path("activities/files/<int:file_pk>/", views.activity_file, name="activity_file"),
    path(
        "agreements/<int:agreement_pk>/implementation/",
        views.agreement_implementation,
        name="agreement_implementation",
    ),
]
