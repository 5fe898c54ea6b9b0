"""The workflows' sections of the signed-in home page (registered in `labelling.home`)."""

from __future__ import annotations

from django.urls import reverse

from labelling.home import HomeItem, HomeSection, register
from workflows.models import Application, Outcome, State
from workflows.permissions import applications_in_scope

LIMIT = 20


def to_sign(user) -> HomeSection | None:
    """« À signer »: the proposals of the signataire's département waiting for a decision
    (except those the signataire proposed: another signs them), oldest first."""
    if not getattr(user, "is_signataire", False):
        return None
    files = (
        applications_in_scope(user, Application.objects.filter(state=State.DECISION))
        .exclude(proposed_by=user)
        .select_related("place", "place__commune", "porteur")
        .order_by("proposed_at", "pk")
    )
    items = [
        HomeItem(
            label=f"{app.reference} — {app.site_name}",
            url=reverse("workflows:decision", args=[app.pk]),
            detail=(
                (
                    "proposition de labellisation"
                    if app.proposed_outcome == Outcome.LABEL
                    else "proposition de refus"
                )
                + (f" du {app.proposed_at:%d/%m/%Y}" if app.proposed_at else "")
            ),
        )
        for app in files[:LIMIT]
    ]
    return HomeSection(
        title="À signer",
        items=items,
        empty="Aucune décision n'attend votre signature.",
        more_url=reverse("workflows:queue") + "?etape=decision",
        more_label="Toutes les décisions à prendre dans la file des dossiers",
    )


def connect() -> None:
    register(to_sign)
