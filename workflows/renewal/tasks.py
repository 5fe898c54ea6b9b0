"""E-mails of the yearly reviews and their daily jobs (Celery). Tasks take ids and are
idempotent: each e-mail has a key in `workflows.models.NotificationLog` (`send_once`), so a
retried task never sends it twice."""

from __future__ import annotations

from celery import shared_task
from django.template.defaultfilters import pluralize
from django.urls import reverse

from labelling.models import Role, User
from workflows.emails import TASK_OPTIONS, send_once, site_url
from workflows.renewal.lifecycle import PREFECTURE_STATES
from workflows.renewal.models import JournalEntry, Review, ReviewAction, ReviewMessage, ReviewState


def review_url(review: Review) -> str:
    return site_url(reverse("renewal:detail", args=[review.pk]))


def _porteur_emails(review: Review) -> list[str]:
    if review.place.porteur_id is None:
        return []
    return list(
        User.objects.filter(
            porteur_id=review.place.porteur_id, role=Role.PORTEUR, is_active=True
        ).values_list("email", flat=True)
    )


def _prefecture_emails(review: Review, *, state: str) -> list[str]:
    if state == ReviewState.TO_SIGN:
        users = User.objects.filter(role=Role.SIGNATAIRE, departement_id=review.departement_id)
    elif review.assigned_to_id:
        users = User.objects.filter(pk=review.assigned_to_id)
    else:
        users = User.objects.filter(role=Role.INSTRUCTEUR, departement_id=review.departement_id)
    return list(users.filter(is_active=True).values_list("email", flat=True))


@shared_task(**TASK_OPTIONS)
def notify_review_entry(entry_id: int) -> bool:
    """A step of a review: tell the porteur, and the préfecture when it is its turn. A reminder
    of a place that still waits for its porteur goes to the préfecture (to invite it)."""
    entry = (
        JournalEntry.objects.select_related("review__place__porteur", "actor")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None or entry.private:
        return False
    review = entry.review
    recipients = _porteur_emails(review)
    if entry.to_state in PREFECTURE_STATES and entry.to_state != entry.from_state:
        recipients += _prefecture_emails(review, state=entry.to_state)
    if entry.action == ReviewAction.REMIND and not recipients:
        recipients = _prefecture_emails(review, state=review.state)
    if entry.actor_id:
        recipients = [r for r in recipients if r != entry.actor.email]
    template = "reminder" if entry.action == ReviewAction.REMIND else "entry"
    return send_once(
        key=f"review-journal:{entry.pk}",
        subject=f"Revue annuelle {review.year} — {review.place.name} — "
        f"{entry.get_action_display()}",
        template=f"renewal/emails/{template}",
        context={"review": review, "entry": entry, "url": review_url(review)},
        recipients=recipients,
    )


@shared_task(**TASK_OPTIONS)
def notify_campaign_opened(year: int) -> int:
    """The campaign of `year` is open: each porteur learns of its review (once per review)."""
    sent = 0
    reviews = (
        Review.objects.filter(year=year, state=ReviewState.OPEN, place__porteur__isnull=False)
        .select_related("place__porteur")
        .order_by("pk")
    )
    for review in reviews.iterator(chunk_size=500):
        sent += send_once(
            key=f"review-opened:{review.pk}",
            subject=f"Revue annuelle {year} de « {review.place.name} »",
            template="renewal/emails/opened",
            context={"review": review, "url": review_url(review)},
            recipients=_porteur_emails(review),
        )
    return sent


@shared_task(**TASK_OPTIONS)
def notify_review_message(message_id: str) -> bool:
    message = (
        ReviewMessage.objects.select_related("review__place", "author")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        return False
    review = message.review
    if message.author.is_porteur:
        recipients = _prefecture_emails(review, state=review.state)
    else:
        recipients = _porteur_emails(review)
    return send_once(
        key=f"review-message:{message.pk}",
        subject=f"Revue annuelle {review.year} — {review.place.name} — nouveau message",
        template="renewal/emails/message",
        context={"review": review, "message": message, "url": review_url(review)},
        recipients=[r for r in recipients if r != message.author.email],
    )


def resend_unsent(*, window: dict, sent: set[str]) -> int:
    """The reviews' part of `workflows.resend_unsent_notifications`: in the time `window`, each
    e-mail that should have gone out and has no NotificationLog key in `sent` is asked again —
    a step that notifies (``notify`` of its step and a change of state, or a reminder), a
    message, the opening of a campaign (once per year)."""
    from labelling.queueing import enqueue
    from workflows.fsm import step_of
    from workflows.renewal.lifecycle import ReviewLifecycle

    notified = {step_of(t).action for _, t in ReviewLifecycle.table() if step_of(t).notify}
    count = 0
    entries = JournalEntry.objects.filter(private=False, at__lt=window["lt"], at__gte=window["gte"])
    for pk, action, source, target in entries.values_list("pk", "action", "from_state", "to_state"):
        expected = action == ReviewAction.REMIND or (action in notified and source != target)
        if expected and f"review-journal:{pk}" not in sent:
            count += enqueue(notify_review_entry, pk)
    for pk in ReviewMessage.objects.filter(
        created_at__lt=window["lt"], created_at__gte=window["gte"]
    ).values_list("pk", flat=True):
        if f"review-message:{pk}" not in sent:
            count += enqueue(notify_review_message, str(pk))
    opened = Review.objects.filter(
        state=ReviewState.OPEN,
        place__porteur__isnull=False,
        created_at__lt=window["lt"],
        created_at__gte=window["gte"],
    ).values_list("pk", "year")
    years = {year for pk, year in opened if f"review-opened:{pk}" not in sent}
    for year in sorted(years):
        count += enqueue(notify_campaign_opened, year)
    return count


@shared_task(**TASK_OPTIONS)
def open_due_campaign() -> str:
    """Daily: from `RENEWAL_CAMPAIGN_DATE` on, the year's campaign is open (idempotent)."""
    from workflows.renewal import services

    outcome = services.open_due_campaign()
    return outcome.summary() if outcome else ""


@shared_task(**TASK_OPTIONS)
def send_review_reminders() -> int:
    from workflows.renewal import services

    return services.send_reminders()


@shared_task(**TASK_OPTIONS)
def wake_due_notices() -> int:
    from workflows.renewal import services

    return services.wake_due_notices()


@shared_task(**TASK_OPTIONS)
def send_overdue_review_digests() -> int:
    """Working days: each instructor gets the list of the reviews past their stage deadline
    (theirs and those nobody has taken), once a day."""
    from workflows.renewal.selectors import overdue_for_instructor
    from workflows.tasks import send_overdue_digest

    return send_overdue_digest(
        kind="review-digest",
        overdue=overdue_for_instructor,
        subject=lambda count: (
            f"{count} revue{pluralize(count)} annuelle{pluralize(count)} en retard"
        ),
        heading="Ces revues annuelles ont dépassé leur échéance :",
        item=lambda review: {
            "label": f"{review.place.name} ({review.year})",
            "state": review.get_state_display(),
            "deadline": review.stage_deadline,
            "url": review_url(review),
        },
    )
