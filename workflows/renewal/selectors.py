"""Reads of the review pages, scoped by the access policy (`workflows.renewal.permissions`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.db.models.fields import BooleanField
from django.urls import reverse

from labelling.declarations import export_declaration
from labelling.models import Place, User
from workflows.deadlines import today
from workflows.renewal.lifecycle import PREFECTURE_STATES
from workflows.renewal.models import JournalEntry, Review, ReviewState
from workflows.renewal.permissions import reviews_in_scope, sees_private_parts


def _with_overdue(reviews: QuerySet[Review]) -> QuerySet[Review]:
    return reviews.annotate(
        overdue=Case(
            When(
                Q(stage_deadline__lt=today())
                & Q(state__in=[*PREFECTURE_STATES, ReviewState.OPEN, ReviewState.NOTICE]),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def reviews_visible_to(*, user: User) -> QuerySet[Review]:
    return _with_overdue(
        reviews_in_scope(
            user,
            Review.objects.select_related(
                "place__commune", "place__porteur", "departement", "assigned_to"
            ),
        )
    )


def review_for_user(*, user: User, review_id) -> Review | None:
    try:
        return reviews_visible_to(user=user).filter(pk=review_id).first()
    except (ValueError, TypeError):
        return None
    except Exception:  # a malformed UUID (ValidationError)
        return None


@dataclass(frozen=True)
class QueueFilters:
    year: int | None = None
    state: str = ""
    departement: str = ""
    search: str = ""
    mine: bool = False
    overdue: bool = False
    conform: str = ""  # "oui", "non" or ""


def queue(*, user: User, filters: QueueFilters) -> QuerySet[Review]:
    reviews = reviews_visible_to(user=user)
    if filters.year:
        reviews = reviews.filter(year=filters.year)
    if filters.state:
        reviews = reviews.filter(state=filters.state)
    if filters.departement:
        reviews = reviews.filter(departement_id=filters.departement)
    if filters.search:
        term = filters.search.strip()
        reviews = reviews.filter(
            Q(place__name__icontains=term)
            | Q(place__commune__name__icontains=term)
            | Q(place__id_fs__iexact=term)
            | Q(place__porteur__name__icontains=term)
        )
    if filters.mine:
        reviews = reviews.filter(assigned_to=user)
    if filters.overdue:
        reviews = reviews.filter(overdue=True)
    if filters.conform == "oui":
        reviews = reviews.filter(conform=True)
    elif filters.conform == "non":
        reviews = reviews.filter(conform=False)
    return reviews.order_by("stage_deadline", "place__name", "pk")


def years(*, user: User) -> list[int]:
    return list(reviews_in_scope(user).order_by("-year").values_list("year", flat=True).distinct())


def state_counts(*, user: User, year: int | None = None) -> dict[str, int]:
    reviews = reviews_in_scope(user)
    if year:
        reviews = reviews.filter(year=year)
    rows = reviews.values("state").annotate(n=Count("pk")).order_by()
    return {row["state"]: row["n"] for row in rows}


def porteur_reviews(*, user: User) -> QuerySet[Review]:
    return reviews_visible_to(user=user).order_by("-year", "place__name")


def journal_for(*, user: User, review: Review) -> list[JournalEntry]:
    entries = review.journal.select_related("actor").order_by("at", "id")
    if not sees_private_parts(user, review):
        entries = entries.filter(private=False)
    return list(entries)


def criteria_of(review: Review) -> list[dict]:
    """The criteria of the review's last check (its report), or a fresh check of what it says."""
    if review.conformity_report_id:
        results = review.conformity_report.results or {}
        return list(results.get("criteria", []))
    from workflows.renewal import conformity

    outcome = conformity.check(
        declaration_of(review), version_code=review.version_code, on=review.review_date
    )
    return outcome.criteria


def overdue_for_instructor(*, user: User) -> list[Review]:
    reviews = (
        reviews_visible_to(user=user)
        .filter(overdue=True, state__in=PREFECTURE_STATES)
        .filter(Q(assigned_to=user) | Q(assigned_to__isnull=True))
    )
    return list(reviews.order_by("stage_deadline"))


def due_date_label(day: datetime.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else "—"


# --- what the review says of the place -------------------------------------------------


def place_declaration(place: Place) -> dict:
    """The place's current declaration; for a place imported without a porteur or with an
    incomplete declaration, what is known (the missing parts are asked for)."""
    if place.porteur_id is not None:
        data = export_declaration(place=place)
    else:
        data = {
            "schema": "declaration/1",
            "site": {"name": place.name, "commune_insee": place.declared_insee_code},
            "opening_hours": {},
            "agents": [],
            "operators": [],
            "premises": {},
        }
    data.pop("reference_date", None)
    return data


def declaration_of(review: Review) -> dict:
    """What the review says of the place: the porteur's answer, else the place's declaration."""
    if review.declaration is not None:
        return review.declaration
    return place_declaration(review.place)


def answer_gaps(declaration: dict, place: Place) -> list[str]:
    """What a declaration of the review still does not say, in French (empty when complete)."""
    gaps = []
    if place.porteur_id is None:
        gaps.append("son porteur, la structure qui gère le lieu (porteur à rattacher)")
    if not any((declaration.get("opening_hours") or {}).values()):
        gaps.append("ses horaires d'ouverture")
    if not declaration.get("agents"):
        gaps.append("ses agents et leurs formations")
    if not declaration.get("operators"):
        gaps.append("les opérateurs partenaires présents et leur mode de présence")
    premises = declaration.get("premises") or {}
    if all(
        premises.get(k) is None for k in ("confidential_office", "digital_space", "accessible_pmr")
    ):
        gaps.append(
            "ses locaux : bureau de confidentialité, espace numérique, accessibilité aux "
            "personnes à mobilité réduite"
        )
    return gaps


def gaps_of(review: Review) -> list[str]:
    """What the place's declaration does not say yet (a place imported from the national list),
    as long as the porteur has not completed it in the review."""
    from labelling.selectors import declaration_gaps

    if review.declaration is not None:
        return answer_gaps(review.declaration, review.place)
    return declaration_gaps(place=review.place)


@dataclass(frozen=True)
class DocumentLink:
    title: str
    url: str
    ready: bool
    status: str


def documents_of(review: Review) -> list[DocumentLink]:
    links = []
    for row in review.documents.select_related("document"):
        document = row.document
        ready = document.status == "ready"
        links.append(
            DocumentLink(
                title=row.title,
                url=reverse("documents:download", args=[document.pk]) if ready else "",
                ready=ready,
                status=document.get_status_display(),
            )
        )
    return links


@dataclass(frozen=True)
class ActivitySummary:
    year: int
    people: int
    requests: int
    months_with_figures: int
    missing: list[str]
    url: str


def activity_year(review: Review) -> int:
    """The review of year N confirms the activity of year N - 1 (its twelve months are over)."""
    return review.year - 1


def activity_summary(review: Review) -> ActivitySummary:
    """The figures of the year the review confirms, and the months without any."""
    from labelling.activity.selectors import place_year

    year = activity_year(review)
    data = place_year(place=review.place, year=year, today=today())
    return ActivitySummary(
        year=year,
        people=data.people,
        requests=data.requests,
        months_with_figures=data.months_with_figures,
        missing=data.missing_labels,
        url=reverse("activity:place", args=[review.place_id]) + f"?annee={year}",
    )
