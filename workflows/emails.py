"""The e-mails of every kind of file: written from templates, sent once.

`send_once` renders ``<template>.txt`` (plain text, never HTML-escaped) and, when the kind has
one, ``<template>.html`` (escaped, sent as its alternative) with the context, and sends them
unless an e-mail with the same `key` was sent:
its row in `workflows.models.NotificationLog` is written in the same transaction as the
sending, so a task retried after a failure (or after its worker was killed) sends it once.
Templates live in ``templates/<kind>/emails/``; links are absolute, from ``SITE_URL``."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template

from workflows.models import NotificationLog

# Every e-mail task: acknowledged after it ran, given back to the queue when its worker dies.
TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True}


def site_url(path: str) -> str:
    """An absolute link to a page of the site (``SITE_URL`` + path)."""
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


def _text(template: str, context: dict) -> str:
    """The plain-text body: never HTML-escaped (« l'accueil », not « l&#x27;accueil »)."""
    compiled = get_template(f"{template}.txt").template
    return compiled.render(Context(context, autoescape=False)).strip() + "\n"


def _html(template: str, context: dict) -> str | None:
    try:
        return get_template(f"{template}.html").render(context)
    except TemplateDoesNotExist:
        return None


def send_once(
    *, key: str, subject: str, template: str, context: dict, recipients: list[str]
) -> bool:
    """Send the e-mail `template` to `recipients` unless `key` was sent; True when sent.

    Without any recipient (nobody to tell), the key is recorded as done, so that the catch-up
    task (`workflows.resend_unsent_notifications`) does not try again."""
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        NotificationLog.objects.get_or_create(key=key, defaults={"recipients": []})
        return False
    with transaction.atomic():
        _, created = NotificationLog.objects.get_or_create(
            key=key, defaults={"recipients": recipients}
        )
        if not created:
            return False
        message = EmailMultiAlternatives(
            subject=f"[Estampille] {subject}",
            body=_text(template, context),
            to=recipients,
        )
        html = _html(template, context)
        if html is not None:
            message.attach_alternative(html, "text/html")
        # Inside the transaction: when sending fails, the log row goes too and a retry resends.
        message.send()
    return True
