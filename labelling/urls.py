from django.urls import include, path

from labelling import views

app_name = "labelling"

urlpatterns = [
    path("lieux/", views.place_list, name="place_list"),
    path("lieux/<uuid:place_id>/", views.place_detail, name="place_detail"),
    path("territoires/communes/", views.commune_search, name="commune_search"),
    path("", include("labelling.referential_urls")),
]
