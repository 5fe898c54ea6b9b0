from django.urls import path

from workflows.dashboard import views

app_name = "network"

urlpatterns = [
    path("reseau/", views.network, name="status"),
    path("reseau/couverture/recalculer/", views.refresh_coverage, name="refresh_coverage"),
    path("reseau/carte.json", views.map_data, name="map_data"),
    path("reseau/export/<slug:name>.<str:fmt>", views.export, name="export"),
]
