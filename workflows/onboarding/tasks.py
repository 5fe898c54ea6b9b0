"""E-mails of onboarding (Celery). Each is written from templates (text and HTML, French) and
sent once: its key in `workflows.models.NotificationLog` keeps a retried task from sending it
again. The invitation's link is computed here from the invitation's id
(`workflows.onboarding.tokens`): the token never goes through the broker."""

from __future__ import annotations

from celery import shared_task
from django.urls import reverse
from django.utils import timezone

from labelling.models import Role, User
from workflows.emails import TASK_OPTIONS, send_once, site_url
from workflows.onboarding.models import JournalEntry, OnboardingAction
from workflows.onboarding.tokens import token_for

SUBJECTS = {
    OnboardingAction.INVITE: "Rattachez-vous à votre France Services « {place} »",
    OnboardingAction.ACCEPT: "Rattachement à confirmer : {place}",
    OnboardingAction.CONFIRM: "Votre rattachement à « {place} » est confirmé",
    OnboardingAction.REFUSE: "Votre rattachement à « {place} » est refusé",
}


def _prefecture_emails(departement_id: str) -> list[str]:
    return list(
        User.objects.filter(
            role__in=[Role.INSTRUCTEUR, Role.SIGNATAIRE],
            departement_id=departement_id,
            is_active=True,
        ).values_list("email", flat=True)
    )


@shared_task(**TASK_OPTIONS)
def notify_onboarding_entry(entry_id: int) -> bool:
    """The e-mail of a step: the invitation to the invitee, the acceptance to the préfecture,
    the decision to the invitee."""
    entry = (
        JournalEntry.objects.select_related(
            "invitation__place__commune", "invitation__departement", "invitation__invited_by"
        )
        .filter(pk=entry_id)
        .first()
    )
    if entry is None or entry.action not in SUBJECTS:
        return False
    invitation = entry.invitation
    place = invitation.place
    context = {
        "invitation": invitation,
        "place": place,
        "site_url": site_url("/"),
        "expires_at": timezone.localtime(invitation.expires_at),
        "reason": invitation.refusal_reason,
    }
    if entry.action == OnboardingAction.INVITE:
        recipients = [invitation.email]
        context["link"] = site_url(reverse("onboarding:accept", args=[token_for(invitation.pk)]))
        context["inviter"] = (
            "l'Agence nationale de la cohésion des territoires"
            if invitation.invited_by.is_national
            else f"la préfecture {invitation.departement.name}"
        )
    elif entry.action == OnboardingAction.ACCEPT:
        recipients = _prefecture_emails(invitation.departement_id)
        context["link"] = site_url(reverse("onboarding:detail", args=[invitation.pk]))
    else:
        recipients = [invitation.email]
        context["link"] = site_url(reverse("login"))
        context["place_link"] = site_url(reverse("labelling:place_detail", args=[place.pk]))
    return send_once(
        key=f"onboarding:{entry.pk}",
        template=f"onboarding/emails/{entry.action}",
        subject=SUBJECTS[entry.action].format(place=place.name),
        context=context,
        recipients=recipients,
    )


def resend_unsent(*, window: dict, sent: set[str]) -> int:
    """The invitations' part of `workflows.resend_unsent_notifications`: each step told by
    e-mail in the time `window` without its NotificationLog key in `sent` is asked again."""
    from labelling.queueing import enqueue
    from workflows.onboarding.models import JournalEntry

    count = 0
    for pk in JournalEntry.objects.filter(
        action__in=list(SUBJECTS), at__lt=window["lt"], at__gte=window["gte"]
    ).values_list("pk", flat=True):
        if f"onboarding:{pk}" not in sent:
            count += enqueue(notify_onboarding_entry, pk)
    return count
