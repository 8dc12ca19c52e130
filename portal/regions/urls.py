from django.urls import path

from portal.regions import views

app_name = "regions"

urlpatterns = [
    path("children/", views.children, name="children"),
    path("search/", views.search, name="search"),
]
