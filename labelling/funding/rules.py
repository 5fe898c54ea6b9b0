"""The arithmetic of a funding decision, pure: values in, values out (no Django, no model).

- `prorata_fraction`: the share of `year` during which a label in effect from `effective_on`
  runs: days labelled in that calendar year (the day of effect included) / days in the year
  (366 in a leap year); a label of an earlier year counts the whole year, a label taking effect
  after the year counts nothing.
- `compute`: the yearly amount of a rate, pro-rated for the first year when the rate says so,
  rounded to the cent half-up, split between the funders by their percentages; each part is
  rounded the same way and the last part takes the difference, so the parts always add up
  exactly to the total.

Money is `Decimal` throughout; a float never enters."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


class RuleError(ValueError):
    """An input the rules cannot compute from (the message is French, for the user)."""


@dataclass(frozen=True)
class Share:
    """One funder's percentage of the yearly amount."""

    funder: str  # the funder's code
    percent: Decimal


@dataclass(frozen=True)
class Rate:
    """The rate applied to `year` (set from the year `since`): its flat amount, its split, and
    whether a first year is pro-rated."""

    year: int
    amount: Decimal
    shares: tuple[Share, ...]
    prorata_first_year: bool = True
    since: int | None = None


@dataclass(frozen=True)
class Part:
    funder: str
    amount: Decimal


@dataclass(frozen=True)
class Computation:
    year: int
    yearly_amount: Decimal
    days: int  # days labelled in the year
    days_in_year: int
    prorated: bool
    total: Decimal
    parts: tuple[Part, ...]

    def as_json(self) -> dict:
        return {
            "year": self.year,
            "total": str(self.total),
            "parts": [{"funder": p.funder, "amount": str(p.amount)} for p in self.parts],
        }


def cents(value: Decimal | Fraction) -> Decimal:
    """Rounded to the cent, half-up (exactly, from a fraction as from a decimal)."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def days_in_year(year: int) -> int:
    return (datetime.date(year + 1, 1, 1) - datetime.date(year, 1, 1)).days


def labelled_days(year: int, effective_on: datetime.date) -> int:
    """Days of `year` from `effective_on` (included) to 31 December (included)."""
    start = max(effective_on, datetime.date(year, 1, 1))
    end = datetime.date(year, 12, 31)
    return max((end - start).days + 1, 0)


def check_shares(shares: Sequence[Share]) -> None:
    """The split of a rate: at least one funder, each funder once, percentages > 0 adding up to
    exactly 100."""
    if not shares:
        raise RuleError("La répartition doit nommer au moins un financeur.")
    funders = [s.funder for s in shares]
    if len(set(funders)) != len(funders):
        raise RuleError("Un financeur n'apparaît qu'une fois dans la répartition.")
    if any(Decimal(s.percent) <= 0 for s in shares):
        raise RuleError("Chaque part d'un financeur est un pourcentage positif.")
    total = sum((Decimal(s.percent) for s in shares), Decimal(0))
    if total != HUNDRED:
        raise RuleError(
            f"Les parts des financeurs doivent faire exactement 100 % (elles font {total} %)."
        )


def split(total: Decimal, shares: Sequence[Share]) -> tuple[Part, ...]:
    """`total` split by the shares' percentages: each part rounded to the cent half-up, the last
    one taking the difference (the parts add up exactly to `total`)."""
    check_shares(shares)
    total = Decimal(total)
    parts: list[Part] = []
    given = Decimal(0)
    for share in shares[:-1]:
        amount = cents(total * Decimal(share.percent) / HUNDRED)
        parts.append(Part(share.funder, amount))
        given += amount
    parts.append(Part(shares[-1].funder, total - given))
    return tuple(parts)


def compute(rate: Rate, *, effective_on: datetime.date) -> Computation:
    """The amount of `rate.year` for a label in effect from `effective_on`."""
    year = rate.year
    if effective_on > datetime.date(year, 12, 31):
        raise RuleError(
            f"Le label prend effet le {effective_on:%d/%m/%Y}, après l'année {year} : "
            "aucune subvention n'est due pour cette année."
        )
    if rate.amount < 0:
        raise RuleError("Le forfait annuel ne peut pas être négatif.")
    total_days = days_in_year(year)
    days = labelled_days(year, effective_on)
    prorated = rate.prorata_first_year and days < total_days
    if prorated:
        total = cents(Fraction(str(rate.amount)) * days / total_days)
    else:
        total = cents(Decimal(rate.amount))
    return Computation(
        year=year,
        yearly_amount=Decimal(rate.amount),
        days=days,
        days_in_year=total_days,
        prorated=prorated,
        total=total,
        parts=split(total, rate.shares),
    )
