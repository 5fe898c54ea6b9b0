"""The site's error pages: HTML (DSFR, French) for the pages, JSON for the API.

Django answers some errors before any view runs (a body over `DATA_UPLOAD_MAX_MEMORY_SIZE`, a
bad host, a view that raised): under ``/api/`` they answer in the API's format,
``{"detail", "code"}`` in French, like every other API error (`labelling.rest`)."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from labelling.api import too_large_message

API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _json(detail: str, code: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"detail": detail, "code": code}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def bad_request(request: HttpRequest, exception: Exception, **kwargs) -> HttpResponse:
    if _is_api(request):
        if isinstance(exception, RequestDataTooBig):
            return _json(too_large_message(), "too_large", 413)
        if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
            return _json("Requête invalide : trop de champs envoyés.", "too_many_fields", 400)
        return _json("Requête invalide.", "bad_request", 400)
    return defaults.bad_request(request, exception, **kwargs)


def permission_denied(request: HttpRequest, exception: Exception, **kwargs) -> HttpResponse:
    if _is_api(request):
        return _json("Vous n'avez pas le droit de faire cette action.", "permission_denied", 403)
    return defaults.permission_denied(request, exception, **kwargs)


def page_not_found(request: HttpRequest, exception: Exception, **kwargs) -> HttpResponse:
    if _is_api(request):
        return _json(
            "Introuvable : cet élément n'existe pas ou vous n'y avez pas accès.", "not_found", 404
        )
    return defaults.page_not_found(request, exception, **kwargs)


def server_error(request: HttpRequest, **kwargs) -> HttpResponse:
    if _is_api(request):
        return _json(
            "Erreur du service : l'incident est enregistré, réessayez plus tard.",
            "server_error",
            500,
        )
    return defaults.server_error(request, **kwargs)
