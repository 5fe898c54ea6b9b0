"""Territories of the Code officiel géographique, loaded from a vendored file by a data migration."""

from django.db import models


class Region(models.Model):
    code = models.CharField("code", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)

    class Meta:
        verbose_name = "région"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


#: The pseudo-région that groups the collectivités d'outre-mer listed among the départements.
COLLECTIVITES_REGION_CODE = "COM"


class DepartementKind(models.TextChoices):
    DEPARTEMENT = "departement", "département"
    COLLECTIVITE = "collectivite", "collectivité d'outre-mer"


class Departement(models.Model):
    """A département, or a collectivité d'outre-mer (Saint-Martin, 978…) listed as one: it has
    its own code, communes and representative of the State, and belongs to the pseudo-région
    « Collectivités d'outre-mer » (code ``COM``)."""

    code = models.CharField("code", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")
    kind = models.CharField(
        "nature",
        max_length=20,
        choices=DepartementKind.choices,
        default=DepartementKind.DEPARTEMENT,
    )

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class EPCI(models.Model):
    siren = models.CharField("SIREN", max_length=9, primary_key=True)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("nature", max_length=10)

    class Meta:
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    insee_code = models.CharField("code INSEE", max_length=5, primary_key=True)
    name = models.CharField("nom", max_length=100)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    epci = models.ForeignKey(
        EPCI, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes"
    )
    population = models.PositiveIntegerField("population", null=True, blank=True)
    postal_codes = models.CharField("codes postaux", max_length=200, blank=True)
    #: The name without accents, case or punctuation, for prefix search (see
    #: ``labelling.territories.search_key``).
    search_name = models.CharField(
        "nom pour la recherche", max_length=100, blank=True, db_index=True, editable=False
    )

    class Meta:
        verbose_name = "commune"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.insee_code})"

    @property
    def postal_code_list(self) -> list[str]:
        return self.postal_codes.split()


class CommuneAliasKind(models.TextChoices):
    ARRONDISSEMENT = "arrondissement_municipal", "arrondissement municipal"
    DELEGUEE = "commune_deleguee", "commune déléguée"
    ASSOCIEE = "commune_associee", "commune associée"
    ANCIENNE = "ancienne_commune", "ancienne commune"


class CommuneAlias(models.Model):
    """A code of the Code officiel géographique that designates a current commune without being
    one: a municipal arrondissement (13203 → Marseille 13055), a commune déléguée or associée
    (93059 → Saint-Denis 93066), or the former code of a merged commune."""

    code = models.CharField("code INSEE", max_length=5, primary_key=True)
    name = models.CharField("nom", max_length=100, blank=True)
    kind = models.CharField("nature", max_length=30, choices=CommuneAliasKind.choices)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="aliases")
    postal_codes = models.CharField("codes postaux", max_length=200, blank=True)
    search_name = models.CharField(
        "nom pour la recherche", max_length=100, blank=True, db_index=True, editable=False
    )

    class Meta:
        verbose_name = "ancien code ou subdivision de commune"
        verbose_name_plural = "anciens codes et subdivisions de communes"
        ordering = ["code"]

    def __str__(self) -> str:
        label = self.name or f"ancien code {self.code}"
        return f"{label} ({self.get_kind_display()} de {self.commune.name})"
