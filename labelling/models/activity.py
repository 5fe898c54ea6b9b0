"""Light activity statistics: per place, per month and per partner operator, the people helped
and the requests handled (they replace the per-visit questionnaire). Entered in one short form
per month or imported from a CSV file (`labelling.activity`); they can be corrected until the
year's renewal review closes (`ActivityYearClosure`, written when it is decided)."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ActivitySource(models.TextChoices):
    FORM = "form", "Saisie"
    IMPORT = "import", "Import CSV"


class MonthlyActivity(models.Model):
    place = models.ForeignKey(
        "labelling.Place", on_delete=models.PROTECT, related_name="monthly_activity"
    )
    month = models.DateField("mois")  # its first day
    operator = models.ForeignKey(
        "labelling.Operator", on_delete=models.PROTECT, related_name="monthly_activity"
    )
    people_helped = models.PositiveIntegerField("personnes accompagnées", default=0)
    requests = models.PositiveIntegerField("demandes", default=0)
    source = models.CharField(
        "origine", max_length=10, choices=ActivitySource.choices, default=ActivitySource.FORM
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "activité mensuelle"
        verbose_name_plural = "activité mensuelle"
        ordering = ["place", "month", "operator__position"]
        indexes = [
            models.Index(fields=["month", "operator"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["place", "month", "operator"], name="activity_one_per_place_month_operator"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="activity_month_is_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.place} — {self.month:%m/%Y} — {self.operator_id}"


class ActivityYearClosure(models.Model):
    """The figures of a place for a year can no longer be corrected: its renewal review of that
    year is decided."""

    place = models.ForeignKey(
        "labelling.Place", on_delete=models.PROTECT, related_name="activity_closures"
    )
    year = models.PositiveSmallIntegerField("année")
    closed_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField("motif", max_length=200)

    class Meta:
        verbose_name = "année d'activité close"
        verbose_name_plural = "années d'activité closes"
        constraints = [
            models.UniqueConstraint(fields=["place", "year"], name="activity_closure_one_per_year")
        ]


__all__ = ["ActivitySource", "ActivityYearClosure", "MonthlyActivity"]
