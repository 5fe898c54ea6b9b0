"""Thin views: the public verification page, downloads for the readers of each document (its
audience, see `documents.permissions`), and the status fragments the pages poll."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from documents import permissions, selectors, services
from documents.codes import is_specimen, normalize_code
from documents.contexts import UnreadableContext, load_context
from documents.forms import VerifyCodeForm, VerifyFileForm
from documents.models import Document
from documents.prefectures import prefecture_info
from idempotency.keys import REPLAYED, AlreadySubmitted, submitted_once
from labelling.selectors import place_for_user

VERIFY_MAX_BYTES = 20 * 1024 * 1024


def _document_or_404(request: HttpRequest, document_id) -> Document:
    document = selectors.document_for_user(user=request.user, document_id=document_id)
    if document is None:
        raise Http404("Document introuvable.")
    return document


def _typed(document: Document):
    """The document's typed context, or None for a snapshot older than typed contexts."""
    try:
        return load_context(document.context)
    except UnreadableContext:
        return None


def download_name(document: Document) -> str:
    context = _typed(document)
    place_name = context.place.name if context else document.place.name
    return f"{document.kind}-{slugify(place_name)[:60] or 'lieu'}-r{document.revision}.pdf"


# --- public verification ----------------------------------------------------------------------


def _client_address(request: HttpRequest) -> str:
    """The client's address (behind TRUSTED_PROXY_COUNT proxies, the one they vouch for)."""
    hops = settings.TRUSTED_PROXY_COUNT
    forwarded = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [h for h in forwarded if h]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")


def _throttled(request: HttpRequest) -> bool:
    """Count one verification for this client; beyond DOCUMENTS_VERIFY_LIMIT in
    DOCUMENTS_VERIFY_WINDOW seconds, the client waits (codes cannot be tried in bulk)."""
    digest = hashlib.sha256(f"verify:{_client_address(request)}".encode()).hexdigest()
    key = f"documents-verify:{digest}"
    window = settings.DOCUMENTS_VERIFY_WINDOW
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=window)
        count = 1
    return count > settings.DOCUMENTS_VERIFY_LIMIT


def _too_many(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "documents/verify_throttled.html",
        {"title": "Trop de vérifications", "window": settings.DOCUMENTS_VERIFY_WINDOW},
        status=429,
    )
    response["Retry-After"] = str(settings.DOCUMENTS_VERIFY_WINDOW)
    return response


def key_facts(context, document: Document) -> list[tuple[str, str]]:
    """What the document says that matters, to compare with the copy in hand."""
    from documents.templatetags.documents_tags import date_long, euros

    facts = [("Nature", document.get_kind_display())]
    if document.register_number:
        facts.append(("Numéro", document.register_number))
    if context is None:
        return facts
    facts.append(("Porteur", context.porteur.name))
    place = context.place.name + (f" ({context.place.commune})" if context.place.commune else "")
    facts.append(("Lieu", place))
    kind = document.kind
    if kind == "arrete_labellisation":
        facts.append(("Décision", "Labellisation « France Services »"))
        facts.append(("Date d'effet", date_long(context.effective_on)))
    elif kind == "refus":
        facts.append(("Décision", "Refus de labellisation"))
    elif kind == "decision_financement":
        facts.append(("Décision", f"Subvention de fonctionnement pour {context.year}"))
        facts.append(("Montant", euros(context.amount)))
    elif kind == "mise_en_demeure":
        facts.append(("Objet", "Mise en demeure de se conformer au cahier des charges"))
        facts.append(("À se conformer au plus tard le", date_long(context.comply_by)))
    elif kind == "arrete_abrogation":
        facts.append(("Décision", "Abrogation de l'arrêté de labellisation"))
        facts.append(("Date d'effet", date_long(context.effective_on)))
    elif kind == "accuse_reception":
        facts.append(("Demande déposée le", date_long(context.submitted_on)))
    elif kind == "demande_complements":
        facts.append(("Compléments attendus au plus tard le", date_long(context.due_on)))
    facts.append(("Date du document", date_long(context.document_date)))
    return facts


@require_GET
def verify_form(request: HttpRequest) -> HttpResponse:
    form = VerifyCodeForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("documents:verify", code=form.cleaned_data["code"])
    return render(
        request, "documents/verify_form.html", {"form": form, "title": "Vérifier un document"}
    )


@require_http_methods(["GET", "POST"])
def verify_document(request: HttpRequest, code: str) -> HttpResponse:
    normalized = normalize_code(code)
    if normalized and normalized != code:
        return redirect("documents:verify", code=normalized)
    if _throttled(request):
        return _too_many(request)
    document = selectors.verifiable_document(code=code)
    if document is None:
        return render(
            request,
            "documents/verify_not_found.html",
            {
                "code": code,
                "specimen": is_specimen(normalized or ""),
                "form": VerifyCodeForm(),
                "title": "Document introuvable",
            },
            status=404,
        )
    comparison = None
    file_form = VerifyFileForm()
    if request.method == "POST":
        file_form = VerifyFileForm(request.POST, request.FILES)
        if file_form.is_valid():
            upload = file_form.cleaned_data["file"]
            if upload.size > VERIFY_MAX_BYTES:
                file_form.add_error("file", "Ce fichier est trop volumineux pour être comparé.")
            else:
                digest = hashlib.sha256()
                for chunk in upload.chunks():
                    digest.update(chunk)
                comparison = {
                    "sha256": digest.hexdigest(),
                    "match": digest.hexdigest() == document.sha256,
                }
    context = _typed(document)
    latest = selectors.latest_revision(document=document)
    departement = context.place.departement if context else document.place.departement_id
    prefecture = dict(prefecture_info(departement))
    if context:
        prefecture.update(context.prefecture.overrides())
    return render(
        request,
        "documents/verify_document.html",
        {
            "title": "Vérification d'un document",
            "document": document,
            "place_name": context.place.name if context else document.place.name,
            "commune": context.place.commune if context else document.place.commune.name,
            "prefecture_of_name": prefecture["of_name"],
            "latest_revision": latest,
            "facts": key_facts(context, document),
            "status": selectors.verification_status(document=document),
            "document_date": context.document_date if context else document.ready_at,
            "comparison": comparison,
            "file_form": file_form,
        },
    )


