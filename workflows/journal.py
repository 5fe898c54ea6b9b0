"""What every journal of a file shares (application, funding, yearly review, invitation): who
acted, when, what was said, and that an entry is never changed.

Each kind of file declares its journal on `JournalEntryBase` with what is its own: the file it
belongs to (a protected foreign key) and the stages and actions of its transition table. The
database refuses UPDATE and DELETE on every journal table (`workflows.journal_triggers`); `save`
refuses it before the database does, with a French message."""

from __future__ import annotations

from django.conf import settings
from django.db import models

AUTOMATIC_ACTOR = "Estampille (automatiquement)"


class JournalEntryBase(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField("auteur", max_length=200)
    at = models.DateTimeField("date", auto_now_add=True)
    comment = models.TextField("commentaire", blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Le journal n'est jamais modifié.")
        super().save(*args, **kwargs)


def actor_of(user):
    """The user to keep as the entry's actor: None for a task or an anonymous visitor."""
    return user if getattr(user, "is_authenticated", False) else None


def actor_label(user) -> str:
    """How the journal names who acted, frozen at the time (« Marie Dupont (instructeur) »)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return AUTOMATIC_ACTOR
    return f"{user.get_full_name() or user.email} ({user.get_role_display()})"
