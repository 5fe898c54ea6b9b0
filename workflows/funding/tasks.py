"""E-mails of the funding files (Celery), from templates, sent once each (`NotificationLog`):
the porteur learns of its signed decision and of each payment; the signataires of a proposal
waiting for them."""

from __future__ import annotations

from celery import shared_task
from django.urls import reverse

from labelling.funding.money import euros
from labelling.models import Role, User
from workflows.emails import TASK_OPTIONS, send_once, site_url
from workflows.funding.models import FundingAction, JournalEntry

SUBJECTS = {
    FundingAction.PROPOSE: "Décision de financement {year} à signer : {place}",
    FundingAction.SIGN: "Subvention {year} attribuée à « {place} »",
    FundingAction.PAY: "Versement de la subvention {year} de « {place} »",
}


@shared_task(**TASK_OPTIONS)
def notify_funding_entry(entry_id: int) -> bool:
    entry = (
        JournalEntry.objects.select_related("file__place", "file__porteur")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None or entry.action not in SUBJECTS:
        return False
    file = entry.file
    if entry.action == FundingAction.PROPOSE:
        recipients = User.objects.filter(
            role=Role.SIGNATAIRE, departement_id=file.departement_id, is_active=True
        )
        link = site_url(reverse("funding:detail", args=[file.pk]))
    else:
        recipients = User.objects.filter(
            role=Role.PORTEUR, porteur_id=file.porteur_id, is_active=True
        )
        link = site_url(reverse("funding:porteur_list"))
    return send_once(
        key=f"funding:{entry.pk}",
        template=f"funding/emails/{entry.action}",
        subject=SUBJECTS[entry.action].format(year=file.year, place=file.place.name),
        context={
            "file": file,
            "entry": entry,
            "amount": euros(file.amount),
            "link": link,
            "site_url": site_url("/"),
        },
        recipients=list(recipients.values_list("email", flat=True)),
    )


@shared_task(**TASK_OPTIONS)
def open_new_year(year: int | None = None) -> dict:
    """Each 2 January: the funding files of the year for every fundable place (idempotent)."""
    from django.utils import timezone

    from workflows.funding.services import open_year

    result = open_year(user=None, year=year or timezone.localdate().year)
    return {"year": result.year, "opened": result.opened, "other_channel": result.other_channel}


def resend_unsent(*, window: dict, sent: set[str]) -> int:
    """The funding files' part of `workflows.resend_unsent_notifications`: each step that is
    told by e-mail (proposed, signed, paid) in the time `window` without its NotificationLog
    key in `sent` is asked again."""
    from labelling.queueing import enqueue

    count = 0
    for pk in JournalEntry.objects.filter(
        action__in=list(SUBJECTS), at__lt=window["lt"], at__gte=window["gte"]
    ).values_list("pk", flat=True):
        if f"funding:{pk}" not in sent:
            count += enqueue(notify_funding_entry, pk)
    return count
