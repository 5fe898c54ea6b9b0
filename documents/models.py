"""Official documents (PDF made in the background from a snapshot) and supporting documents
uploaded by porteurs. Files live under MEDIA_ROOT with random names and are only served by
views that check access first.

Who reads a document or a piece is granted on the row itself (guardian group object
permissions, one row per group), from the `Audience` the requesting app gives: see
`documents.permissions`."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from guardian.models import GroupObjectPermissionBase

from documents.codes import new_verification_code


class DocumentKind(models.TextChoices):
    ACCUSE_RECEPTION = "accuse_reception", "Accusé de réception"
    DEMANDE_COMPLEMENTS = "demande_complements", "Demande de compléments"
    RAPPORT_INSTRUCTION = "rapport_instruction", "Rapport d'instruction"
    ARRETE_LABELLISATION = "arrete_labellisation", "Arrêté de labellisation"
    REFUS = "refus", "Décision de refus"
    DECISION_FINANCEMENT = "decision_financement", "Décision de financement"
    MISE_EN_DEMEURE = "mise_en_demeure", "Mise en demeure"
    ARRETE_ABROGATION = "arrete_abrogation", "Arrêté d'abrogation du label"


#: Decisions that can be challenged: their PDF states the "voies et délais de recours".
APPEALABLE_KINDS = frozenset(
    {
        DocumentKind.ARRETE_LABELLISATION,
        DocumentKind.REFUS,
        DocumentKind.DECISION_FINANCEMENT,
        DocumentKind.MISE_EN_DEMEURE,
        DocumentKind.ARRETE_ABROGATION,
    }
)


class DocumentStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    RUNNING = "running", "En cours de production"
    READY = "ready", "Prêt"
    FAILED = "failed", "Échec"


def _random_name(folder: str, extension: str) -> str:
    # 128 random bits: the name tells nothing and cannot be guessed.
    return f"{folder}/{secrets.token_hex(16)}.{extension}"


def document_upload_to(instance: Document, filename: str) -> str:
    return _random_name("documents/officiels", "pdf")


def supporting_upload_to(instance: SupportingDocument, filename: str) -> str:
    extension = instance.extension or "bin"
    return _random_name("documents/pieces", extension)


class DocumentBatch(models.Model):
    """Documents requested together (e.g. the yearly funding decisions of a département)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField("intitulé", max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    total = models.PositiveIntegerField(default=0)
    documents = models.ManyToManyField("Document", related_name="batches", blank=True)

    class Meta:
        verbose_name = "lot de documents"
        verbose_name_plural = "lots de documents"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title or f"Lot du {self.created_at:%d/%m/%Y %H:%M}"


class DocumentQuerySet(models.QuerySet):
    def ready(self):
        return self.filter(status=DocumentStatus.READY)


class Document(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("type", max_length=30, choices=DocumentKind.choices)
    place = models.ForeignKey(
        "labelling.Place", on_delete=models.PROTECT, related_name="official_documents"
    )
    subject_key = models.CharField("objet", max_length=200)
    revision = models.PositiveIntegerField("révision", default=1)
    status = models.CharField(
        "état", max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    context = models.JSONField("données figées", default=dict)
    verification_code = models.CharField(
        "code de vérification", max_length=14, unique=True, default=new_verification_code
    )
    # The number in the préfecture's register (63-2026-LAB-0042), kept by the revisions of one
    # document; empty for documents asked for before registers.
    register_number = models.CharField("numéro d'enregistrement", max_length=30, blank=True)
    sha256 = models.CharField("empreinte SHA-256", max_length=64, blank=True)
    file = models.FileField("fichier", upload_to=document_upload_to, blank=True, max_length=200)
    signed_by_name = models.CharField("signataire", max_length=200, blank=True)
    signed_by_quality = models.CharField("qualité du signataire", max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("demandé le", auto_now_add=True)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)
    ready_at = models.DateTimeField("produit le", null=True, blank=True)
    error = models.TextField("erreur", blank=True)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    # Whether anyone holding the code may check it on the public verification page.
    public_verification = models.BooleanField("vérifiable publiquement", default=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "document officiel"
        verbose_name_plural = "documents officiels"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_key", "revision"], name="document_unique_revision"
            ),
            models.CheckConstraint(
                condition=~Q(status="ready")
                | (~Q(sha256="") & ~Q(file="") & Q(ready_at__isnull=False)),
                name="document_ready_has_file",
            ),
            models.CheckConstraint(condition=Q(revision__gte=1), name="document_revision_positive"),
            models.UniqueConstraint(
                fields=["register_number", "revision"],
                condition=~Q(register_number=""),
                name="document_register_number_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["place", "-created_at"]),
            models.Index(fields=["status", "updated_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.subject_key} (r{self.revision})"

    def save(self, *args, **kwargs):
        if getattr(self, "_loaded_status", None) == DocumentStatus.READY:
            raise ValueError("Un document produit n'est jamais modifié : créez une révision.")
        super().save(*args, **kwargs)
        self._loaded_status = self.status

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_status = instance.__dict__.get("status")
        return instance

    @property
    def is_ready(self) -> bool:
        return self.status == DocumentStatus.READY

    @property
    def is_appealable(self) -> bool:
        return self.kind in APPEALABLE_KINDS


class SupportingDocument(models.Model):
    """A file a porteur (or an instructor) deposited, validated by content before it is kept."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    place = models.ForeignKey(
        "labelling.Place", on_delete=models.PROTECT, related_name="supporting_documents"
    )
    subject_key = models.CharField("objet", max_length=200)
    title = models.CharField("intitulé", max_length=200)
    file = models.FileField("fichier", upload_to=supporting_upload_to, max_length=200)
    original_name = models.CharField("nom d'origine", max_length=255)
    content_type = models.CharField("type", max_length=50)
    extension = models.CharField(max_length=5)
    size = models.PositiveIntegerField("taille (octets)")
    pages = models.PositiveIntegerField("pages", null=True, blank=True)
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField("déposé le", auto_now_add=True)

    class Meta:
        verbose_name = "pièce justificative"
        verbose_name_plural = "pièces justificatives"
        ordering = ["-uploaded_at"]
        indexes = [models.Index(fields=["place", "subject_key"])]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="supporting_not_empty"),
            models.CheckConstraint(
                condition=Q(content_type__in=["application/pdf", "image/jpeg", "image/png"]),
                name="supporting_allowed_type",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DocumentGroupObjectPermission(GroupObjectPermissionBase):
    """Who reads an official document: one row per group of its audience."""

    content_object = models.ForeignKey(Document, on_delete=models.CASCADE)


class SupportingDocumentGroupObjectPermission(GroupObjectPermissionBase):
    """Who reads a supporting document: one row per group of its audience."""

    content_object = models.ForeignKey(SupportingDocument, on_delete=models.CASCADE)


class Prefecture(models.Model):
    """What a préfecture's documents say of it: who the préfet is and by which decree, the
    service that instructs, where and how to reach it. One per département; the documents freeze
    these details when they are asked for (`documents.signatories`)."""

    departement = models.OneToOneField(
        "labelling.Departement", on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    prefet_name = models.CharField("nom du préfet", max_length=200)
    prefet_feminine = models.BooleanField("le préfet est une préfète", default=False)
    prefet_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="compte du préfet",
        help_text="Le préfet signe lui-même, sans délégation, avec ce compte.",
    )
    appointment_decree = models.CharField(
        "décret de nomination",
        max_length=300,
        help_text="Tel qu'il est visé : « le décret du 20 juillet 2023 portant nomination de "
        "M. … en qualité de préfet du Puy-de-Dôme ».",
    )
    secretary_general_feminine = models.BooleanField(
        "le secrétaire général est une secrétaire générale", default=False
    )
    service = models.CharField(
        "service instructeur",
        max_length=200,
        default="Direction de la citoyenneté et de la légalité",
    )
    address = models.CharField("adresse postale du service", max_length=300)
    phone = models.CharField("téléphone du service", max_length=30)
    email = models.EmailField("courriel du service")

    class Meta:
        verbose_name = "préfecture"
        verbose_name_plural = "préfectures"

    def __str__(self) -> str:
        return f"Préfecture ({self.departement_id})"


class SignatureDelegation(models.Model):
    """An arrêté by which the préfet delegates the signature of the label's decisions: without
    one in force, nobody signs « par délégation »."""

    prefecture = models.ForeignKey(Prefecture, on_delete=models.PROTECT, related_name="delegations")
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="signature_delegations",
        verbose_name="délégataire",
    )
    delegate_title = models.CharField(
        "qualité du délégataire",
        max_length=200,
        help_text="Telle qu'elle suit « Pour le préfet et par délégation, » : « la secrétaire "
        "générale de la préfecture ».",
    )
    arrete_number = models.CharField("numéro de l'arrêté de délégation", max_length=60)
    arrete_date = models.DateField("date de l'arrêté de délégation")
    valid_from = models.DateField("en vigueur du")
    valid_until = models.DateField("jusqu'au", null=True, blank=True)

    class Meta:
        verbose_name = "délégation de signature"
        verbose_name_plural = "délégations de signature"
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="delegation_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"Arrêté n° {self.arrete_number} ({self.delegate})"

    def clean(self) -> None:
        super().clean()
        if self.valid_from and self.arrete_date and self.valid_from < self.arrete_date:
            raise ValidationError(
                {
                    "valid_from": "La date d'entrée en vigueur (« en vigueur du ») ne peut pas "
                    "précéder la date de l'arrêté de délégation."
                }
            )


#: The series of the register each kind is numbered in (``63-2026-LAB-0042``).
REGISTER_SERIES = {
    DocumentKind.ACCUSE_RECEPTION: "AR",
    DocumentKind.DEMANDE_COMPLEMENTS: "DC",
    DocumentKind.RAPPORT_INSTRUCTION: "RI",
    DocumentKind.ARRETE_LABELLISATION: "LAB",
    DocumentKind.REFUS: "REF",
    DocumentKind.DECISION_FINANCEMENT: "FIN",
    DocumentKind.MISE_EN_DEMEURE: "MED",
    DocumentKind.ARRETE_ABROGATION: "ABR",
}


class RegisterCounter(models.Model):
    """The last number given in a préfecture's register of one kind for one year. Taken under a
    row lock in the transaction that creates the document: a rolled-back request gives its
    number back, so the register has no gap."""

    departement = models.CharField("département", max_length=3)
    series = models.CharField("série", max_length=5)
    year = models.PositiveSmallIntegerField("année")
    last = models.PositiveIntegerField("dernier numéro", default=0)

    class Meta:
        verbose_name = "registre des actes"
        verbose_name_plural = "registres des actes"
        constraints = [
            models.UniqueConstraint(
                fields=["departement", "series", "year"], name="register_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.departement}-{self.year}-{self.series} : {self.last}"
