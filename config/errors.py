"""The site's error pages: HTML (DSFR, French) for the pages, JSON for the API.

Django answers some errors before any view runs (a body over `DATA_UPLOAD_MAX_MEMORY_SIZE`, a
bad host, a view that raised): under ``/api/`` they answer in the API's format,
``{"detail", "code"}`` in French, like every other API error (`labelling.rest`)."""

from __future__ import annotations

import sys

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults

from labelling.api import too_large_message
from labelling.text import clean_line, has_control

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
    busy = database_busy(request, sys.exc_info()[1])
    if busy is not None:
        return busy
    if _is_api(request):
        return _json(
            "Erreur du service : l'incident est enregistré, réessayez plus tard.",
            "server_error",
            500,
        )
    return defaults.server_error(request, **kwargs)


class CleanQueryStringMiddleware:
    """Query strings (searches, filters, pages) are free text too: control characters are
    removed before any view reads them (`labelling.text.clean_line`), so that a pasted NUL can
    never reach a database that refuses it (PostgreSQL) nor be echoed in a page. Posted forms
    are cleaned by their base class (`labelling.forms.CleanTextForm`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.GET
        if query and any(has_control(v) for values in query.lists() for v in values[1]):
            cleaned = query.copy()
            for key, values in query.lists():
                cleaned.setlist(key, [clean_line(v) for v in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)


BUSY_MESSAGE = (
    "Le service est très sollicité et n'a pas pu enregistrer votre demande : rien n'a été "
    "modifié. Réessayez dans quelques instants."
)


class DatabaseBusyMiddleware:
    """A database that stays locked longer than its timeout (the embedded SQLite under several
    simultaneous writers): the request's transaction was rolled back, so the person is told, in
    French, that nothing was written and to retry — a 503, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return database_busy(request, exception)


def database_busy(request: HttpRequest, exception: BaseException | None) -> HttpResponse | None:
    """The 503 « retry » answer when `exception` is a locked database, else None. Also called
    by the 500 handler: a lock met by a middleware (the session read) is not a view's."""
    if not isinstance(exception, OperationalError) or "locked" not in str(exception):
        return None
    if _is_api(request):
        response = _json(BUSY_MESSAGE, "busy", 503)
    else:
        # Rendered without the request, like the 500 page: its context (the signed-in user)
        # would read the locked database again.
        html = loader.render_to_string("503.html", {"message": BUSY_MESSAGE})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = "5"
    return response
