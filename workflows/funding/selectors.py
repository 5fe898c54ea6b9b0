"""Reading funding files for the pages and exports, in a fixed number of queries."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from labelling.models import User
from workflows.funding.models import FundingFile, FundingPart, FundingState, Payment
from workflows.funding.permissions import files_in_scope


def file_for_user(*, user: User, file_id) -> FundingFile | None:
    try:
        files = files_in_scope(user).filter(pk=file_id)
        return files.select_related(
            "place__commune", "departement", "porteur", "proposed_by", "signed_by"
        ).first()
    except (ValueError, TypeError):
        return None


def parts_of(file: FundingFile) -> list[FundingPart]:
    return list(file.parts.select_related("funder").order_by("position"))


def payments_of(file: FundingFile) -> list[Payment]:
    return list(file.payments.select_related("part__funder").order_by("number", "part__position"))


def journal_of(file: FundingFile):
    return list(file.journal.all())


def file_list(
    *,
    user: User,
    year: int | None = None,
    state: str = "",
    departement: str = "",
    search: str = "",
) -> QuerySet[FundingFile]:
    files = files_in_scope(user).select_related("place__commune", "departement", "porteur")
    if year:
        files = files.filter(year=year)
    if state:
        files = files.filter(state=state)
    if departement:
        files = files.filter(departement_id=departement)
    if search:
        files = files.filter(
            Q(place__name__icontains=search)
            | Q(place__commune__name__icontains=search)
            | Q(porteur__name__icontains=search)
            | Q(porteur__siret__startswith=search)
        )
    return files.order_by("-year", "departement_id", "place__name", "id")


def with_parts(files: QuerySet[FundingFile]) -> QuerySet[FundingFile]:
    return files.prefetch_related(
        Prefetch(
            "parts", queryset=FundingPart.objects.select_related("funder").order_by("position")
        )
    )


def payment_list(
    *, user: User, year: int | None = None, departement: str = "", status: str = ""
) -> QuerySet[Payment]:
    payments = Payment.objects.filter(file__in=files_in_scope(user).values("pk")).select_related(
        "file__place__commune", "file__porteur", "file__departement", "part__funder"
    )
    if year:
        payments = payments.filter(file__year=year)
    if departement:
        payments = payments.filter(file__departement_id=departement)
    if status:
        payments = payments.filter(status=status)
    return payments.order_by(
        "file__departement_id", "file__place__name", "number", "part__position"
    )


def porteur_files(*, user: User) -> list[FundingFile]:
    """The porteur's decisions (signed or paid, and places funded through another channel)
    with their parts and payments."""
    return list(
        files_in_scope(user)
        .filter(porteur_id=user.porteur_id)
        .exclude(state__in=[FundingState.TO_REVIEW, FundingState.TO_SIGN, FundingState.CLOSED])
        .select_related("place__commune")
        .prefetch_related(
            Prefetch(
                "parts", queryset=FundingPart.objects.select_related("funder").order_by("position")
            ),
            Prefetch(
                "payments",
                queryset=Payment.objects.select_related("part__funder").order_by(
                    "number", "part__position"
                ),
            ),
        )
        .order_by("-year", "place__name")
    )


def state_counts(*, user: User, year: int | None = None) -> dict[str, int]:
    from django.db.models import Count

    files = files_in_scope(user)
    if year:
        files = files.filter(year=year)
    return dict(files.values_list("state").annotate(n=Count("id")).values_list("state", "n"))


def pending_by_funder(*, year: int, departement: str) -> dict[str, object]:
    """What the files not yet signed of a département and year would take, by funder."""
    from django.db.models import Sum

    rows = (
        FundingPart.objects.filter(
            file__year=year,
            file__departement_id=departement,
            file__state__in=[FundingState.TO_REVIEW, FundingState.TO_SIGN],
        )
        .values("funder_id")
        .annotate(total=Sum("amount"))
    )
    return {row["funder_id"]: row["total"] for row in rows}
