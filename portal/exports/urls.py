from django.urls import path

from portal.exports import views

app_name = "exports"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("new/<slug:dataset>/", views.export_create, name="create"),
    path("<int:pk>/", views.job_detail, name="detail"),
    path("<int:pk>/status/", views.job_status, name="status"),
    path("<int:pk>/download/", views.job_download, name="download"),
]
