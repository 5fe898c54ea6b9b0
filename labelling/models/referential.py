"""Versions of the cahier des charges as data, their criteria, and immutable conformity reports."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    PUBLISHED = "published", "Publiée"


class Version(models.Model):
    code = models.SlugField("code", max_length=50, unique=True)
    title = models.CharField("titre", max_length=300)
    source_reference = models.CharField("texte de référence", max_length=500, blank=True)
    starts_on = models.DateField("en vigueur à partir du", null=True, blank=True)
    ends_on = models.DateField("en vigueur jusqu'au", null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "version du cahier des charges"
        verbose_name_plural = "versions du cahier des charges"
        ordering = ["starts_on", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(starts_on__isnull=False, published_at__isnull=False),
                name="version_published_has_start",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__lte=models.F("ends_on")),
                name="version_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"


class Severity(models.TextChoices):
    BLOCKING = "blocking", "Bloquant"
    WARNING = "warning", "Avertissement"


class Criterion(models.Model):
    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField("code", max_length=60)
    kind = models.CharField("type de règle", max_length=60)
    params = models.JSONField("paramètres", default=dict, blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.BLOCKING)
    label = models.CharField("intitulé", max_length=300)
    message_pass = models.CharField("message si respecté", max_length=500)
    message_fail = models.CharField("message si non respecté", max_length=500)
    reference = models.CharField("référence", max_length=500)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "critère"
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="criterion_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.version.code} · {self.code}"


class ConformityReport(models.Model):
    """What the engine said of one declaration against one version. Never updated."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    place = models.ForeignKey(
        "labelling.Place", on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    version = models.ForeignKey(Version, on_delete=models.PROTECT, related_name="reports")
    version_code = models.CharField(max_length=50)
    declaration = models.JSONField()
    results = models.JSONField()
    conform = models.BooleanField()
    checked_at = models.DateTimeField(auto_now_add=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    process = models.CharField("vérifié par le processus", max_length=100, blank=True)
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = "rapport de conformité"
        ordering = ["-checked_at"]
        indexes = [models.Index(fields=["place", "-checked_at"])]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Un rapport de conformité n'est jamais modifié.")
        super().save(*args, **kwargs)
