"""Reads of the network's status pages that involve the files (`workflows`): the conditions of
the statuses « en instruction » (and, when renewal reviews exist, « mis en demeure »), the
files by stage with the overdue ones, the porteurs' onboarding. The places' own aggregates are
`labelling.network_status`; this module joins both, in a fixed number of queries."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from labelling.models import Place, User
from labelling.network_status import Area, StatusConditions
from labelling.permissions import places_in_scope
from workflows.models import OPEN_STATES, Application, State
from workflows.onboarding.models import Invitation, InvitationState
from workflows.permissions import applications_in_scope, invitations_in_scope

#: The open stages of a file once the porteur has submitted it.
UNDER_REVIEW_STATES = tuple(state for state in OPEN_STATES if state != State.DRAFT)


def status_conditions() -> StatusConditions:
    """What makes a place « en instruction » (a submitted label application still open)."""
    # An uncorrelated subquery: read once and hashed, not probed once per place.
    under_review = Application.objects.filter(
        state__in=UNDER_REVIEW_STATES, place__isnull=False
    ).values("place_id")
    return StatusConditions(under_review=Q(pk__in=under_review))


def places(*, user: User, area: Area) -> QuerySet[Place]:
    """The places of the area that the user may see."""
    return area.filter_places(places_in_scope(user, Place.objects.all()))


def _applications(*, user: User, area: Area) -> QuerySet[Application]:
    apps = applications_in_scope(user, Application.objects.exclude(state=State.DRAFT))
    if area.departement is not None:
        apps = apps.filter(departement_id=area.departement.code)
    elif area.region is not None:
        apps = apps.filter(departement__region_id=area.region.code)
    return apps


@dataclass(frozen=True)
class StageRow:
    state: str
    label: str
    files: int
    overdue: int
    open: bool


def files_by_stage(*, user: User, area: Area, today: datetime.date) -> list[StageRow]:
    """Every stage after the draft, with its files and the overdue ones (one query)."""
    rows = (
        _applications(user=user, area=area)
        .order_by()
        .values("state")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(stage_deadline__lt=today)))
    )
    counts = {row["state"]: (row["n"], row["late"]) for row in rows}
    return [
        StageRow(
            state.value,
            state.label,
            *counts.get(state.value, (0, 0)),
            open=state in OPEN_STATES,
        )
        for state in State
        if state != State.DRAFT
    ]


def overdue_files(*, user: User, area: Area, today: datetime.date) -> QuerySet[Application]:
    """The open files past their stage's deadline, the longest overdue first."""
    return (
        _applications(user=user, area=area)
        .filter(state__in=UNDER_REVIEW_STATES, stage_deadline__lt=today)
        .select_related("place__commune", "porteur", "departement", "assigned_to")
        .order_by("stage_deadline", "pk")
    )


def overdue_by_departement(*, user: User, area: Area, today: datetime.date) -> dict[str, int]:
    rows = (
        _applications(user=user, area=area)
        .filter(state__in=UNDER_REVIEW_STATES, stage_deadline__lt=today)
        .order_by()
        .values("departement_id")
        .annotate(n=Count("pk"))
    )
    return {row["departement_id"]: row["n"] for row in rows}


@dataclass(frozen=True)
class OnboardingRow:
    state: str
    label: str
    count: int


def onboarding(*, user: User, area: Area, places_qs: QuerySet[Place]) -> dict:
    """The porteurs to attach: places waiting for theirs, invitations by state (two queries)."""
    invitations = invitations_in_scope(user, Invitation.objects.all())
    if area.departement is not None:
        invitations = invitations.filter(departement_id=area.departement.code)
    elif area.region is not None:
        invitations = invitations.filter(departement__region_id=area.region.code)
    counts: dict[str, int] = defaultdict(int)
    for row in invitations.order_by().values("state").annotate(n=Count("pk")):
        counts[row["state"]] = row["n"]
    return {
        "waiting": places_qs.filter(porteur__isnull=True).count(),
        "invitations": [
            OnboardingRow(value, label, counts.get(value, 0))
            for value, label in InvitationState.choices
        ],
    }
