from django.urls import path

from labelling.activity import views

app_name = "activity"

urlpatterns = [
    path("activite/", views.overview, name="overview"),
    path("activite/export.<str:fmt>", views.export, name="export"),
    path("activite/import/", views.import_figures, name="import"),
    path("activite/modele.csv", views.csv_template, name="template"),
    path("activite/lieux/<uuid:place_id>/", views.place_activity, name="place"),
    path(
        "activite/lieux/<uuid:place_id>/<int:year>/<int:month>/",
        views.month_form,
        name="month",
    ),
]
