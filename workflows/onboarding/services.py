"""The actions of onboarding: invite, accept (through the link), confirm, refuse, cancel.

Each is one function, keyword-only; each checks, writes and journals in one transaction (the
transitions of `workflows.onboarding.lifecycle`), so a refused action changes nothing. Errors
are the workflow errors (`workflows.errors`), with French messages naming the field."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from labelling.models import Place, Porteur, PorteurArticle, PorteurKind, Role, User
from labelling.permissions import may_invite_porteur, may_view_place
from labelling.validators import LA_POSTE_SIREN, normalize_siret, validate_siret
from workflows.errors import AccessDenied, InvalidInput, NotFound, TransitionNotAllowed
from workflows.fsm import transition
from workflows.onboarding import selectors
from workflows.onboarding.lifecycle import InvitationLifecycle
from workflows.onboarding.models import (
    Invitation,
    InvitationState,
    OnboardingAction,
)
from workflows.onboarding.tokens import hash_token, token_for


def invitation_days() -> int:
    return int(getattr(settings, "ONBOARDING_INVITATION_DAYS", 14))


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        message = "Saisissez une adresse électronique valide (par exemple nom@exemple.fr)."
        raise InvalidInput(message, field_errors={"email": [message]}) from exc
    return email


def invite(*, user: User, place_id, email: str, request_key=None) -> Invitation:
    """Invite the porteur of a place that waits for one: an e-mail with a single-use link valid
    `ONBOARDING_INVITATION_DAYS` days. A pending invitation of the place is cancelled (the new
    one replaces it); none can be sent while an attachment waits for the préfecture.

    `request_key` is the form's idempotency key: the same form posted twice gives the same
    invitation and one e-mail. Raises `NotFound` (no such place in the user's scope),
    `AccessDenied` (not the agency nor the préfecture of the place), `InvalidInput`."""
    if request_key is not None:
        earlier = Invitation.objects.filter(request_key=request_key).first()
        if earlier is not None and earlier.invited_by_id == user.pk:
            return earlier
    email = _clean_email(email)
    try:
        with transaction.atomic():
            place = (
                Place.objects.select_for_update(of=("self",))
                .select_related("porteur")
                .filter(pk=place_id)
                .first()
            )
            if place is None or not may_view_place(user, place):
                raise NotFound("Ce lieu n'existe pas ou vous n'y avez pas accès.")
            if not may_invite_porteur(user, place):
                raise AccessDenied(
                    "Seule l'agence nationale ou la préfecture du département peut inviter le "
                    "porteur de ce lieu."
                )
            if place.porteur_id is not None:
                raise InvalidInput(
                    f"Ce lieu a déjà son porteur : {place.porteur.name}. Aucune invitation n'est "
                    "nécessaire."
                )
            pending = list(
                Invitation.objects.select_for_update().filter(
                    place=place, state__in=[InvitationState.SENT, InvitationState.TO_CONFIRM]
                )
            )
            for earlier in pending:
                if earlier.state == InvitationState.TO_CONFIRM:
                    raise InvalidInput(
                        f"Un rattachement de ce lieu attend déjà la confirmation de la préfecture "
                        f"(invitation {earlier.reference}, acceptée par {earlier.email}) : "
                        "confirmez-le ou refusez-le avant d'inviter de nouveau."
                    )
                lifecycle = InvitationLifecycle(earlier)
                lifecycle.check("revoke", user)
                lifecycle.fire(
                    "revoke", user=user, comment="Remplacée par une nouvelle invitation."
                )
            invitation = Invitation(
                place=place,
                departement_id=place.departement_id,
                email=email,
                invited_by=user,
                request_key=request_key,
                expires_at=timezone.now() + datetime.timedelta(days=invitation_days()),
            )
            invitation.token_hash = hash_token(token_for(invitation.pk))
            invitation.save()
            InvitationLifecycle(invitation).record(
                user=user,
                action=OnboardingAction.INVITE,
                from_state=InvitationState.SENT,
                comment="",
                private=False,
                data={"email": email, "expire_le": invitation.expires_at.isoformat()},
                notify=True,
            )
    except IntegrityError as exc:
        # Two invitations of the same place at once: the database kept one.
        if request_key is not None:
            earlier = Invitation.objects.filter(request_key=request_key).first()
            if earlier is not None and earlier.invited_by_id == user.pk:
                return earlier
        raise TransitionNotAllowed(
            "Une autre invitation de ce lieu vient d'être envoyée : rechargez la page."
        ) from exc
    return invitation


# --- the invitee ----------------------------------------------------------------------------


def _field_error(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, field_errors={field: [message]})


def _clean_siret(siret: str) -> str:
    siret = normalize_siret(siret or "")
    try:
        validate_siret(siret)
    except ValidationError as exc:
        raise _field_error("siret", exc.messages[0]) from exc
    return siret


def accept(
    *,
    token: str,
    user,
    siret: str,
    porteur_name: str = "",
    porteur_kind: str = "",
    porteur_article: str = "",
    first_name: str = "",
    last_name: str = "",
    password: str = "",
) -> Invitation:
    """The invitee accepts through the link: the porteur's SIRET (checked with
    `labelling.validators.validate_siret`, La Poste's rule included), and either the account it
    is signed in with (the invited address) or what a new account needs (names, a password that
    meets `AUTH_PASSWORD_VALIDATORS`, and the porteur's name and nature when the SIRET is not
    yet known). Nothing is created before the préfecture confirms.

    A second post of the same answer (a double click) gives the same invitation; otherwise a
    used, cancelled or expired link raises `TransitionNotAllowed` with the reason in French."""
    invitation = selectors.invitation_by_token(token)
    if invitation is None:
        raise NotFound(selectors.UNKNOWN_LINK)
    siret = _clean_siret(siret)
    if invitation.state == InvitationState.TO_CONFIRM and invitation.siret == siret:
        return invitation  # the same answer, posted twice
    problem = selectors.link_problem(invitation)
    if problem is not None:
        raise TransitionNotAllowed(problem)
    with transition(InvitationLifecycle, "accept", user=user, pk=invitation.pk) as run:
        invitation = run.obj
        signed_in = bool(getattr(user, "is_authenticated", False))
        existing = user if signed_in else selectors.account_of(invitation.email)
        if existing is not None and not signed_in:
            raise InvalidInput(selectors.SIGN_IN_FIRST)
        known = Porteur.objects.filter(siret=siret).first()
        if existing is not None:
            _check_existing_account(existing, siret=siret, known=known)
            invitation.existing_user = existing
            invitation.porteur_name = existing.porteur.name
            invitation.porteur_kind = existing.porteur.kind
        else:
            errors: dict[str, list[str]] = {}
            first_name, last_name = first_name.strip(), last_name.strip()
            if not first_name:
                errors["first_name"] = ["Indiquez votre prénom."]
            if not last_name:
                errors["last_name"] = ["Indiquez votre nom."]
            if known is None:
                porteur_name = porteur_name.strip()
                if not porteur_name:
                    errors["porteur_name"] = [
                        "Ce SIRET n'est pas encore connu : indiquez le nom du porteur."
                    ]
                if porteur_kind not in PorteurKind.values:
                    errors["porteur_kind"] = [
                        "Ce SIRET n'est pas encore connu : choisissez la nature du porteur."
                    ]
                if porteur_article and porteur_article not in PorteurArticle.values:
                    errors["porteur_article"] = [
                        "Choisissez l'article devant le nom du porteur dans la liste."
                    ]
            else:
                porteur_name, porteur_kind = known.name, known.kind
                porteur_article = known.article
            if siret.startswith(LA_POSTE_SIREN) and porteur_kind != PorteurKind.LA_POSTE:
                errors["porteur_kind"] = [
                    "Ce SIRET est un établissement de La Poste : choisissez « La Poste »."
                ]
            probe = User(
                email=invitation.email,
                first_name=first_name,
                last_name=last_name,
                role=Role.PORTEUR,
            )
            try:
                validate_password(password, user=probe)
            except ValidationError as exc:
                errors["password"] = list(exc.messages)
            if errors:
                raise InvalidInput("Le formulaire contient des erreurs.", field_errors=errors)
            invitation.first_name, invitation.last_name = first_name, last_name
            invitation.porteur_name, invitation.porteur_kind = porteur_name, porteur_kind
            invitation.porteur_article = porteur_article
            invitation.password_hash = make_password(password)
        invitation.siret = siret
        invitation.accepted_at = timezone.now()
        run.fire(
            data={
                "siret": siret,
                "porteur": invitation.porteur_name,
                "porteur_connu": known is not None,
                "compte_existant": existing is not None,
            }
        )
    return invitation


def _check_existing_account(account: User, *, siret: str, known: Porteur | None) -> None:
    if not account.is_porteur:
        raise InvalidInput(
            "Cette adresse est celle d'un compte d'agent, pas d'un porteur : demandez une "
            "invitation à une autre adresse."
        )
    own = account.porteur
    if own.siret and own.siret != siret:
        raise _field_error(
            "siret",
            f"Votre compte est celui du porteur « {own.name} » (SIRET {own.siret}) : saisissez "
            "son SIRET, ou demandez une invitation à une autre adresse.",
        )
    if known is not None and known.pk != own.pk:
        raise _field_error(
            "siret",
            f"Ce SIRET est celui d'un autre porteur (« {known.name} ») que celui de votre "
            "compte : demandez une invitation à une autre adresse.",
        )


# --- the préfecture ---------------------------------------------------------------------------


def confirm(*, user: User, invitation_id) -> Invitation:
    """The préfecture confirms: the porteur with the declared SIRET (reused when it exists,
    created otherwise) becomes the place's porteur, and the invitee's account (created now with
    the password chosen, or the existing one) is the porteur's. From then on the porteur sees
    the place (`labelling.permissions.PLACES`) and its renewal reviews."""
    with transition(InvitationLifecycle, "confirm", user=user, pk=invitation_id) as run:
        invitation = run.obj
        place = (
            Place.objects.select_for_update(of=("self",))
            .select_related("porteur")
            .get(pk=invitation.place_id)
        )
        if place.porteur_id is not None:
            raise InvalidInput(
                f"Ce lieu a maintenant son porteur ({place.porteur.name}) : refusez ce "
                "rattachement."
            )
        porteur = Porteur.objects.select_for_update().filter(siret=invitation.siret).first()
        account = invitation.existing_user or selectors.account_of(invitation.email)
        created_porteur = created_account = False
        if account is not None:
            if not account.is_porteur:
                raise InvalidInput(
                    "L'adresse invitée est devenue celle d'un compte qui n'est pas un porteur : "
                    "refusez ce rattachement."
                )
            if porteur is None:
                porteur = Porteur.objects.select_for_update().get(pk=account.porteur_id)
                if porteur.siret and porteur.siret != invitation.siret:
                    raise InvalidInput(
                        "Le compte de l'adresse invitée est celui d'un porteur d'un autre SIRET : "
                        "refusez ce rattachement."
                    )
                if not porteur.siret:
                    porteur.siret = invitation.siret
                    porteur.save(update_fields=["siret"])
            elif porteur.pk != account.porteur_id:
                raise InvalidInput(
                    "Le compte de l'adresse invitée est celui d'un autre porteur que celui du "
                    "SIRET déclaré : refusez ce rattachement."
                )
        else:
            if porteur is None:
                porteur = Porteur.objects.create(
                    kind=invitation.porteur_kind,
                    name=invitation.porteur_name,
                    siret=invitation.siret,
                    article=invitation.porteur_article,  # none chosen: the name's (Porteur.save)
                )
                created_porteur = True
            account = User(
                email=invitation.email,
                role=Role.PORTEUR,
                porteur=porteur,
                first_name=invitation.first_name,
                last_name=invitation.last_name,
            )
            account.password = invitation.password_hash
            account.save()
            created_account = True
        place.porteur = porteur
        place.save(update_fields=["porteur", "updated_at"])
        invitation.porteur = porteur
        invitation.user = account
        invitation.decided_by = user
        invitation.decided_at = timezone.now()
        invitation.password_hash = ""
        run.fire(
            data={
                "porteur": porteur.name,
                "siret": porteur.siret,
                "porteur_cree": created_porteur,
                "compte_cree": created_account,
            }
        )
    return invitation


def refuse(*, user: User, invitation_id, reason: str) -> Invitation:
    """The préfecture refuses the attachment, with its reason (sent to the invitee); nothing
    of what the invitee declared is kept but the SIRET and names, for the journal."""
    reason = (reason or "").strip()
    if not reason:
        raise _field_error("reason", "Indiquez le motif du refus : la personne invitée le recevra.")
    with transition(InvitationLifecycle, "refuse", user=user, pk=invitation_id) as run:
        invitation = run.obj
        invitation.refusal_reason = reason
        invitation.decided_by = user
        invitation.decided_at = timezone.now()
        invitation.password_hash = ""
        run.fire(comment=reason)
    return invitation


def revoke(*, user: User, invitation_id) -> Invitation:
    """Cancel an invitation not yet used: its link no longer works."""
    with transition(InvitationLifecycle, "revoke", user=user, pk=invitation_id) as run:
        run.fire()
    return run.obj
