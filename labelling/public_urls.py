from django.urls import path

from labelling import public_views

app_name = "public"

urlpatterns = [
    path("annuaire/", public_views.directory_search, name="directory"),
    path("annuaire/carte.json", public_views.map_data, name="map_data"),
    path("annuaire/<uuid:place_id>/", public_views.place, name="place"),
    path("donnees/", public_views.opendata_page, name="opendata"),
    path(
        "donnees/france-services.<str:fmt>",
        public_views.opendata_download,
        name="opendata_download",
    ),
]
