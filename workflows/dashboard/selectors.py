"""Reads of the network's status pages that involve the files (`workflows`): the conditions of
the statuses « en instruction » (and, when renewal reviews exist, « mis en demeure »), the
files by stage with the overdue ones, the porteurs' onboarding. The places' own aggregates are
`labelling.network_status`; this module joins both, in a fixed number of queries."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Value

from labelling.models import Place, User
from labelling.network_status import Area, StatusConditions
from labelling.permissions import places_in_scope
from workflows.funding.models import OPEN_STATES as FUNDING_OPEN_STATES
from workflows.funding.models import FundingFile, FundingState
from workflows.funding.permissions import files_in_scope as funding_files_in_scope
from workflows.models import OPEN_STATES, Application, State
from workflows.onboarding.models import Invitation, InvitationState
from workflows.permissions import applications_in_scope, invitations_in_scope
from workflows.renewal.models import OPEN_REVIEW_STATES, Review, ReviewState
from workflows.renewal.permissions import reviews_in_scope

#: The open stages of a file once the porteur has submitted it.
UNDER_REVIEW_STATES = tuple(state for state in OPEN_STATES if state != State.DRAFT)


#: The renewal review states of a place under formal notice (until the préfecture decides).
NOTICE_STATES = (ReviewState.NOTICE, ReviewState.RECHECK)


def status_conditions() -> StatusConditions:
    """What makes a place « en instruction » (a submitted label application still open) and
    « mis en demeure » (its renewal review serves a formal notice)."""
    # Uncorrelated subqueries: read once and hashed, not probed once per place.
    under_review = Application.objects.filter(
        state__in=UNDER_REVIEW_STATES, place__isnull=False
    ).values("place_id")
    under_notice = Review.objects.filter(state__in=NOTICE_STATES).values("place_id")
    return StatusConditions(
        under_review=Q(pk__in=under_review), under_notice=Q(pk__in=under_notice)
    )


def _scoped(scope, user: User | None, queryset: QuerySet) -> QuerySet:
    """The rows of ``queryset`` the user may see; every row when ``user`` is None, which the
    figures of an area use once `labelling.permissions.network_area` has given it (the area
    is within the user's reach: a steward sees all of it), and the beat task that computes
    the national figures ahead."""
    return queryset if user is None else scope(user, queryset)


def places(*, user: User | None, area: Area) -> QuerySet[Place]:
    """The places of the area that the user may see."""
    return area.filter_places(_scoped(places_in_scope, user, Place.objects.all()))


def _applications(*, user: User | None, area: Area) -> QuerySet[Application]:
    apps = _scoped(applications_in_scope, user, Application.objects.exclude(state=State.DRAFT))
    if area.departement is not None:
        apps = apps.filter(departement_id=area.departement.code)
    elif area.region is not None:
        apps = apps.filter(departement__region_id=area.region.code)
    return apps


@dataclass(frozen=True)
class StageRow:
    kind: str
    state: str
    label: str
    files: int
    overdue: int
    open: bool
    clock: bool = True


@dataclass(frozen=True)
class FileKind:
    """One kind of file (label applications, renewal reviews, funding files) by stage."""

    key: str
    title: str
    rows: list[StageRow]

    @property
    def files(self) -> int:
        return sum(row.files for row in self.rows)

    @property
    def open_files(self) -> int:
        return sum(row.files for row in self.rows if row.open)

    @property
    def overdue(self) -> int:
        return sum(row.overdue for row in self.rows if row.open)


def _in_area(qs: QuerySet, area: Area) -> QuerySet:
    if area.departement is not None:
        return qs.filter(departement_id=area.departement.code)
    if area.region is not None:
        return qs.filter(departement__region_id=area.region.code)
    return qs


def _by_state(qs: QuerySet, today: datetime.date | None) -> dict[str, tuple[int, int]]:
    late = Count("pk", filter=Q(stage_deadline__lt=today)) if today else Value(0)
    rows = qs.order_by().values("state").annotate(n=Count("pk"), late=late)
    return {row["state"]: (row["n"], row["late"]) for row in rows}


def files_by_stage(*, user: User | None, area: Area, today: datetime.date) -> list[FileKind]:
    """Every kind of file, every stage (drafts of label applications left out), with its files
    and the overdue ones (one query per kind)."""
    apps = _by_state(_applications(user=user, area=area), today)
    reviews = _by_state(
        _in_area(_scoped(reviews_in_scope, user, Review.objects.all()), area), today
    )
    funding = _by_state(_in_area(_scoped(funding_files_in_scope, user, FundingFile.objects.all()), area),
                        None)  # fmt: skip
    year = today.year
    return [
        FileKind(
            "candidatures",
            "Candidatures au label",
            [
                StageRow(
                    "candidatures",
                    s.value,
                    s.label,
                    *apps.get(s.value, (0, 0)),
                    open=s in OPEN_STATES,
                )
                for s in State
                if s != State.DRAFT
            ],
        ),
        FileKind(
            "revues",
            "Revues annuelles",
            [
                StageRow(
                    "revues",
                    s.value,
                    s.label,
                    *reviews.get(s.value, (0, 0)),
                    open=s in OPEN_REVIEW_STATES,
                )
                for s in ReviewState
            ],
        ),
        FileKind(
            "financements",
            f"Dossiers de financement (toutes années ; {year} dans le panneau du financement)",
            [
                StageRow(
                    "financements",
                    s.value,
                    s.label,
                    *funding.get(s.value, (0, 0)),
                    open=s in FUNDING_OPEN_STATES,
                    clock=False,
                )
                for s in FundingState
            ],
        ),
    ]


def overdue_reviews(*, user: User | None, area: Area, today: datetime.date) -> QuerySet[Review]:
    """The open renewal reviews past their stage's deadline, the longest overdue first."""
    return (
        _in_area(_scoped(reviews_in_scope, user, Review.objects.all()), area)
        .filter(state__in=OPEN_REVIEW_STATES, stage_deadline__lt=today)
        .select_related("place__commune", "departement", "assigned_to")
        .order_by("stage_deadline", "pk")
    )


def overdue_files(*, user: User | None, area: Area, today: datetime.date) -> QuerySet[Application]:
    """The open files past their stage's deadline, the longest overdue first."""
    return (
        _applications(user=user, area=area)
        .filter(state__in=UNDER_REVIEW_STATES, stage_deadline__lt=today)
        .select_related("place__commune", "porteur", "departement", "assigned_to")
        .order_by("stage_deadline", "pk")
    )


def overdue_by_departement(
    *, user: User | None, area: Area, today: datetime.date
) -> dict[str, int]:
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


def onboarding(*, user: User | None, area: Area, places_qs: QuerySet[Place]) -> dict:
    """The porteurs to attach: places waiting for theirs, invitations by state (two queries)."""
    invitations = _scoped(invitations_in_scope, user, Invitation.objects.all())
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
