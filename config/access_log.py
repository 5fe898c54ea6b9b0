"""Refused access, logged: every answer 401, 403 or 404 to a request for a named URL is written
to the ``estampille.access`` logger — who (the account's number, never its name or address),
what (the URL's name and the ids of the objects in it), when (UTC), and the answer.

Nothing personal is written in clear: no e-mail, no name, no network address, no query string
(a search may hold a name), and of the URL's arguments only the object ids (``…_id``, ``pk``):
secrets carried by a URL (invitation and password-reset links, verification codes) stay out.
An agent who probes files of another département leaves one line per attempt, which the
operators can count and follow. A view that logs its refusal itself with more context
(``labelling.access.log_refusal``) marks the request, and no second line is written."""

from __future__ import annotations

import datetime
import logging
import re

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("estampille.access")

REFUSED = frozenset({401, 403, 404})
OBJECT_ID = re.compile(r"(^|_)(id|pk)$")


def refusal_record(request: HttpRequest, status: int) -> dict | None:
    match = getattr(request, "resolver_match", None)
    if match is None or not match.url_name:
        return None  # an address of no page: scanners, typos — not an access to something
    user = getattr(request, "user", None)
    who = user.pk if user is not None and user.is_authenticated else None
    objects = {
        key: str(value) for key, value in sorted(match.kwargs.items()) if OBJECT_ID.search(key)
    }
    return {
        "who": who,
        "what": match.view_name,
        "objects": objects,
        "method": request.method,
        "status": status,
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }


class RefusedAccessLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in REFUSED and not getattr(request, "refusal_logged", False):
            record = refusal_record(request, response.status_code)
            if record is not None:
                objects = " ".join(f"{k}={v}" for k, v in record["objects"].items()) or "-"
                logger.warning(
                    "accès refusé : compte=%s url=%s objets=%s méthode=%s réponse=%s date=%s",
                    record["who"] if record["who"] is not None else "anonyme",
                    record["what"],
                    objects,
                    record["method"],
                    record["status"],
                    record["when"],
                    extra={"access": record},
                )
        return response
