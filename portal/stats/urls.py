from django.urls import path

from portal.stats import views

app_name = "stats"

urlpatterns = [
    path("", views.overview, name="overview"),
]
