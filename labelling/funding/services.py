"""Writing the funding rules (national users) and taking amounts from the envelopes.

`commit_to_envelopes` locks the envelopes concerned (SELECT … FOR UPDATE, always in the order
of the funders' codes, so that two decisions never wait on each other in a cycle), reads what
is left inside the lock and refuses a decision that exceeds it, unless a national user's
recorded reason allows it. Two decisions at once on the same envelope are thus serialized."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from labelling.funding import rules
from labelling.funding.money import euros
from labelling.models import (
    Departement,
    Envelope,
    EnvelopeCommitment,
    Funder,
    FundingRate,
    FundingRateShare,
    User,
)
from labelling.permissions import may_edit_funding_rules


class FundingError(Exception):
    """A refused change; `message` is French, `field_errors` name the form's fields."""

    def __init__(self, message: str, *, field_errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


class FundingForbidden(FundingError):
    pass


class EnvelopeExceeded(FundingError):
    pass


def _national(user: User | None) -> None:
    if not may_edit_funding_rules(user):
        raise FundingForbidden("Seule l'agence nationale fixe les taux et les enveloppes.")


@transaction.atomic
def save_rate(
    *,
    user: User,
    year: int,
    amount: Decimal,
    prorata_first_year: bool,
    shares: Sequence[tuple[str, Decimal]],
) -> FundingRate:
    """Create or replace the rate of `year` (national users). The split must name known funders,
    each once, with percentages adding up to exactly 100."""
    _national(user)
    errors: dict[str, list[str]] = {}
    if amount is None or Decimal(amount) < 0:
        errors["amount"] = ["Indiquez un forfait annuel positif ou nul, en euros."]
    known = set(
        Funder.objects.filter(code__in=[c for c, _ in shares]).values_list("code", flat=True)
    )
    unknown = [c for c, _ in shares if c not in known]
    if unknown:
        errors["shares"] = ["Financeur inconnu : " + ", ".join(unknown) + "."]
    else:
        try:
            rules.check_shares([rules.Share(c, Decimal(p)) for c, p in shares])
        except rules.RuleError as exc:
            errors["shares"] = [str(exc)]
    if errors:
        raise FundingError("Le taux n'est pas enregistré.", field_errors=errors)
    rate, _ = FundingRate.objects.select_for_update().get_or_create(
        year=year, defaults={"amount": amount, "updated_by": user}
    )
    rate.amount = amount
    rate.prorata_first_year = prorata_first_year
    rate.updated_by = user
    rate.save()
    rate.shares.all().delete()
    FundingRateShare.objects.bulk_create(
        FundingRateShare(rate=rate, funder_id=code, percent=Decimal(p), position=i)
        for i, (code, p) in enumerate(shares)
    )
    return rate


@transaction.atomic
def set_envelope(
    *, user: User, departement_code: str, year: int, funder_code: str, amount: Decimal
) -> Envelope:
    """Set a département's envelope of `year` for one funder (national users). It may not fall
    below what signed decisions already took."""
    _national(user)
    if amount is None or Decimal(amount) < 0:
        raise FundingError(
            "L'enveloppe n'est pas enregistrée.",
            field_errors={"amount": ["Indiquez un montant positif ou nul, en euros."]},
        )
    if not Departement.objects.filter(pk=departement_code).exists():
        raise FundingError(
            "L'enveloppe n'est pas enregistrée.",
            field_errors={"departement": ["Ce département n'existe pas."]},
        )
    if not Funder.objects.filter(pk=funder_code).exists():
        raise FundingError(
            "L'enveloppe n'est pas enregistrée.",
            field_errors={"funder": ["Ce financeur n'existe pas."]},
        )
    envelope, _ = Envelope.objects.get_or_create(
        departement_id=departement_code,
        year=year,
        funder_id=funder_code,
        defaults={"amount": Decimal(0), "updated_by": user},
    )
    envelope = Envelope.objects.select_for_update().get(pk=envelope.pk)
    used = _used(envelope)
    if Decimal(amount) < used:
        raise FundingError(
            "L'enveloppe n'est pas enregistrée.",
            field_errors={
                "amount": [
                    f"Les décisions signées en ont déjà engagé {euros(used)} : l'enveloppe ne "
                    "peut être inférieure."
                ]
            },
        )
    envelope.amount = Decimal(amount)
    envelope.updated_by = user
    envelope.save()
    return envelope


def _used(envelope: Envelope) -> Decimal:
    return envelope.commitments.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def commit_to_envelopes(
    *,
    departement_code: str,
    year: int,
    parts: Sequence[tuple[str, Decimal]],
    reference: str,
    user: User | None,
    override_reason: str = "",
) -> list[EnvelopeCommitment]:
    """Take each part (funder code, amount) from the département's envelope of `year` for that
    funder. Must run inside the caller's transaction. Refused (`EnvelopeExceeded`, nothing
    written) when an envelope is missing or what is left is not enough, unless
    `override_reason` (a national user's recorded reason) allows it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("commit_to_envelopes runs inside the decision's transaction")
    parts = sorted(
        ((code, Decimal(amount)) for code, amount in parts if amount), key=lambda p: p[0]
    )
    envelopes = {
        e.funder_id: e
        for e in Envelope.objects.select_for_update()
        .filter(departement_id=departement_code, year=year, funder_id__in=[c for c, _ in parts])
        .order_by("funder_id")
        .select_related("funder")
    }
    names = {f.code: f.short_name for f in Funder.objects.filter(code__in=[c for c, _ in parts])}
    problems = []
    for code, amount in parts:
        envelope = envelopes.get(code)
        if envelope is None:
            problems.append(
                f"aucune enveloppe {year} n'est fixée pour « {names.get(code, code)} » dans ce "
                "département"
            )
            continue
        left = envelope.amount - _used(envelope)
        if amount > left:
            problems.append(
                f"l'enveloppe {year} « {names.get(code, code)} » n'a plus que {euros(left)} "
                f"pour {euros(amount)} demandés"
            )
    override_reason = (override_reason or "").strip()
    if problems and not override_reason:
        raise EnvelopeExceeded(
            "La décision dépasse l'enveloppe du département : "
            + " ; ".join(problems)
            + ". L'agence nationale peut autoriser le dépassement en le motivant."
        )
    commitments = []
    for code, amount in parts:
        envelope = envelopes.get(code)
        if envelope is None:
            envelope = Envelope.objects.create(
                departement_id=departement_code, year=year, funder_id=code, amount=Decimal(0)
            )
        commitments.append(
            EnvelopeCommitment.objects.create(
                envelope=envelope,
                amount=amount,
                reference=reference,
                override_reason=override_reason if problems else "",
                by=user,
            )
        )
    return commitments


def release_from_envelopes(*, reference: str, user: User | None) -> None:
    """Give back what a decision took (a negative line per envelope: the history stays)."""
    lines = (
        EnvelopeCommitment.objects.filter(reference=reference)
        .values("envelope_id")
        .annotate(total=Sum("amount"))
    )
    for line in lines:
        if line["total"]:
            EnvelopeCommitment.objects.create(
                envelope_id=line["envelope_id"],
                amount=-line["total"],
                reference=reference,
                by=user,
            )
