"""Reads of the onboarding pages, scoped by the access policy (`workflows.permissions`), in a
fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from labelling.models import Place, Porteur, User
from workflows.onboarding.models import Invitation, InvitationState, JournalEntry
from workflows.onboarding.tokens import hash_token
from workflows.permissions import invitations_in_scope

UNKNOWN_LINK = (
    "Ce lien d'invitation n'est pas valide : vérifiez qu'il est complet (copiez-le en entier "
    "depuis le courriel), ou demandez une nouvelle invitation à la préfecture."
)
SIGN_IN_FIRST = (
    "Un compte existe déjà pour cette adresse : connectez-vous avec lui, puis ouvrez de nouveau "
    "le lien."
)


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation a link's token designates, or None (unknown or malformed token)."""
    if not token or len(token) > 128:
        return None
    return (
        Invitation.objects.select_related("place__commune", "departement", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


def link_problem(invitation: Invitation) -> str | None:
    """Why this link cannot be used now, in French, or None when it can."""
    state = invitation.state
    if state == InvitationState.TO_CONFIRM:
        accepted = timezone.localtime(invitation.accepted_at)
        return (
            f"Cette invitation a déjà été utilisée le {accepted:%d/%m/%Y à %H:%M} : le "
            "rattachement attend la confirmation de la préfecture, qui vous écrira."
        )
    if state == InvitationState.CONFIRMED:
        return (
            "Cette invitation a déjà été utilisée : le rattachement est confirmé. Connectez-vous "
            "pour accéder au lieu."
        )
    if state == InvitationState.REFUSED:
        return (
            "Cette invitation a déjà été utilisée, et la préfecture a refusé le rattachement : "
            f"{invitation.refusal_reason}"
        )
    if state == InvitationState.REVOKED:
        return (
            "Cette invitation a été annulée (une invitation plus récente l'a peut-être "
            "remplacée) : utilisez le lien du dernier courriel reçu, ou demandez-en un nouveau."
        )
    if invitation.expires_at <= timezone.now():
        from workflows.onboarding.lifecycle import expired_message

        return expired_message(invitation)
    return None


def account_of(email: str) -> User | None:
    """The account of this address, if there is one (addresses are stored in lower case)."""
    return User.objects.select_related("porteur").filter(email__iexact=email).first()


# --- the stewards' pages ------------------------------------------------------------------


def invitations_visible_to(*, user: User) -> QuerySet[Invitation]:
    return invitations_in_scope(
        user,
        Invitation.objects.select_related("place__commune", "departement", "invited_by", "porteur"),
    )


def invitation_list(*, user: User, state: str = "", search: str = "") -> QuerySet[Invitation]:
    invitations = invitations_visible_to(user=user)
    if state:
        invitations = invitations.filter(state=state)
    if search:
        invitations = invitations.filter(
            Q(place__name__icontains=search)
            | Q(place__commune__name__icontains=search)
            | Q(email__icontains=search)
            | Q(siret__startswith=search.replace(" ", ""))
        )
    return invitations.order_by("-created_at", "pk")


def state_counts(*, user: User) -> dict[str, int]:
    rows = invitations_in_scope(user).values("state").annotate(n=Count("pk")).order_by()
    return {row["state"]: row["n"] for row in rows}


def invitation_for_user(*, user: User, invitation_id) -> Invitation | None:
    return (
        invitations_visible_to(user=user)
        .select_related("existing_user", "user", "decided_by")
        .filter(pk=invitation_id)
        .first()
    )


def journal_of(invitation: Invitation) -> list[JournalEntry]:
    return list(invitation.journal.order_by("at", "id"))


@dataclass(frozen=True)
class KnownPorteur:
    """The porteur already known under the declared SIRET, and what confirming gives access to."""

    porteur: Porteur
    places: int
    accounts: int


def known_porteur(invitation: Invitation) -> KnownPorteur | None:
    if not invitation.siret:
        return None
    porteur = (
        Porteur.objects.filter(siret=invitation.siret)
        .annotate(
            place_count=Count("places", distinct=True), account_count=Count("users", distinct=True)
        )
        .first()
    )
    if porteur is None:
        return None
    return KnownPorteur(porteur, porteur.place_count, porteur.account_count)


def place_invitations(*, place: Place) -> list[Invitation]:
    return list(place.invitations.select_related("invited_by").order_by("-created_at"))
