"""The actions on a funding file. Each is one keyword-only function that fires a transition of
`workflows.funding.lifecycle` in one transaction (lock, permission, stage, journal, e-mails on
commit), so a refused action changes nothing. Errors are the workflow errors
(`workflows.errors`) with French messages naming the fields.

`open_funding_file` is called by the labelling decision (the year of effect) and by the
renewal of a label (each year after): it is idempotent (one live file per place and year)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from labelling.funding import rules
from labelling.funding import selectors as rule_selectors
from labelling.funding import services as rule_services
from labelling.funding.money import euros
from labelling.models import LabelStatus, Place, PorteurKind, User
from labelling.validators import LA_POSTE_SIREN
from workflows import journal
from workflows.errors import AccessDenied, InvalidInput, NotFound
from workflows.fsm import transition
from workflows.funding.lifecycle import FundingLifecycle
from workflows.funding.models import (
    FundingAction,
    FundingCause,
    FundingFile,
    FundingPart,
    FundingState,
    JournalEntry,
    Payment,
    PaymentStatus,
)


def today() -> datetime.date:
    return timezone.localdate()


def is_la_poste(porteur) -> bool:
    """Places run by La Poste are funded through another channel (the postal fund)."""
    return porteur is not None and (
        porteur.kind == PorteurKind.LA_POSTE or (porteur.siret or "").startswith(LA_POSTE_SIREN)
    )


def label_start(place: Place) -> datetime.date | None:
    """The date the pro-rata starts from: the label's date of effect (not the decision's)."""
    return place.label_effective_on or place.labelled_on


OTHER_CHANNEL_COMMENT = (
    "Lieu porté par La Poste : financé par un autre canal, sans décision de la préfecture."
)


class NotFundable(InvalidInput):
    """This place gets no decision for this year (not labelled, label ended, later year…)."""


def _refuse_unfundable(place: Place, year: int) -> None:
    start = label_start(place)
    if place.label_status in (LabelStatus.SUSPENDED, LabelStatus.WITHDRAWN):
        raise NotFundable(
            f"Le label de « {place.name} » est {place.get_label_status_display().lower()} : "
            f"aucune décision de financement n'est ouverte pour {year}."
        )
    if place.label_status != LabelStatus.LABELLED or start is None:
        raise NotFundable(f"« {place.name} » n'est pas labellisé : aucun financement n'est dû.")
    if start > datetime.date(year, 12, 31):
        raise NotFundable(
            f"Le label de « {place.name} » prend effet le {start:%d/%m/%Y}, après {year}."
        )


def _apply_rules(file: FundingFile, rate: rules.Rate | None) -> rules.Computation | None:
    """Write on `file` what the rules give (amount, parts); None when no rate is set."""
    file.effective_on = label_start(file.place)
    if rate is None:
        file.rate_missing = True
        file.yearly_amount = file.proposed_amount = file.amount = Decimal(0)
        file.days = 0
        file.prorated = False
        file.adjustment_reason = ""
        return None
    computation = rules.compute(rate, effective_on=file.effective_on)
    file.rate_missing = False
    file.yearly_amount = computation.yearly_amount
    file.days = computation.days
    file.days_in_year = computation.days_in_year
    file.prorated = computation.prorated
    file.proposed_amount = file.amount = computation.total
    file.adjustment_reason = ""
    return computation


def _write_parts(file: FundingFile, rate: rules.Rate | None, total: Decimal) -> None:
    file.parts.all().delete()
    if rate is None:
        return
    FundingPart.objects.bulk_create(
        FundingPart(
            file=file,
            funder_id=part.funder,
            percent=share.percent,
            amount=part.amount,
            position=i,
        )
        for i, (share, part) in enumerate(
            zip(rate.shares, rules.split(total, rate.shares), strict=True)
        )
    )


def _rate_of_file(file: FundingFile) -> rules.Rate | None:
    try:
        return rule_selectors.rate_for(file.year)
    except rule_selectors.NoRate:
        return None


CAUSE_NAMES = {
    "labelling": FundingCause.LABELLING,
    "renewal": FundingCause.RENEWAL,
    "year": FundingCause.YEAR,
    "manual": FundingCause.MANUAL,
}


def as_cause(cause) -> FundingCause:
    """A `FundingCause`, its value (« renouvellement ») or its English name (« renewal »)."""
    if isinstance(cause, FundingCause):
        return cause
    text = str(cause).strip().lower()
    if text in CAUSE_NAMES:
        return CAUSE_NAMES[text]
    if text.upper() in FundingCause.__members__:
        return FundingCause[text.upper()]
    try:
        return FundingCause(text)
    except ValueError as exc:
        raise ValueError(
            f"Unknown funding cause {cause!r}: one of {sorted(CAUSE_NAMES)} or FundingCause"
        ) from exc


def open_funding_file(
    *, place: Place, year: int, cause: str, user: User | None = None
) -> FundingFile:
    """Open the funding file of `place` for `year` in the préfecture's queue, with the amount
    the rules propose (pro-rated from the label's date of effect in its first year). Idempotent:
    the live file of that place and year is returned as it is. `cause`: a `FundingCause`, or
    « labelling », « renewal », « year », « manual ». A place run by La Poste gets a
    file « financé par un autre canal » (no decision). Raises `NotFundable` (an `InvalidInput`)
    for a place not labelled, suspended or withdrawn, or labelled after `year`. A year with no
    rate opens the file without amount: it says so and cannot be proposed until a rate is set."""
    cause = as_cause(cause)
    existing = FundingFile.objects.filter(place_id=place.pk, year=year).exclude(
        state=FundingState.CLOSED
    )
    found = existing.first()
    if found is not None:
        return found
    place = Place.objects.select_related("porteur").get(pk=place.pk)
    _refuse_unfundable(place, year)
    try:
        with transaction.atomic():
            file = FundingFile(
                place=place,
                departement_id=place.departement_id,
                porteur=place.porteur,
                year=year,
                cause=cause,
            )
            if is_la_poste(place.porteur):
                # Funded through another channel: the system routes it, no decision.
                file.effective_on = label_start(place)
                file.save()
                FundingLifecycle(file).fire(
                    "other_channel", user=user, comment=OTHER_CHANNEL_COMMENT
                )
                return file
            rate = _rate_of_file(file)
            _apply_rules(file, rate)
            file.save()
            _write_parts(file, rate, file.amount)
            FundingLifecycle(file).record(
                user=user,
                action=FundingAction.OPEN,
                from_state=FundingState.TO_REVIEW,
                comment=opening_comment(file),
                private=False,
                data={"cause": cause.value, "amount": str(file.amount)},
                notify=False,
            )
            return file
    except IntegrityError:
        # Opened at the same moment by someone else: theirs is ours.
        found = existing.first()
        if found is None:
            raise
        return found


def opening_comment(file: FundingFile) -> str:
    if file.rate_missing:
        return rule_selectors.no_rate_message(file.year)
    text = f"Forfait {file.year} : {euros(file.yearly_amount)}"
    if file.prorated:
        text += (
            f", au prorata de {file.days} jours sur {file.days_in_year} (label en vigueur le "
            f"{file.effective_on:%d/%m/%Y}) : {euros(file.proposed_amount)}"
        )
    return text + "."


def open_after_labelling(*, place: Place, user: User | None) -> FundingFile | None:
    """Called by the labelling decision: the file of the year the label takes effect, when the
    place is fundable that year (nothing for La Poste beyond the « autre canal » file)."""
    start = label_start(place)
    if start is None:
        return None
    try:
        return open_funding_file(
            place=place, year=start.year, cause=FundingCause.LABELLING, user=user
        )
    except NotFundable:
        return None


# --- instruction ----------------------------------------------------------------------------


def recompute(*, user: User, file_id) -> FundingFile:
    with transition(FundingLifecycle, "recompute", user=user, pk=file_id) as run:
        file = run.obj
        previous = str(file.amount)
        rate = _rate_of_file(file)
        try:
            _apply_rules(file, rate)
        except rules.RuleError as exc:
            raise InvalidInput(str(exc)) from exc
        file.save()
        _write_parts(file, rate, file.amount)
        run.fire(
            comment=opening_comment(file),
            data={"previous": previous, "amount": str(file.amount)},
            save=True,
        )
    return file


def adjust(*, user: User, file_id, amount: Decimal | None, reason: str) -> FundingFile:
    """The instructor changes the amount proposed by the rules, with a reason; the parts follow
    the rate's percentages (the last takes the difference)."""
    with transition(FundingLifecycle, "adjust", user=user, pk=file_id) as run:
        file = run.obj
        reason = (reason or "").strip()
        errors: dict[str, list[str]] = {}
        if amount is None or amount < 0:
            errors["amount"] = ["Indiquez un montant en euros, positif ou nul (ex. 15 000,00)."]
        elif amount == file.amount:
            errors["amount"] = [f"Le montant est déjà de {euros(file.amount)}."]
        if not reason and amount != file.proposed_amount:
            errors["reason"] = ["Dites pourquoi le montant calculé par les règles est ajusté."]
        if errors:
            raise InvalidInput("Le montant n'est pas ajusté.", field_errors=errors)
        previous = file.amount
        file.amount = amount.quantize(rules.CENT)
        file.adjustment_reason = "" if file.amount == file.proposed_amount else reason
        _write_parts(file, _rate_of_file(file), file.amount)
        run.fire(
            comment=reason,
            data={"previous": str(previous), "amount": str(file.amount)},
            save=True,
        )
    return file


def propose(*, user: User, file_id) -> FundingFile:
    with transition(FundingLifecycle, "propose", user=user, pk=file_id) as run:
        file = run.obj
        file.proposed_by = user
        file.proposed_at = timezone.now()
        run.fire(
            comment=f"Montant proposé : {euros(file.amount)}.", data={"amount": str(file.amount)}
        )
    return file


def send_back(*, user: User, file_id, reason: str) -> FundingFile:
    with transition(FundingLifecycle, "send_back", user=user, pk=file_id) as run:
        reason = _required(reason, "Dites pourquoi la proposition est renvoyée.")
        file = run.obj
        file.proposed_by = None
        file.proposed_at = None
        run.fire(comment=reason)
    return file


def override_envelope(*, user: User, file_id, reason: str) -> FundingFile:
    """A national user allows this decision beyond what is left of the envelope (recorded)."""
    with transition(FundingLifecycle, "override", user=user, pk=file_id) as run:
        reason = _required(reason, "Motivez l'autorisation de dépasser l'enveloppe.")
        file = run.obj
        file.envelope_override_reason = reason
        file.envelope_override_by = user
        run.fire(comment=reason, save=True)
    return file


def close(*, user: User, file_id, reason: str) -> FundingFile:
    with transition(FundingLifecycle, "close", user=user, pk=file_id) as run:
        reason = _required(reason, "Motivez le classement sans suite.")
        file = run.obj
        file.closed_reason = reason
        run.fire(comment=reason)
    return file


def _required(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(message, field_errors={"reason": [message]})
    return text


# --- signature and payments -------------------------------------------------------------------


@dataclass(frozen=True)
class Instalment:
    """One payment of the schedule: a percentage of each part, due on a date."""

    percent: Decimal
    due_on: datetime.date


def check_schedule(schedule: Sequence[Instalment], *, signed_on: datetime.date) -> None:
    errors = []
    if not schedule:
        errors.append("Prévoyez au moins un versement.")
    elif sum((i.percent for i in schedule), Decimal(0)) != 100:
        errors.append("Les versements doivent faire exactement 100 % de la subvention.")
    if any(i.percent <= 0 for i in schedule):
        errors.append("Chaque versement est un pourcentage positif.")
    if any(i.due_on < signed_on for i in schedule):
        errors.append("Un versement ne peut être prévu avant la signature.")
    if errors:
        raise InvalidInput(
            "L'échéancier des versements n'est pas valable.",
            field_errors={"schedule": errors},
        )


def _plan_payments(file: FundingFile, schedule: Sequence[Instalment]) -> None:
    shares = [rules.Share(str(n), i.percent) for n, i in enumerate(schedule, start=1)]
    payments = []
    for part in file.parts.all():
        for n, (instalment, piece) in enumerate(
            zip(schedule, rules.split(part.amount, shares), strict=True), start=1
        ):
            if piece.amount > 0:
                payments.append(
                    Payment(
                        file=file,
                        part=part,
                        number=n,
                        amount=piece.amount,
                        due_on=instalment.due_on,
                    )
                )
    Payment.objects.bulk_create(payments)


def sign(
    *,
    user: User,
    file_id,
    signed_on: datetime.date | None = None,
    schedule: Sequence[Instalment] | None = None,
) -> FundingFile:
    """A signataire (not the proposer) signs: the parts are taken from the département's
    envelopes under lock (refused beyond what is left, unless the agency allowed it), the
    decision PDF is produced, the payments planned (by default all at signature)."""
    from workflows.funding import documents as funding_documents

    with transition(FundingLifecycle, "sign", user=user, pk=file_id) as run:
        file = run.obj
        signed_on = signed_on or today()
        if signed_on > today():
            raise InvalidInput(
                "La date de signature ne peut être dans le futur.",
                field_errors={"signed_on": ["La date de signature ne peut être dans le futur."]},
            )
        schedule = list(schedule or [Instalment(Decimal(100), signed_on)])
        check_schedule(schedule, signed_on=signed_on)
        parts = list(file.parts.select_related("funder"))
        if sum((p.amount for p in parts), Decimal(0)) != file.amount:
            raise InvalidInput(
                "La répartition entre financeurs ne fait pas le montant : recalculez."
            )
        try:
            rule_services.commit_to_envelopes(
                departement_code=file.departement_id,
                year=file.year,
                parts=[(p.funder_id, p.amount) for p in parts],
                reference=file.reference,
                user=user,
                override_reason=file.envelope_override_reason,
            )
        except rule_services.EnvelopeExceeded as exc:
            raise InvalidInput(exc.message) from exc
        porteur = file.place.porteur
        file.porteur = porteur
        file.beneficiary_name = porteur.name
        file.beneficiary_siret = porteur.siret or ""
        file.signed_by = user
        file.signed_on = signed_on
        _plan_payments(file, schedule)
        run.fire(
            comment=f"Subvention de {euros(file.amount)} attribuée pour {file.year}.",
            data={
                "amount": str(file.amount),
                "schedule": [
                    {"percent": str(i.percent), "due_on": i.due_on.isoformat()} for i in schedule
                ],
            },
        )
        funding_documents.request_decision(file, user=user)
    return file


def record_engagements(*, user: User, file_id, numbers: dict[str, str]) -> FundingFile:
    """The engagement numbers (Chorus) of each funder's part."""
    with transition(FundingLifecycle, "engage", user=user, pk=file_id) as run:
        file = run.obj
        changed = {}
        for part in file.parts.all():
            number = (numbers.get(part.funder_id) or "").strip()
            if len(number) > 40:
                raise InvalidInput(
                    "Numéro d'engagement trop long.",
                    field_errors={f"engagement_{part.funder_id}": ["40 caractères au plus."]},
                )
            if number != part.engagement_number:
                part.engagement_number = number
                part.save(update_fields=["engagement_number"])
                changed[part.funder_id] = number
        run.fire(data=changed, journal=bool(changed))
    return file


def _payment(file: FundingFile, payment_id) -> Payment:
    try:
        return Payment.objects.select_for_update().get(pk=payment_id, file=file)
    except (Payment.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("Ce versement n'existe pas.") from exc


def _payment_date(value: datetime.date | None, *, not_before: datetime.date, what: str):
    value = value or today()
    if value > today():
        raise InvalidInput(
            f"La date {what} ne peut être dans le futur.",
            field_errors={"on": [f"La date {what} ne peut être dans le futur."]},
        )
    if value < not_before:
        message = f"La date {what} ne peut précéder le {not_before:%d/%m/%Y}."
        raise InvalidInput(message, field_errors={"on": [message]})
    return value


def order_payment(*, user: User, file_id, payment_id, on: datetime.date | None = None) -> Payment:
    with transition(FundingLifecycle, "order_payment", user=user, pk=file_id) as run:
        payment = _payment(run.obj, payment_id)
        if payment.status != PaymentStatus.PLANNED:
            raise InvalidInput("Ce versement est déjà ordonnancé.")
        payment.ordered_on = _payment_date(
            on, not_before=run.obj.signed_on, what="d'ordonnancement"
        )
        payment.ordered_by = user
        payment.status = PaymentStatus.ORDERED
        payment.save()
        run.fire(
            comment=f"Versement n° {payment.number} ({payment.part.funder.short_name}) de "
            f"{euros(payment.amount)} ordonnancé le {payment.ordered_on:%d/%m/%Y}.",
            data={"payment": str(payment.pk)},
        )
    return payment


def pay(*, user: User, file_id, payment_id, on: datetime.date | None = None) -> Payment:
    """Record a payment as paid; the last one settles the file."""
    with transition(FundingLifecycle, "pay", user=user, pk=file_id) as run:
        payment = _payment(run.obj, payment_id)
        if payment.status != PaymentStatus.ORDERED:
            raise InvalidInput(
                "Ce versement est déjà payé."
                if payment.status == PaymentStatus.PAID
                else "Ordonnancez ce versement avant de le marquer payé."
            )
        payment.paid_on = _payment_date(on, not_before=payment.ordered_on, what="de paiement")
        payment.paid_by = user
        payment.status = PaymentStatus.PAID
        payment.save()
        run.fire(
            comment=f"Versement n° {payment.number} ({payment.part.funder.short_name}) de "
            f"{euros(payment.amount)} payé le {payment.paid_on:%d/%m/%Y}.",
            data={"payment": str(payment.pk)},
            notify=True,  # the porteur is told of each payment
        )
        run.then("settle")
    return payment


def file_for(user: User, file_id) -> FundingFile:
    from workflows.funding.permissions import may_view

    file = FundingFile.objects.filter(pk=file_id).first()
    if file is None or not may_view(user, file):
        raise NotFound("Ce dossier de financement n'existe pas.")
    return file


# --- the year's files, in bulk ------------------------------------------------------------------


@dataclass(frozen=True)
class YearOpening:
    year: int
    opened: int
    other_channel: int
    already: int
    rate_missing: bool


def fundable_places(*, year: int, departement: str | None = None):
    """The places that get a file for `year`: labelled (neither suspended nor withdrawn) with a
    label in effect by 31 December of that year."""
    end = datetime.date(year, 12, 31)
    places = Place.objects.filter(label_status=LabelStatus.LABELLED).filter(
        models.Q(label_effective_on__lte=end)
        | models.Q(label_effective_on__isnull=True, labelled_on__lte=end)
    )
    if departement:
        places = places.filter(departement_id=departement)
    return places


def open_year(*, user: User | None, year: int, departement: str | None = None) -> YearOpening:
    """Open, in bulk, the funding files of `year` for every fundable place (of `departement`)
    that has none yet: the amounts computed by the rules in Python from one read of the rate,
    written with a few bulk inserts. National users open any département, a préfecture its
    own; the system (user None) too, from a yearly task."""
    if user is not None:
        if not (getattr(user, "is_national", False) or getattr(user, "is_prefecture", False)):
            raise AccessDenied("Seule la préfecture ou l'agence nationale ouvre les dossiers.")
        if not user.is_national:
            departement = user.departement_id
    try:
        rate = rule_selectors.rate_for(year)
    except rule_selectors.NoRate:
        rate = None
    with transaction.atomic():
        taken = FundingFile.objects.filter(year=year).exclude(state=FundingState.CLOSED)
        places = list(
            fundable_places(year=year, departement=departement)
            .exclude(pk__in=taken.values("place_id"))
            .select_related("porteur")
            .order_by("pk")
        )
        already = taken.filter(departement_id=departement).count() if departement else taken.count()
        files, poste = [], []
        for place in places:
            file = FundingFile(
                place=place,
                departement_id=place.departement_id,
                porteur=place.porteur,
                year=year,
                cause=FundingCause.YEAR,
            )
            if is_la_poste(place.porteur):
                # Routed by the table (its setter writes the state), inserted with the others.
                file.effective_on = label_start(place)
                FundingLifecycle(file).fire("other_channel", user=user, save=False, journal=False)
                poste.append(file)
            else:
                _apply_rules(file, rate)
                files.append(file)
        FundingFile.objects.bulk_create(files + poste, batch_size=500)
        if rate is not None:
            parts = []
            for file in files:
                for i, (share, part) in enumerate(
                    zip(rate.shares, rules.split(file.amount, rate.shares), strict=True)
                ):
                    parts.append(
                        FundingPart(
                            file=file,
                            funder_id=part.funder,
                            percent=share.percent,
                            amount=part.amount,
                            position=i,
                        )
                    )
            FundingPart.objects.bulk_create(parts, batch_size=1000)
        actor = journal.actor_label(user)
        account = journal.actor_of(user)
        JournalEntry.objects.bulk_create(
            [
                JournalEntry(
                    file=file,
                    actor=account,
                    actor_label=actor,
                    from_state=FundingState.TO_REVIEW,
                    to_state=FundingState.TO_REVIEW,
                    action=FundingAction.OPEN,
                    comment=opening_comment(file),
                    data={"cause": FundingCause.YEAR.value, "amount": str(file.amount)},
                )
                for file in files
            ]
            + [
                JournalEntry(
                    file=file,
                    actor=account,
                    actor_label=actor,
                    from_state=FundingState.TO_REVIEW,
                    to_state=FundingState.OTHER_CHANNEL,
                    action=FundingAction.OTHER_CHANNEL,
                    comment=OTHER_CHANNEL_COMMENT,
                )
                for file in poste
            ],
            batch_size=1000,
        )
    return YearOpening(
        year=year,
        opened=len(files),
        other_channel=len(poste),
        already=already,
        rate_missing=rate is None,
    )
