"""Funding rules as data, editable by national users: the funders, the rate of each year and
its split, and each département's yearly envelope per funder with what decisions took from it.

The arithmetic is pure (`labelling.funding.rules`); `labelling.funding.selectors` reads these
rows into its values, `labelling.funding.services` writes them (envelopes under row locks)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q


class Funder(models.Model):
    """Who pays a part: the State (FNADT, programme 112), the national France Services fund…"""

    code = models.SlugField("code", max_length=40, primary_key=True)
    name = models.CharField("nom", max_length=200)
    short_name = models.CharField("nom court", max_length=80)
    budget_line = models.CharField(
        "imputation budgétaire",
        max_length=300,
        blank=True,
        help_text="Programme et action (ou fonds) sur lesquels la dépense est imputée.",
    )
    comptable = models.CharField(
        "comptable assignataire",
        max_length=300,
        help_text="« {departement} » est remplacé par le nom du département du lieu.",
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "financeur"
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.short_name

    def comptable_for(self, departement_name: str) -> str:
        return self.comptable.replace("{departement}", departement_name)


class FundingRate(models.Model):
    """The flat yearly amount from `year` on (until the next rate's year), its split, and
    whether a first year is pro-rated. A year before the first rate has none."""

    year = models.PositiveSmallIntegerField(
        "à partir de l'année", unique=True, validators=[MinValueValidator(2000)]
    )
    amount = models.DecimalField(
        "forfait annuel (€)",
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    prorata_first_year = models.BooleanField(
        "première année au prorata",
        default=True,
        help_text="Jours labellisés dans l'année (jour d'effet compris) / jours de l'année.",
    )
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="modifié par",
    )

    class Meta:
        verbose_name = "taux de financement"
        verbose_name_plural = "taux de financement"
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="funding_rate_not_negative")
        ]

    def __str__(self) -> str:
        return f"Taux à partir de {self.year}"


class FundingRateShare(models.Model):
    rate = models.ForeignKey(FundingRate, on_delete=models.CASCADE, related_name="shares")
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="+")
    percent = models.DecimalField(
        "part (%)",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "part d'un financeur"
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rate", "funder"], name="funding_share_one_per_funder"),
            models.CheckConstraint(
                condition=Q(percent__gt=0) & Q(percent__lte=100), name="funding_share_percent"
            ),
        ]


class Envelope(models.Model):
    """A département's yearly envelope for one funder. What is left is the amount minus what the
    signed decisions took (`EnvelopeCommitment`); a decision is checked against it under a row
    lock on this envelope."""

    departement = models.ForeignKey(
        "labelling.Departement", on_delete=models.PROTECT, related_name="funding_envelopes"
    )
    year = models.PositiveSmallIntegerField("année")
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="envelopes")
    amount = models.DecimalField(
        "montant (€)",
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="modifiée par",
    )

    class Meta:
        verbose_name = "enveloppe départementale"
        verbose_name_plural = "enveloppes départementales"
        ordering = ["year", "departement", "funder__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["departement", "year", "funder"], name="envelope_one_per_funder"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="envelope_not_negative"),
        ]

    def __str__(self) -> str:
        return f"Enveloppe {self.year} {self.departement_id} {self.funder_id}"


class EnvelopeCommitment(models.Model):
    """What one decision took from an envelope (a cancelled decision gives it back with a
    negative line). `override_reason`: a national user allowed it beyond what was left."""

    envelope = models.ForeignKey(Envelope, on_delete=models.PROTECT, related_name="commitments")
    amount = models.DecimalField("montant (€)", max_digits=14, decimal_places=2)
    reference = models.CharField("référence", max_length=100)
    override_reason = models.TextField("motif du dépassement", blank=True)
    at = models.DateTimeField("le", auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "engagement sur une enveloppe"
        ordering = ["at", "id"]
