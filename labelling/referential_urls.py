"""URLs of the cahier des charges pages, included by ``labelling/urls.py`` (namespace
``labelling``)."""

from django.urls import path

from labelling import referential_views as views

urlpatterns = [
    path("verifier-mon-lieu/", views.selfcheck, name="selfcheck"),
    path("cahier-des-charges/", views.version_list, name="version_list"),
    path("cahier-des-charges/<slug:code>/", views.version_detail, name="version_detail"),
    path(
        "cahier-des-charges/<slug:code>/criteres/<int:pk>/",
        views.criterion_edit,
        name="criterion_edit",
    ),
    path("cahier-des-charges/<slug:code>/publier/", views.version_publish, name="version_publish"),
    path("cahier-des-charges/<slug:code>/impact/", views.impact_start, name="impact_start"),
    path("etudes-d-impact/<uuid:run_id>/", views.impact_detail, name="impact_detail"),
    path(
        "etudes-d-impact/<uuid:run_id>/export.csv",
        views.impact_export,
        {"fmt": "csv"},
        name="impact_export_csv",
    ),
    path(
        "etudes-d-impact/<uuid:run_id>/export.xlsx",
        views.impact_export,
        {"fmt": "xlsx"},
        name="impact_export_xlsx",
    ),
]
