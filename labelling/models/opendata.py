"""Open data: the identifiers Estampille gives its own places and the files published daily."""

from django.db import models

#: Prefix of the identifiers of places created in Estampille (the national list's ``id_fs`` are
#: numbers: the two can never collide).
IDENTIFIER_PREFIX = "EST-"


class PlaceIdentifier(models.Model):
    """The open-data identifier of a place that the national list does not know (no ``id_fs``):
    ``EST-`` followed by ``number``. The number is an auto-increment key, given once to a place
    and never given again, even after the place is deleted (PostgreSQL sequences and SQLite
    ``AUTOINCREMENT`` never reuse a value)."""

    number = models.BigAutoField(primary_key=True)
    place = models.OneToOneField(
        "labelling.Place", on_delete=models.CASCADE, related_name="public_identifier"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "identifiant de données ouvertes"
        verbose_name_plural = "identifiants de données ouvertes"

    def __str__(self) -> str:
        return self.identifier

    @property
    def identifier(self) -> str:
        return f"{IDENTIFIER_PREFIX}{self.number:06d}"


class OpenDataFormat(models.TextChoices):
    CSV = "csv", "CSV (format de la liste nationale)"
    JSON = "json", "JSON (schémas data·inclusion et des lieux de médiation numérique)"


class OpenDataFile(models.Model):
    """One published export of the places in force, stored under MEDIA_ROOT and served by the
    open-data page (``labelling.opendata.publish_opendata`` writes them every day)."""

    format = models.CharField("format", max_length=10, choices=OpenDataFormat.choices)
    file = models.FileField("fichier", upload_to="opendata/")
    data_date = models.DateField("date des données")
    generated_at = models.DateTimeField("produit le")
    places = models.PositiveIntegerField("lieux")
    size = models.PositiveBigIntegerField("taille en octets")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)

    class Meta:
        verbose_name = "fichier de données ouvertes"
        verbose_name_plural = "fichiers de données ouvertes"
        ordering = ["-generated_at"]
        indexes = [models.Index(fields=["format", "-generated_at"])]

    def __str__(self) -> str:
        return f"{self.get_format_display()} du {self.data_date:%d/%m/%Y}"
