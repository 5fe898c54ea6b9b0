"""E-mails of the application workflow and the daily jobs (Celery).

Tasks take ids and are idempotent: each e-mail has a key in NotificationLog, so a retried task
never sends it twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from celery import shared_task
from django.template.defaultfilters import pluralize
from django.urls import reverse

from labelling.models import Role, User
from workflows.deadlines import today
from workflows.emails import TASK_OPTIONS, send_once, site_url
from workflows.lifecycle import PREFECTURE_STATES
from workflows.models import (
    Application,
    JournalEntry,
    Message,
    NotificationLog,
    Opinion,
    State,
)


def _application_url(app: Application) -> str:
    return site_url(reverse("workflows:application_detail", args=[app.pk]))


def _porteur_emails(app: Application) -> list[str]:
    return list(
        User.objects.filter(
            porteur_id=app.porteur_id, role=Role.PORTEUR, is_active=True
        ).values_list("email", flat=True)
    )


def _prefecture_emails(app: Application, *, state: str) -> list[str]:
    if state == State.DECISION:
        users = User.objects.filter(role=Role.SIGNATAIRE, departement_id=app.departement_id)
    elif app.assigned_to_id:
        users = User.objects.filter(pk=app.assigned_to_id)
    else:
        users = User.objects.filter(role=Role.INSTRUCTEUR, departement_id=app.departement_id)
    return list(users.filter(is_active=True).values_list("email", flat=True))


@shared_task(**TASK_OPTIONS)
def notify_journal_entry(entry_id: int) -> bool:
    """A stage change (or a correction): tell the porteur and the préfecture who must act."""
    entry = (
        JournalEntry.objects.select_related("application", "actor", "application__porteur")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None or entry.private:
        return False
    app = entry.application
    recipients = _porteur_emails(app)
    if entry.to_state in PREFECTURE_STATES and entry.to_state != entry.from_state:
        recipients += _prefecture_emails(app, state=entry.to_state)
    if entry.actor_id:
        recipients = [r for r in recipients if r != entry.actor.email]
    return send_once(
        key=f"journal:{entry.pk}",
        subject=f"Dossier {app.reference} — {entry.get_action_display()}",
        template="workflows/emails/journal_entry",
        context={"app": app, "entry": entry, "url": _application_url(app)},
        recipients=recipients,
    )


@shared_task(**TASK_OPTIONS)
def notify_message(message_id: str) -> bool:
    message = Message.objects.select_related("application", "author").filter(pk=message_id).first()
    if message is None:
        return False
    app = message.application
    if message.author.is_porteur:
        recipients = _prefecture_emails(app, state=app.state)
    else:
        recipients = _porteur_emails(app)
    return send_once(
        key=f"message:{message.pk}",
        subject=f"Dossier {app.reference} — nouveau message",
        template="workflows/emails/message",
        context={"app": app, "message": message, "url": _application_url(app)},
        recipients=[r for r in recipients if r != message.author.email],
    )


def _opinion_context(opinion: Opinion, *, reminder: bool) -> dict:
    url = ""
    if opinion.kind == "operateur":  # an operator answers in Estampille; others by e-mail
        url = site_url(reverse("workflows:operator_opinion", args=[opinion.pk]))
    return {"app": opinion.application, "opinion": opinion, "reminder": reminder, "url": url}


@shared_task(**TASK_OPTIONS)
def send_opinion_request(opinion_id: str) -> bool:
    opinion = Opinion.objects.select_related("application").filter(pk=opinion_id).first()
    if opinion is None:
        return False
    return send_once(
        key=f"opinion-request:{opinion.pk}",
        subject=f"Demande d'avis — dossier {opinion.application.reference}",
        template="workflows/emails/opinion",
        context=_opinion_context(opinion, reminder=False),
        recipients=[opinion.addressee_email],
    )


@shared_task(**TASK_OPTIONS)
def send_opinion_reminder(opinion_id: str) -> bool:
    opinion = Opinion.objects.select_related("application").filter(pk=opinion_id).first()
    if opinion is None:
        return False
    return send_once(
        key=f"opinion-reminder:{opinion.pk}",
        subject=f"Relance : avis attendu — dossier {opinion.application.reference}",
        template="workflows/emails/opinion",
        context=_opinion_context(opinion, reminder=True),
        recipients=[opinion.addressee_email],
    )


@shared_task(**TASK_OPTIONS)
def remind_overdue_opinions() -> int:
    """Daily: remind, once, each opinion not given by its deadline."""
    from workflows import services

    ids = Opinion.objects.filter(
        answered_at__isnull=True, reminded_at__isnull=True, due_on__lt=today()
    ).values_list("pk", flat=True)
    return sum(1 for pk in list(ids) if services.remind_opinion(opinion_id=pk))


@shared_task(**TASK_OPTIONS)
def send_overdue_digests() -> int:
    """Daily: each instructor gets the list of their overdue files (theirs and unassigned)."""
    from workflows.selectors import overdue_for_instructor

    return send_overdue_digest(
        kind="digest",
        overdue=overdue_for_instructor,
        subject=lambda count: f"{count} dossier{pluralize(count)} en retard",
        heading="Ces dossiers ont dépassé leur échéance :",
        item=lambda app: {
            "label": f"{app.reference} — {app.site_name}",
            "state": app.get_state_display(),
            "deadline": app.stage_deadline,
            "url": _application_url(app),
        },
    )


def send_overdue_digest(
    *,
    kind: str,
    overdue: Callable[..., list],
    subject: Callable[[int], str],
    heading: str,
    item: Callable[[Any], dict],
) -> int:
    """Each active instructor's daily list of the files past their stage deadline, once a day
    (key ``<kind>:<user>:<day>``): `overdue(user=…)` gives the files, `item(file)` the label,
    state, deadline (a date) and url of a line. Returns how many e-mails were sent."""
    sent = 0
    day = today()
    for user in User.objects.filter(role=Role.INSTRUCTEUR, is_active=True).order_by("pk"):
        files = overdue(user=user)
        if not files:
            continue
        items = [item(file) for file in files]
        for line in items:
            line["late"] = (day - line["deadline"]).days
        sent += send_once(
            key=f"{kind}:{user.pk}:{day.isoformat()}",
            subject=subject(len(items)),
            template="workflows/emails/overdue_digest",
            context={"heading": heading, "items": items},
            recipients=[user.email],
        )
    return sent


# The network status pages' task lives with its pages (workflows.dashboard, not an app of its own):
# imported here so that the workers find it.
from workflows.dashboard.tasks import warm_network_status  # noqa: E402, F401


@shared_task(name="workflows.resend_unsent_notifications")
def resend_unsent_notifications(*, older_than_minutes: int = 10, within_days: int = 2) -> int:
    """The e-mails that never went out because the broker was down when they were asked for
    (labelling.queueing.enqueue): stage changes, messages, opinion requests and reminders of
    the last days with no NotificationLog row are sent again, and so are those of the yearly
    reviews (steps, messages, campaign opening), of the funding files and of the invitations
    (each task sends its e-mail once)."""
    import datetime

    from django.utils import timezone

    from labelling.queueing import enqueue

    now = timezone.now()
    window = {
        "lt": now - datetime.timedelta(minutes=older_than_minutes),
        "gte": now - datetime.timedelta(days=within_days),
    }
    sent = set(
        NotificationLog.objects.filter(
            sent_at__gte=window["gte"] - datetime.timedelta(days=1)
        ).values_list("key", flat=True)
    )
    count = 0
    for pk in JournalEntry.objects.filter(
        private=False, at__lt=window["lt"], at__gte=window["gte"]
    ).values_list("pk", flat=True):
        if f"journal:{pk}" not in sent:
            count += enqueue(notify_journal_entry, pk)
    for pk in Message.objects.filter(
        created_at__lt=window["lt"], created_at__gte=window["gte"]
    ).values_list("pk", flat=True):
        if f"message:{pk}" not in sent:
            count += enqueue(notify_message, str(pk))
    for pk in Opinion.objects.filter(
        requested_at__lt=window["lt"], requested_at__gte=window["gte"]
    ).values_list("pk", flat=True):
        if f"opinion-request:{pk}" not in sent:
            count += enqueue(send_opinion_request, str(pk))
    for pk in Opinion.objects.filter(
        reminded_at__lt=window["lt"], reminded_at__gte=window["gte"]
    ).values_list("pk", flat=True):
        if f"opinion-reminder:{pk}" not in sent:
            count += enqueue(send_opinion_reminder, str(pk))
    from workflows.funding.tasks import resend_unsent as resend_funding
    from workflows.onboarding.tasks import resend_unsent as resend_onboarding
    from workflows.renewal.tasks import resend_unsent as resend_renewal

    count += resend_renewal(window=window, sent=sent)
    count += resend_funding(window=window, sent=sent)
    count += resend_onboarding(window=window, sent=sent)
    return count
