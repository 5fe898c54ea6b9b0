"""A funding file (one place, one year), its parts by funder, its payments and its journal
(append-only)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from workflows.journal import JournalEntryBase

JOURNAL_TABLE = "funding_journalentry"
JOURNAL_MESSAGE = (
    "Le journal des financements est en ajout seul : modification et suppression refusées."
)


class FundingState(models.TextChoices):
    TO_REVIEW = "a_instruire", "À instruire"
    TO_SIGN = "a_signer", "Proposé à la signature"
    SIGNED = "signe", "Décision signée, versements en cours"
    PAID = "verse", "Subvention versée"
    CLOSED = "sans_suite", "Classé sans suite"
    OTHER_CHANNEL = "autre_canal", "Financé par un autre canal (La Poste)"


OPEN_STATES = (FundingState.TO_REVIEW, FundingState.TO_SIGN)
DECIDED_STATES = (FundingState.SIGNED, FundingState.PAID)


class FundingCause(models.TextChoices):
    LABELLING = "labellisation", "Décision de labellisation"
    RENEWAL = "renouvellement", "Renouvellement du label"
    YEAR = "annee", "Ouverture de l'année"
    MANUAL = "manuel", "Ouverture à la demande de la préfecture"


class FundingFile(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    place = models.ForeignKey(
        "labelling.Place", on_delete=models.PROTECT, related_name="funding_files"
    )
    # Denormalised from the place: the préfecture's queue and the access rules filter on them.
    departement = models.ForeignKey(
        "labelling.Departement", on_delete=models.PROTECT, related_name="funding_files"
    )
    porteur = models.ForeignKey(
        "labelling.Porteur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_files",
    )
    year = models.PositiveSmallIntegerField("année")
    cause = models.CharField("ouvert par", max_length=20, choices=FundingCause.choices)
    state = models.CharField(
        "étape", max_length=20, choices=FundingState.choices, default=FundingState.TO_REVIEW
    )
    opened_at = models.DateTimeField("ouvert le", auto_now_add=True)

    # What the rules computed when the file opened (or when they were applied again).
    effective_on = models.DateField("date d'effet du label", null=True, blank=True)
    yearly_amount = models.DecimalField(
        "forfait annuel", max_digits=12, decimal_places=2, default=Decimal(0)
    )
    days = models.PositiveSmallIntegerField("jours labellisés dans l'année", default=0)
    days_in_year = models.PositiveSmallIntegerField("jours de l'année", default=365)
    prorated = models.BooleanField("au prorata", default=False)
    proposed_amount = models.DecimalField(
        "montant calculé", max_digits=12, decimal_places=2, default=Decimal(0)
    )
    rate_missing = models.BooleanField("taux manquant", default=False)

    # The instruction.
    amount = models.DecimalField("montant", max_digits=12, decimal_places=2, default=Decimal(0))
    adjustment_reason = models.TextField("motif de l'ajustement", blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField("proposé le", null=True, blank=True)
    envelope_override_reason = models.TextField("motif du dépassement d'enveloppe", blank=True)
    envelope_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # The decision.
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_on = models.DateField("signé le", null=True, blank=True)
    beneficiary_name = models.CharField("bénéficiaire", max_length=200, blank=True)
    beneficiary_siret = models.CharField("SIRET du bénéficiaire", max_length=14, blank=True)
    closed_reason = models.TextField("motif du classement", blank=True)

    class Meta:
        verbose_name = "dossier de financement"
        verbose_name_plural = "dossiers de financement"
        ordering = ["-year", "place__name"]
        indexes = [models.Index(fields=["departement", "year", "state"])]
        constraints = [
            # One live file per place and year (a file classed sans suite may be replaced).
            models.UniqueConstraint(
                fields=["place", "year"],
                condition=~Q(state="sans_suite"),
                name="funding_one_file_per_place_year",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="funding_amount_not_negative"),
            # An amount other than the rules' is motivated.
            models.CheckConstraint(
                condition=Q(amount=models.F("proposed_amount")) | ~Q(adjustment_reason=""),
                name="funding_adjustment_is_motivated",
            ),
            # The signataire is never the proposer.
            models.CheckConstraint(
                condition=Q(signed_by__isnull=True)
                | Q(proposed_by__isnull=True)
                | ~Q(signed_by=models.F("proposed_by")),
                name="funding_signer_is_not_proposer",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["signe", "verse"])
                | Q(signed_by__isnull=False, signed_on__isnull=False),
                name="funding_signed_has_signer",
            ),
        ]

    def __str__(self) -> str:
        return f"Financement {self.year} — {self.place}"

    @property
    def reference(self) -> str:
        return f"FIN-{self.year}-{str(self.pk).split('-')[0].upper()}"

    @property
    def adjusted(self) -> bool:
        return self.amount != self.proposed_amount


class FundingPart(models.Model):
    """One funder's part of the file's amount (the parts add up exactly to the amount)."""

    file = models.ForeignKey(FundingFile, on_delete=models.CASCADE, related_name="parts")
    funder = models.ForeignKey("labelling.Funder", on_delete=models.PROTECT, related_name="+")
    percent = models.DecimalField("part (%)", max_digits=5, decimal_places=2)
    amount = models.DecimalField("montant", max_digits=12, decimal_places=2)
    engagement_number = models.CharField("numéro d'engagement", max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "part d'un financeur"
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["file", "funder"], name="funding_part_one_per_funder")
        ]


class PaymentStatus(models.TextChoices):
    PLANNED = "prevu", "Prévu"
    ORDERED = "ordonnance", "Ordonnancé"
    PAID = "paye", "Payé"


class Payment(models.Model):
    """A payment of one funder's part: planned at signature, then ordered, then paid."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file = models.ForeignKey(FundingFile, on_delete=models.PROTECT, related_name="payments")
    part = models.ForeignKey(FundingPart, on_delete=models.PROTECT, related_name="payments")
    number = models.PositiveSmallIntegerField("versement n°")
    amount = models.DecimalField("montant", max_digits=12, decimal_places=2)
    due_on = models.DateField("prévu le")
    status = models.CharField(
        "état", max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PLANNED
    )
    ordered_on = models.DateField("ordonnancé le", null=True, blank=True)
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    paid_on = models.DateField("payé le", null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "versement"
        ordering = ["number", "part__position"]
        constraints = [
            models.UniqueConstraint(fields=["part", "number"], name="payment_number_per_part"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(status="prevu") | Q(ordered_on__isnull=False),
                name="payment_ordered_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="paye") | Q(paid_on__isnull=False),
                name="payment_paid_has_date",
            ),
        ]


class FundingAction(models.TextChoices):
    OPEN = "open", "Dossier ouvert"
    OTHER_CHANNEL = "other_channel", "Financé par un autre canal"
    RECOMPUTE = "recompute", "Montant recalculé selon les règles"
    ADJUST = "adjust", "Montant ajusté"
    PROPOSE = "propose", "Proposé à la signature"
    RETURN = "return", "Proposition renvoyée"
    OVERRIDE = "override", "Dépassement d'enveloppe autorisé"
    SIGN = "sign", "Décision signée"
    ENGAGE = "engage", "Numéros d'engagement enregistrés"
    ORDER = "order", "Versement ordonnancé"
    PAY = "pay", "Versement payé"
    SETTLE = "settle", "Subvention entièrement versée"
    CLOSE = "close", "Classé sans suite"


class JournalEntry(JournalEntryBase):
    """Append-only: the database refuses UPDATE and DELETE on this table (migration 0001)."""

    file = models.ForeignKey(FundingFile, on_delete=models.PROTECT, related_name="journal")
    from_state = models.CharField("étape de départ", max_length=20, choices=FundingState.choices)
    to_state = models.CharField("étape d'arrivée", max_length=20, choices=FundingState.choices)
    action = models.CharField("action", max_length=20, choices=FundingAction.choices)

    class Meta(JournalEntryBase.Meta):
        verbose_name = "entrée du journal des financements"
        verbose_name_plural = "journal des financements"
