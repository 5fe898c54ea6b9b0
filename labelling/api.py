"""The public JSON API: the conformity check stores nothing, so it needs no account."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from labelling.conformity import InvalidDeclaration
from labelling.conformity.validation import parse_json
from labelling.versions.store import check_raw


def too_large_message() -> str:
    """What the API says of a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit >= 1024 * 1024:
        size = f"{limit / 1024 / 1024:.1f}".replace(".", ",").removesuffix(",0") + " Mo"
    else:
        size = f"{max(limit // 1024, 1)} ko"
    return f"Requête trop volumineuse : au plus {size} sont acceptés."


# CSRF protects what a signed-in user's cookies allow; this endpoint reads no session, needs no
# account and writes nothing, so a forged request gains nothing (tests/config/test_security.py
# keeps every other view protected).
@csrf_exempt
@require_POST
def conformity_check(request: HttpRequest) -> JsonResponse:
    """POST a declaration (JSON body), optionally ``?against=CODE``: the same JSON as
    ``check_conformity``; 400 with ``{"errors": [{"path", "message"}]}`` when invalid."""
    try:
        body = request.body
    except RequestDataTooBig:
        message = too_large_message()
        return JsonResponse(
            {"errors": [{"path": "$", "message": message}], "detail": message, "code": "too_large"},
            status=413,
            json_dumps_params={"ensure_ascii": False},
        )
    try:
        raw = parse_json(body)
        result = check_raw(raw=raw, against=request.GET.get("against") or None)
    except InvalidDeclaration as exc:
        errors = [{"path": e.path, "message": e.message} for e in exc.errors]
        return JsonResponse(
            {"errors": errors}, status=400, json_dumps_params={"ensure_ascii": False}
        )
    return JsonResponse(result.to_dict(), json_dumps_params={"ensure_ascii": False})
