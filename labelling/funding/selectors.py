"""Reading the funding rules: a year's rate as the pure rules' value, the computation of an
amount, the envelopes of a département and year with what is left."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce

from labelling.funding import rules
from labelling.models import Envelope, Funder, FundingRate


class NoRate(rules.RuleError):
    """No rate is set for the year: nothing is guessed."""


def no_rate_message(year: int) -> str:
    return (
        f"Aucun taux de financement n'est fixé pour l'année {year} : l'agence nationale doit "
        "d'abord l'ajouter (Financements › Taux)."
    )


def rate_of(rate: FundingRate, year: int | None = None) -> rules.Rate:
    """The rule's value of `rate` applied to `year` (by default its first year)."""
    return rules.Rate(
        year=rate.year if year is None else year,
        since=rate.year,
        amount=rate.amount,
        prorata_first_year=rate.prorata_first_year,
        shares=tuple(rules.Share(funder=s.funder_id, percent=s.percent) for s in rate.shares.all()),
    )


def rate_for(year: int) -> rules.Rate:
    """The rate that applies to `year` (the latest set from that year or before); `NoRate` (a
    French message) when none is."""
    rate = (
        FundingRate.objects.prefetch_related("shares")
        .filter(year__lte=year)
        .order_by("-year")
        .first()
    )
    if rate is None:
        raise NoRate(no_rate_message(year))
    return rate_of(rate, year)


def compute(*, year: int, effective_on: datetime.date) -> rules.Computation:
    """The amount for `year` of a label in effect from `effective_on` (`NoRate`,
    `rules.RuleError`)."""
    return rules.compute(rate_for(year), effective_on=effective_on)


def funders() -> dict[str, Funder]:
    return {f.code: f for f in Funder.objects.all()}


def all_rates():
    return FundingRate.objects.prefetch_related("shares__funder").order_by("-year")


@dataclass(frozen=True)
class EnvelopeLine:
    envelope: Envelope
    committed: Decimal

    @property
    def left(self) -> Decimal:
        return self.envelope.amount - self.committed


def committed_sum(envelope_ids) -> dict[int, Decimal]:
    rows = (
        Envelope.objects.filter(pk__in=list(envelope_ids))
        .annotate(
            used=Coalesce(
                Sum("commitments__amount"),
                Value(Decimal("0")),
                output_field=DecimalField(max_digits=14, decimal_places=2),
            )
        )
        .values_list("pk", "used")
    )
    return {pk: Decimal(used) for pk, used in rows}


def envelope_lines(*, year: int, departement_codes=None) -> list[EnvelopeLine]:
    """The envelopes of `year` (of these départements), with what the decisions took."""
    envelopes = Envelope.objects.filter(year=year).select_related("departement", "funder")
    if departement_codes is not None:
        envelopes = envelopes.filter(departement_id__in=list(departement_codes))
    envelopes = list(envelopes.order_by("departement_id", "funder__position", "funder_id"))
    used = committed_sum(e.pk for e in envelopes)
    return [EnvelopeLine(e, used.get(e.pk, Decimal("0"))) for e in envelopes]
