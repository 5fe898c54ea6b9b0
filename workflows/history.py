"""What a file has lived is never deleted: its journal, messages, notes, opinions, reviews of
the criteria, tracked conventions, corrections and (once submitted) its documents. The links
that point to them are PROTECT (tests/integrity lists every link); this guard refuses the
deletion of the rows themselves, with a French reason, wherever it comes from (the admin, a
shell, a queryset). Drafts stay editable: a piece of a draft may be removed."""

from __future__ import annotations

from django.db.models import ProtectedError
from django.db.models.signals import pre_delete

REASON = "« {label} » fait partie de l'historique d'un dossier : il ne peut pas être supprimé."


def _refuse(sender, instance, **kwargs) -> None:
    from workflows.models import ApplicationDocument, State

    if isinstance(instance, ApplicationDocument) and instance.application.state == State.DRAFT:
        return
    raise ProtectedError(REASON.format(label=sender._meta.verbose_name), {instance})


def connect() -> None:
    from workflows import models
    from workflows.funding import models as funding
    from workflows.onboarding import models as onboarding
    from workflows.renewal import models as renewal

    for model in (
        models.JournalEntry,
        models.Message,
        models.PrivateNote,
        models.Opinion,
        models.CriterionReview,
        models.ConventionTracking,
        models.DeclarationCorrection,
        models.ApplicationDocument,
        onboarding.JournalEntry,
        funding.JournalEntry,
        funding.Payment,
        renewal.JournalEntry,
        renewal.ReviewMessage,
        renewal.ReviewDocument,
    ):
        pre_delete.connect(_refuse, sender=model, dispatch_uid=f"history_{model._meta.label}")
