"""Impact studies: a draft version checked against every place, in the background."""

import uuid

from django.conf import settings
from django.db import models


class ImpactStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    RUNNING = "running", "En cours"
    DONE = "done", "Terminée"
    FAILED = "failed", "Échec"


class ImpactRun(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.ForeignKey(
        "labelling.Version", on_delete=models.CASCADE, related_name="impact_runs"
    )
    status = models.CharField(
        "état", max_length=10, choices=ImpactStatus.choices, default=ImpactStatus.PENDING
    )
    total = models.PositiveIntegerField("lieux à vérifier", default=0)
    processed = models.PositiveIntegerField("lieux vérifiés", default=0)
    results = models.JSONField("résultats", null=True, blank=True)
    error = models.TextField("erreur", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "étude d'impact"
        verbose_name_plural = "études d'impact"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Impact de {self.version.code} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == ImpactStatus.DONE:
            return 100
        return int(100 * self.processed / self.total) if self.total else 0
