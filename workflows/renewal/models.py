"""The yearly review of a labelled place, and its journal (append-only).

One review per place and year (`open_campaign` creates them in bulk). The declaration the
porteur answers with is kept on the review (`declaration`, pre-filled from the place when the
porteur first opens it); the place itself changes only when the review is renewed."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from workflows.journal import JournalEntryBase

JOURNAL_TABLE = "renewal_journalentry"
JOURNAL_MESSAGE = (
    "Le journal des revues annuelles est en ajout seul : modification et suppression refusées."
)


class ReviewState(models.TextChoices):
    OPEN = "a_remplir", "À remplir par le porteur"
    SUBMITTED = "deposee", "Déposée — à instruire"
    NOTICE = "mise_en_demeure", "Mise en demeure en cours"
    RECHECK = "a_reexaminer", "À réexaminer"
    SUSPENDED = "suspendue", "Label suspendu"
    TO_SIGN = "abrogation_a_signer", "Abrogation à signer"
    RENEWED = "renouvelee", "Label renouvelé"
    ABROGATED = "abrogee", "Label abrogé"


OPEN_REVIEW_STATES = (
    ReviewState.OPEN,
    ReviewState.SUBMITTED,
    ReviewState.NOTICE,
    ReviewState.RECHECK,
    ReviewState.SUSPENDED,
    ReviewState.TO_SIGN,
)
CLOSED_REVIEW_STATES = (ReviewState.RENEWED, ReviewState.ABROGATED)


class Review(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    place = models.ForeignKey("labelling.Place", on_delete=models.PROTECT, related_name="reviews")
    year = models.PositiveSmallIntegerField("année")
    # Denormalised from the place so that the préfecture's queue filters on one column.
    departement = models.ForeignKey(
        "labelling.Departement", on_delete=models.PROTECT, related_name="reviews"
    )
    state = models.CharField(
        "étape", max_length=20, choices=ReviewState.choices, default=ReviewState.OPEN
    )
    review_date = models.DateField("date de la revue")
    # The version in force on the review date (what the place is checked against) and the one
    # it was labelled under (for the changes between them).
    version_code = models.CharField("version du cahier des charges", max_length=50)
    label_version_code = models.CharField("version du label", max_length=50, blank=True)

    # What the porteur answers: the declaration (None until first opened: the place's own).
    declaration = models.JSONField("déclaration de la revue", null=True, blank=True)
    unchanged = models.BooleanField("rien à changer", null=True, blank=True)
    activity_confirmed = models.BooleanField("activité de l'année confirmée", default=False)
    submitted_at = models.DateTimeField("déposée le", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reminders_sent = models.PositiveSmallIntegerField("relances envoyées", default=0)

    conformity_report = models.ForeignKey(
        "labelling.ConformityReport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    conform = models.BooleanField("conforme", null=True, blank=True)
    failed_criteria = models.JSONField("critères non remplis", default=list, blank=True)

    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="instructeur",
    )
    stage_deadline = models.DateField("échéance de l'étape", null=True, blank=True)

    # Mise en demeure.
    notice_reasons = models.TextField("ce qu'il faut corriger", blank=True)
    notice_criteria = models.JSONField("critères à corriger", default=list, blank=True)
    notice_deadline = models.DateField("délai de la mise en demeure", null=True, blank=True)
    notice_issued_at = models.DateTimeField("mise en demeure le", null=True, blank=True)
    notice_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    woken_at = models.DateTimeField("réexaminée à l'échéance le", null=True, blank=True)

    # Suspension, abrogation, renewal.
    suspension_reasons = models.TextField("motifs de la suspension", blank=True)
    abrogation_reasons = models.TextField("motifs de l'abrogation", blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_on = models.DateField("date de la décision", null=True, blank=True)
    decision_comment = models.TextField("commentaire de la décision", blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "revue annuelle"
        verbose_name_plural = "revues annuelles"
        ordering = ["-year", "place__name"]
        indexes = [
            models.Index(fields=["departement", "state"]),
            models.Index(fields=["state", "stage_deadline"]),
            models.Index(fields=["year", "state"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["place", "year"], name="review_one_per_place_year"),
            models.CheckConstraint(
                condition=~Q(state="mise_en_demeure")
                | (
                    Q(notice_deadline__isnull=False, notice_by__isnull=False)
                    & ~Q(notice_reasons="")
                ),
                name="review_notice_has_deadline_and_reasons",
            ),
            models.CheckConstraint(
                condition=~Q(state="suspendue") | ~Q(suspension_reasons=""),
                name="review_suspension_is_motivated",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["abrogation_a_signer", "abrogee"])
                | (Q(proposed_by__isnull=False) & ~Q(abrogation_reasons="")),
                name="review_abrogation_is_proposed_and_motivated",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["renouvelee", "abrogee"])
                | Q(decided_by__isnull=False, decided_on__isnull=False),
                name="review_decided_has_author",
            ),
            models.CheckConstraint(
                condition=~Q(state="abrogee")
                | Q(decided_by__isnull=True)
                | ~Q(decided_by=F("proposed_by")),
                name="review_signatory_is_not_proposer",
            ),
        ]

    def __str__(self) -> str:
        return f"Revue {self.year} — {self.place}"

    @property
    def reference(self) -> str:
        return f"R{self.year}-" + str(self.pk).split("-")[0].upper()

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_REVIEW_STATES


class ReviewAction(models.TextChoices):
    OPEN = "open", "Revue ouverte"
    EDIT = "edit", "Déclaration mise à jour"
    SUBMIT = "submit", "Revue déposée"
    CONFIRM = "confirm", "Rien à changer : revue déposée"
    REMIND = "remind", "Relance du porteur"
    ASSIGN = "assign", "Attribution"
    MESSAGE = "message", "Message"
    RENEW = "renew", "Label renouvelé"
    NOTICE = "notice", "Mise en demeure"
    COMPLY = "comply", "Corrections signalées par le porteur"
    WAKE = "wake", "Échéance de la mise en demeure : revue réexaminée"
    SUSPEND = "suspend", "Label suspendu"
    PROPOSE_ABROGATION = "propose_abrogation", "Abrogation proposée"
    SIGN_ABROGATION = "sign_abrogation", "Abrogation signée"
    RETURN_ABROGATION = "return_abrogation", "Proposition d'abrogation renvoyée"


class JournalEntry(JournalEntryBase):
    """Append-only: the database refuses UPDATE and DELETE on this table (migration 0001, the
    same triggers as the application's journal, `workflows.journal_triggers`)."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="journal")
    from_state = models.CharField("étape de départ", max_length=20, choices=ReviewState.choices)
    to_state = models.CharField("étape d'arrivée", max_length=20, choices=ReviewState.choices)
    action = models.CharField("action", max_length=30, choices=ReviewAction.choices)
    private = models.BooleanField(default=False)

    class Meta(JournalEntryBase.Meta):
        verbose_name = "entrée du journal des revues"
        verbose_name_plural = "journal des revues"


class ReviewMessage(models.Model):
    """A message between the porteur and the préfecture about a review."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    body = models.TextField("message")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "message d'une revue"
        ordering = ["created_at"]


class ReviewDocument(models.Model):
    """An official document a review produced (mise en demeure, arrêté d'abrogation)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("type", max_length=40)
    title = models.CharField("titre", max_length=200)
    document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "document d'une revue"
        ordering = ["created_at", "id"]
