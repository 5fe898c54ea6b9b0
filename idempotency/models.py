"""The one-time keys of the forms (idempotency/keys.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SubmittedForm(models.Model):
    """The one-time key of a form that creates or changes something (idempotency/keys.py):
    written in the same transaction as what the form does, so a second post of the same form
    (a double click, a reload that posts again, two tabs) finds it and changes nothing."""

    key = models.UUIDField("clé", primary_key=True)
    # A dedup record, not history: it goes with its account (and is purged after some days).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    action = models.CharField("action", max_length=100)
    result_url = models.CharField("page du résultat", max_length=500, blank=True)
    created_at = models.DateTimeField("envoyé le", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "formulaire envoyé"
        verbose_name_plural = "formulaires envoyés"

    def __str__(self) -> str:
        return f"{self.action} ({self.created_at:%d/%m/%Y %H:%M})"
