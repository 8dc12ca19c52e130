from django.urls import path

from referrals.stats import views

app_name = "stats"

urlpatterns = [
    path("", views.overview, name="overview"),
]
