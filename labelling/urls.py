from django.urls import include, path

from labelling import views

app_name = "labelling"

urlpatterns = [
    path("lieux/", views.place_list, name="place_list"),
    path("lieux/<uuid:place_id>/", views.place_detail, name="place_detail"),
    path("", include("labelling.referential_urls")),
]
