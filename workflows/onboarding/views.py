"""The onboarding pages: inviting (place page → form), the stewards' list and the invitation's
page (confirm, refuse, cancel), and the public page of the link. Thin: a scoped read (404
outside the scope, logged), the table's 403 (logged), one service, its French message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from idempotency.keys import once_per_form
from labelling import selectors as labelling_selectors
from labelling.access import log_refusal
from labelling.exports import Column, Table
from labelling.permissions import is_steward, may_invite_porteur
from workflows.errors import AccessDenied, InvalidInput, NotFound, WorkflowError
from workflows.onboarding import selectors, services
from workflows.onboarding.forms import (
    AcceptNewAccountForm,
    AcceptSignedInForm,
    InviteForm,
    RefuseForm,
)
from workflows.onboarding.lifecycle import InvitationLifecycle
from workflows.onboarding.models import Invitation, InvitationState

PAGE_SIZE = 50


def _put_errors(form, error: InvalidInput) -> None:
    for field, errors in error.field_errors.items():
        for message in errors:
            form.add_error(field if field in form.fields else None, message)
    if not error.field_errors:
        form.add_error(None, error.message)


def _invitation_or_404(request: HttpRequest, invitation_id) -> Invitation:
    invitation = selectors.invitation_for_user(user=request.user, invitation_id=invitation_id)
    if invitation is None:
        log_refusal(
            request, status=404, what="invitation hors du périmètre", object_id=invitation_id
        )
        raise Http404("Cette invitation n'existe pas ou vous n'y avez pas accès.")
    return invitation


def _require_transition(
    request: HttpRequest, invitation: Invitation, name: str
) -> InvitationLifecycle:
    lifecycle = InvitationLifecycle(invitation)
    refusal = lifecycle.refusal(name, request.user)
    if refusal is not None:
        log_refusal(request, status=403, what=f"transition {name}", object_id=invitation.pk)
        raise PermissionDenied(refusal)
    return lifecycle


# --- inviting -----------------------------------------------------------------------------


@login_required
def invite(request: HttpRequest, place_id) -> HttpResponse:
    place = labelling_selectors.place_for_user(user=request.user, place_id=place_id)
    if place is None:
        log_refusal(request, status=404, what="lieu hors du périmètre", object_id=place_id)
        raise Http404("Ce lieu n'existe pas ou vous n'y avez pas accès.")
    if not may_invite_porteur(request.user, place):
        log_refusal(request, status=403, what="inviter le porteur", object_id=place_id)
        raise PermissionDenied(
            "Seule l'agence nationale ou la préfecture du département peut inviter le porteur de "
            "ce lieu."
        )
    place_url = reverse("labelling:place_detail", args=[place.pk])
    if place.porteur_id is not None:
        messages.info(request, f"Ce lieu a déjà son porteur : {place.porteur.name}.")
        return redirect(place_url)
    form = InviteForm(
        request.POST if request.method == "POST" else None, initial={"email": place.email}
    )
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite(
                user=request.user,
                place_id=place.pk,
                email=form.cleaned_data["email"],
                request_key=form.cleaned_data.get("request_key"),
            )
        except InvalidInput as error:
            _put_errors(form, error)
        except WorkflowError as error:
            messages.error(request, error.message)
            return redirect(place_url)
        else:
            messages.success(
                request,
                f"Invitation envoyée à {invitation.email} ; le lien expire le "
                f"{invitation.expires_at:%d/%m/%Y}.",
            )
            return redirect("onboarding:detail", invitation_id=invitation.pk)
    return render(
        request,
        "onboarding/invite.html",
        {
            "title": "Inviter le porteur du lieu",
            "place": place,
            "form": form,
            "invitations": selectors.place_invitations(place=place),
            "days": services.invitation_days(),
        },
    )


# --- the stewards' list and page ----------------------------------------------------------------

INVITATIONS_TABLE: Table[Invitation] = Table(
    "Rattachements",
    [
        Column("Référence", lambda i: i.reference),
        Column("Lieu", lambda i: i.place.name),
        Column("Identifiant national", lambda i: i.place.id_fs),
        Column("Commune", lambda i: i.place.commune.name),
        Column("Département", lambda i: i.departement_id),
        Column("Adresse invitée", lambda i: i.email),
        Column("État", lambda i: i.get_state_display()),
        Column("Envoyée le", lambda i: i.created_at),
        Column("Expire le", lambda i: i.expires_at),
        Column("Acceptée le", lambda i: i.accepted_at),
        Column("SIRET déclaré", lambda i: i.siret),
        Column("Porteur déclaré", lambda i: i.porteur_name),
        Column("Décidé le", lambda i: i.decided_at),
        Column("Motif du refus", lambda i: i.refusal_reason),
    ],
)


def _require_steward(request: HttpRequest) -> None:
    if not is_steward(request.user):
        log_refusal(request, status=404, what="liste des rattachements")
        raise Http404


def _list_filters(request: HttpRequest) -> dict:
    state = request.GET.get("etat", InvitationState.TO_CONFIRM)
    if state not in InvitationState.values and state != "":
        state = InvitationState.TO_CONFIRM
    return {"state": state, "search": request.GET.get("q", "").strip()[:100]}


@login_required
def invitation_list(request: HttpRequest) -> HttpResponse:
    _require_steward(request)
    filters = _list_filters(request)
    invitations = selectors.invitation_list(user=request.user, **filters)
    page = Paginator(invitations, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    counts = selectors.state_counts(user=request.user)
    return render(
        request,
        "onboarding/list.html",
        {
            "title": "Rattachements des porteurs",
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "states": [
                (value, label, counts.get(value, 0)) for value, label in InvitationState.choices
            ],
            "total": sum(counts.values()),
        },
    )


@login_required
def invitation_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _require_steward(request)
    invitations = selectors.invitation_list(user=request.user, **_list_filters(request))
    return INVITATIONS_TABLE.response(fmt, invitations.iterator(), filename="rattachements")


@login_required
def invitation_detail(request: HttpRequest, invitation_id) -> HttpResponse:
    invitation = _invitation_or_404(request, invitation_id)
    lifecycle = InvitationLifecycle(invitation)
    return render(
        request,
        "onboarding/detail.html",
        {
            "title": f"Invitation {invitation.reference}",
            "invitation": invitation,
            "offers": lifecycle.offers(request.user),
            "journal": selectors.journal_of(invitation),
            "known": selectors.known_porteur(invitation),
            "link_problem": selectors.link_problem(invitation)
            if invitation.state == InvitationState.SENT
            else None,
        },
    )


def _post_action(
    request: HttpRequest, invitation_id, name: str, call, success: str
) -> HttpResponse:
    invitation = _invitation_or_404(request, invitation_id)
    _require_transition(request, invitation, name)
    try:
        call(invitation)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect("onboarding:detail", invitation_id=invitation.pk)


@login_required
@require_POST
@once_per_form("onboarding:confirm")
def confirm(request: HttpRequest, invitation_id) -> HttpResponse:
    return _post_action(
        request,
        invitation_id,
        "confirm",
        lambda i: services.confirm(user=request.user, invitation_id=i.pk),
        "Rattachement confirmé : le lieu a son porteur, et la personne invitée est prévenue.",
    )


@login_required
@require_POST
@once_per_form("onboarding:revoke")
def revoke(request: HttpRequest, invitation_id) -> HttpResponse:
    return _post_action(
        request,
        invitation_id,
        "revoke",
        lambda i: services.revoke(user=request.user, invitation_id=i.pk),
        "Invitation annulée : son lien ne fonctionne plus.",
    )


@login_required
@once_per_form("onboarding:refuse")
def refuse(request: HttpRequest, invitation_id) -> HttpResponse:
    invitation = _invitation_or_404(request, invitation_id)
    lifecycle = _require_transition(request, invitation, "refuse")
    unmet = lifecycle.unmet("refuse")
    if unmet is not None:
        messages.info(request, unmet)
        return redirect("onboarding:detail", invitation_id=invitation.pk)
    form = RefuseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.refuse(
                user=request.user, invitation_id=invitation.pk, reason=form.cleaned_data["reason"]
            )
        except InvalidInput as error:
            _put_errors(form, error)
        except WorkflowError as error:
            messages.error(request, error.message)
            return redirect("onboarding:detail", invitation_id=invitation.pk)
        else:
            messages.success(request, "Rattachement refusé : la personne invitée reçoit le motif.")
            return redirect("onboarding:detail", invitation_id=invitation.pk)
    return render(
        request,
        "onboarding/refuse.html",
        {"title": "Refuser le rattachement", "invitation": invitation, "form": form},
    )


# --- the link (public) --------------------------------------------------------------------------


@never_cache
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """The page of the link: the form (new account, or the signed-in invited account), or why
    the link cannot be used. Nothing else of the place is shown but its name and commune."""
    invitation = selectors.invitation_by_token(token)
    if invitation is None:
        log_refusal(request, status=404, what="lien d'invitation inconnu")
        return render(
            request,
            "onboarding/link_problem.html",
            {"title": "Lien d'invitation invalide", "problem": selectors.UNKNOWN_LINK},
            status=404,
        )
    user = request.user
    signed_in = user.is_authenticated
    if signed_in and user.email.lower() != invitation.email.lower():
        return render(
            request,
            "onboarding/wrong_account.html",
            {"title": "Invitation destinée à une autre adresse", "invitation": invitation},
            status=403,
        )
    existing = None if signed_in else selectors.account_of(invitation.email)
    form_class = AcceptSignedInForm if signed_in else AcceptNewAccountForm
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and existing is None and form.is_valid():
        data = form.cleaned_data
        try:
            services.accept(
                token=token,
                user=user,
                siret=data["siret"],
                porteur_name=data.get("porteur_name", ""),
                porteur_kind=data.get("porteur_kind", ""),
                porteur_article=data.get("porteur_article", ""),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                password=data.get("password", ""),
            )
        except InvalidInput as error:
            _put_errors(form, error)
        except (NotFound, AccessDenied) as error:
            return render(
                request,
                "onboarding/link_problem.html",
                {"title": "Invitation", "problem": error.message},
                status=403 if isinstance(error, AccessDenied) else 404,
            )
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            return redirect("onboarding:accept", token=token)
        invitation.refresh_from_db()
    problem = selectors.link_problem(invitation)
    if invitation.state == InvitationState.TO_CONFIRM and request.method == "GET":
        return render(
            request,
            "onboarding/accepted.html",
            {"title": "Invitation acceptée", "invitation": invitation, "problem": problem},
        )
    if problem is not None:
        return render(
            request,
            "onboarding/link_problem.html",
            {"title": "Invitation", "problem": problem, "invitation": invitation},
            status=410,
        )
    return render(
        request,
        "onboarding/accept.html",
        {
            "title": "Rattacher le lieu à son porteur",
            "invitation": invitation,
            "form": form,
            "signed_in": signed_in,
            "existing": existing,
            "login_url": reverse("login") + "?next=" + request.path,
        },
    )


@require_POST
def leave(request: HttpRequest, token: str) -> HttpResponse:
    """Sign out from the page of a link meant for another address, then come back to it."""
    logout(request)
    return redirect("onboarding:accept", token=token)
