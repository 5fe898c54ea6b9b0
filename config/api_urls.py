"""``/api/v1/``: every app's endpoints on one router, the OpenAPI 3 schema and its documentation
page (Swagger UI served by the app from drf-spectacular-sidecar: no CDN). The conformity check
keeps its own view and its contract (``shared/contracts/CONFORMITY.md``)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from labelling import api
from labelling import rest as labelling_rest
from workflows import rest as workflows_rest

app_name = "api"


class Router(DefaultRouter):
    include_format_suffixes = False


router = Router()
for routes in (labelling_rest.ROUTES, workflows_rest.ROUTES):
    for prefix, viewset, basename in routes:
        router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("conformity/check", api.conformity_check, name="conformity_check"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
]
