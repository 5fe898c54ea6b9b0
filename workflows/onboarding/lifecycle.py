"""Who may do what, and when, on an invitation: its transition table (`workflows.fsm`).

envoyée → (the invitee accepts through the link) → à confirmer → confirmée | refusée;
an invitation not yet used may be cancelled (annulée), and a new invitation of the same place
cancels the pending one. An expired link cannot be accepted (the condition says so); the
préfecture or the agency sends a new one."""

from __future__ import annotations

from django.utils import timezone
from viewflow import fsm

from workflows.fsm import Allowed, Lifecycle, bind_state, step
from workflows.onboarding.models import (
    Invitation,
    InvitationState,
    JournalEntry,
    OnboardingAction,
)
from workflows.permissions import INVITATION_PREFECTURE, INVITEE, INVITER

CONDITION = fsm.State.CONDITION


def expired_message(invitation: Invitation) -> str:
    local = timezone.localtime(invitation.expires_at)
    return (
        f"Cette invitation a expiré le {local:%d/%m/%Y à %H:%M}. Demandez à la préfecture "
        "une nouvelle invitation."
    )


def not_expired(lifecycle: InvitationLifecycle):
    invitation = lifecycle.obj
    return CONDITION(invitation.expires_at > timezone.now(), expired_message(invitation))


class InvitationLifecycle(Lifecycle):
    model = Invitation
    state = bind_state(InvitationState)
    journal_model = JournalEntry
    journal_file_field = "invitation"
    journal_task = "workflows.onboarding.tasks.notify_onboarding_entry"
    missing_message = "Cette invitation n'existe pas."
    stale_message = (
        "Cette invitation vient de changer (elle est maintenant « {state} ») : une autre "
        "personne a agi avant vous. Rechargez la page pour voir où elle en est."
    )

    @state.transition(
        source=InvitationState.SENT,
        target=InvitationState.TO_CONFIRM,
        label="Accepter l'invitation",
        permission=Allowed(INVITEE),
        conditions=[not_expired],
        custom=step(
            action=OnboardingAction.ACCEPT,
            help="La personne invitée ouvre le lien reçu, crée son compte (ou se connecte) et "
            "donne le SIRET du porteur.",
        ),
    )
    def accept(self):
        pass

    @state.transition(
        source=InvitationState.TO_CONFIRM,
        target=InvitationState.CONFIRMED,
        label="Confirmer le rattachement",
        permission=Allowed(INVITATION_PREFECTURE),
        custom=step(
            action=OnboardingAction.CONFIRM,
            view="onboarding:confirm",
            post=True,
            button="primary",
            help="La préfecture du département confirme : le lieu est rattaché au porteur, dont "
            "le compte est ouvert.",
        ),
    )
    def confirm(self):
        pass

    @state.transition(
        source=InvitationState.TO_CONFIRM,
        target=InvitationState.REFUSED,
        label="Refuser le rattachement",
        permission=Allowed(INVITATION_PREFECTURE),
        custom=step(
            action=OnboardingAction.REFUSE,
            view="onboarding:refuse",
            help="La préfecture refuse, en disant pourquoi ; la personne invitée le reçoit.",
        ),
    )
    def refuse(self):
        pass

    @state.transition(
        source=InvitationState.SENT,
        target=InvitationState.REVOKED,
        label="Annuler l'invitation",
        permission=Allowed(INVITER),
        custom=step(
            action=OnboardingAction.REVOKE,
            view="onboarding:revoke",
            post=True,
            button="tertiary",
            notify=False,
            help="L'agence ou la préfecture annule une invitation pas encore utilisée ; une "
            "nouvelle invitation du même lieu annule aussi la précédente.",
        ),
    )
    def revoke(self):
        pass

    def actor_label(self, user) -> str:
        # The invitee acts before having an account: the journal names them by their e-mail.
        if user is not None and not getattr(user, "is_authenticated", False):
            return f"{self.obj.email} (personne invitée)"
        return super().actor_label(user)