# --- documents for their readers ---------------------------------------------------------------


@login_required
@require_GET
def download(request: HttpRequest, document_id) -> FileResponse:
    document = _document_or_404(request, document_id)
    if not document.is_ready:
        raise Http404("Ce document n'est pas encore produit.")
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=download_name(document),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@login_required
@require_GET
def status_fragment(request: HttpRequest, document_id) -> HttpResponse:
    document = _document_or_404(request, document_id)
    return render(
        request,
        "documents/_status.html",
        {"document": document, "may_manage": permissions.may_manage(request.user, document)},
    )


@login_required
@require_POST
def retry(request: HttpRequest, document_id) -> HttpResponse:
    document = _document_or_404(request, document_id)
    if not permissions.may_manage(request.user, document):
        raise PermissionDenied("Seules la préfecture et l'agence nationale relancent un document.")
    try:
        # One form, one effect: a double click starts the production once.
        with submitted_once(request, "documents:retry") as once:
            document = services.retry_document(document=document, requested_by=request.user)
            once.done(_back_url(document))
        messages.success(request, "La production du document est relancée.")
    except AlreadySubmitted:
        messages.info(request, REPLAYED)
    except services.DocumentNotRetryable as exc:
        messages.error(request, str(exc))
    return _back(request, document)


@login_required
@require_POST
def regenerate(request: HttpRequest, document_id) -> HttpResponse:
    document = _document_or_404(request, document_id)
    if not permissions.may_manage(request.user, document):
        raise PermissionDenied(
            "Seules la préfecture et l'agence nationale produisent une nouvelle révision."
        )
    try:
        # One form, one effect: a double click makes one new revision.
        with submitted_once(request, "documents:regenerate") as once:
            new = services.regenerate_document(document=document, requested_by=request.user)
            once.done(_back_url(document))
        messages.success(
            request, f"Une nouvelle révision (n° {new.revision}) est en cours de production."
        )
    except AlreadySubmitted:
        messages.info(request, REPLAYED)
    except services.DocumentNotRetryable as exc:
        messages.error(request, str(exc))
    return _back(request, document)


def _back_url(document: Document) -> str:
    return reverse("documents:place_documents", kwargs={"place_id": document.place_id})


def _back(request: HttpRequest, document: Document) -> HttpResponse:
    if request.headers.get("HX-Request") or request.POST.get("fragment"):
        document.refresh_from_db()
        return render(
            request,
            "documents/_status.html",
            {"document": document, "may_manage": permissions.may_manage(request.user, document)},
        )
    return redirect(_back_url(document))


@login_required
@require_GET
def place_documents(request: HttpRequest, place_id) -> HttpResponse:
    # The page belongs to a place the user sees (the place's rule, from labelling); each
    # document on it is listed only for its own readers.
    place = place_for_user(user=request.user, place_id=place_id)
    if place is None:
        raise Http404("Lieu introuvable.")
    user = request.user
    return render(
        request,
        "documents/place_documents.html",
        {
            "title": f"Documents — {place.name}",
            "place": place,
            "documents": selectors.documents_for_place(user=user, place_id=place.pk),
            "supporting": selectors.supporting_documents_for_place(user=user, place_id=place.pk),
            "may_manage": user.is_prefecture or user.is_national,
        },
    )


@login_required
@require_GET
def download_supporting(request: HttpRequest, document_id) -> FileResponse:
    document = selectors.supporting_document_for_user(user=request.user, document_id=document_id)
    if document is None:
        raise Http404("Pièce introuvable.")
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- batches ---------------------------------------------------------------------------------


def _batch_or_404(request: HttpRequest, batch_id):
    batch = selectors.batch_for_user(user=request.user, batch_id=batch_id)
    if batch is None:
        raise Http404("Lot introuvable.")
    return batch


@login_required
@require_GET
def batch_detail(request: HttpRequest, batch_id) -> HttpResponse:
    batch = _batch_or_404(request, batch_id)
    return render(
        request,
        "documents/batch_detail.html",
        {
            "title": f"Production des documents — {batch}",
            "batch": batch,
            "progress": selectors.batch_progress(batch=batch),
            "failed": batch.documents.filter(status="failed").select_related("place")[:50],
        },
    )


@never_cache
@login_required
@require_GET
def batch_fragment(request: HttpRequest, batch_id) -> HttpResponse:
    batch = _batch_or_404(request, batch_id)
    return render(
        request,
        "documents/_batch_progress.html",
        {"batch": batch, "progress": selectors.batch_progress(batch=batch)},
    )
