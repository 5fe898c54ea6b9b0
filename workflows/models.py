"""The label application (dossier de candidature) and what its instruction produces.

Its state changes through the transitions of `workflows.lifecycle` only (fired by
`workflows.services`); the stages, their deadlines and who acts in each are declared there."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from workflows.journal import JournalEntryBase


class State(models.TextChoices):
    DRAFT = "brouillon", "Brouillon"
    SUBMITTED = "depose", "Déposé — complétude à vérifier"
    INCOMPLETE = "a_completer", "À compléter par le porteur"
    INSTRUCTION = "instruction", "En instruction"
    CONVENTIONS = "conventions", "Conventions en cours"
    PROPOSAL = "proposition", "Proposition à rédiger"
    DECISION = "decision", "En attente de signature"
    LABELLED = "labellise", "Labellisé"
    REFUSED = "refuse", "Refusé"
    WITHDRAWN = "sans_suite", "Sans suite (retrait du porteur)"
    CLOSED = "clos", "Clos (dossier abandonné)"


OPEN_STATES = (
    State.DRAFT,
    State.SUBMITTED,
    State.INCOMPLETE,
    State.INSTRUCTION,
    State.CONVENTIONS,
    State.PROPOSAL,
    State.DECISION,
)


class Outcome(models.TextChoices):
    LABEL = "label", "Labelliser"
    REFUSE = "refuse", "Refuser"


class Application(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    porteur = models.ForeignKey(
        "labelling.Porteur", on_delete=models.PROTECT, related_name="applications"
    )
    # Null until the porteur fills in the place step, which creates the place.
    place = models.ForeignKey(
        "labelling.Place",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    # Denormalised from the place so that queues filter on one indexed column.
    departement = models.ForeignKey(
        "labelling.Departement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField("étape", max_length=20, choices=State.choices, default=State.DRAFT)
    revision = models.PositiveSmallIntegerField("révision", default=1)
    version_code = models.CharField("version du cahier des charges", max_length=50)

    draft_declaration = models.JSONField("déclaration en cours", default=dict, blank=True)
    completed_steps = models.JSONField("étapes remplies", default=list, blank=True)
    submitted_snapshot = models.JSONField("instantané du dépôt", null=True, blank=True)
    # The declaration the instruction works on: the snapshot's, with the instructor's corrections.
    instructed_declaration = models.JSONField("déclaration instruite", null=True, blank=True)
    conformity_report = models.ForeignKey(
        "labelling.ConformityReport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    conform = models.BooleanField("conforme", null=True, blank=True)
    non_conformity_justification = models.TextField(
        "justification de la non-conformité", blank=True
    )
    first_submitted_at = models.DateTimeField("premier dépôt", null=True, blank=True)
    submitted_at = models.DateTimeField("dernier dépôt", null=True, blank=True)

    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_applications",
        verbose_name="instructeur",
    )
    stage_started_at = models.DateTimeField("début de l'étape", null=True, blank=True)
    stage_deadline = models.DateField("échéance de l'étape", null=True, blank=True)
    # While the file is "à compléter", the clock stops: what was left is kept here.
    paused_remaining_days = models.IntegerField("jours restants (horloge arrêtée)", null=True)
    # The instruction runs the review of the criteria and the consultation side by side: each
    # ends with one of these facts, and the file moves on when both are recorded.
    review_finished_at = models.DateTimeField("critères appréciés le", null=True, blank=True)
    opinions_closed_at = models.DateTimeField("consultation close le", null=True, blank=True)

    proposed_outcome = models.CharField(
        "proposition", max_length=10, choices=Outcome.choices, blank=True
    )
    proposal_reasons = models.TextField("motifs de la proposition", blank=True)
    refusal_criteria = models.JSONField("critères non remplis", default=list, blank=True)
    proposed_effective_on = models.DateField("date d'effet proposée", null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_at = models.DateTimeField(null=True, blank=True)

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_on = models.DateField("date de la décision", null=True, blank=True)
    effective_on = models.DateField("date d'effet", null=True, blank=True)
    decision_reasons = models.TextField("motifs de la décision", blank=True)
    closing_reason = models.TextField("motif de clôture", blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "candidature"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["departement", "state"]),
            models.Index(fields=["state", "stage_deadline"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=[State.DRAFT, State.WITHDRAWN])
                | Q(
                    place__isnull=False,
                    departement__isnull=False,
                    submitted_snapshot__isnull=False,
                    submitted_at__isnull=False,
                    first_submitted_at__isnull=False,
                ),
                name="application_submitted_has_snapshot",
            ),
            models.CheckConstraint(
                condition=~Q(state=State.DRAFT) | Q(first_submitted_at__isnull=True),
                name="application_draft_never_submitted",
            ),
            models.CheckConstraint(
                condition=~Q(state=State.INCOMPLETE) | Q(paused_remaining_days__isnull=False),
                name="application_incomplete_clock_paused",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[State.DECISION, State.LABELLED, State.REFUSED])
                | (
                    ~Q(proposed_outcome="") & Q(proposed_by__isnull=False) & ~Q(proposal_reasons="")
                ),
                name="application_decision_has_proposal",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[State.LABELLED, State.REFUSED])
                | Q(decided_by__isnull=False, decided_on__isnull=False),
                name="application_decided_has_signatory",
            ),
            models.CheckConstraint(
                condition=~Q(state=State.LABELLED)
                | Q(proposed_outcome=Outcome.LABEL, effective_on__isnull=False),
                name="application_labelled_has_effect_date",
            ),
            models.CheckConstraint(
                condition=~Q(state=State.REFUSED)
                | (Q(proposed_outcome=Outcome.REFUSE) & ~Q(decision_reasons="")),
                name="application_refused_is_motivated",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("proposed_by")),
                name="application_signatory_is_not_proposer",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[State.WITHDRAWN, State.CLOSED]) | ~Q(closing_reason=""),
                name="application_closed_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Candidature {self.reference} — {self.site_name}"

    @property
    def reference(self) -> str:
        return str(self.pk).split("-")[0].upper()

    @property
    def site_name(self) -> str:
        if self.place_id and self.place:
            return self.place.name
        return (self.draft_declaration.get("site") or {}).get("name") or "Lieu à préciser"

    @property
    def state_label(self) -> str:
        """The stage as people read it: a labelled file before its date of effect says so
        (« Labellisé, effet le 01/01/2030 »)."""
        from django.utils import timezone

        if (
            self.state == State.LABELLED
            and self.effective_on is not None
            and self.effective_on > timezone.localdate()
        ):
            return f"Labellisé, effet le {self.effective_on:%d/%m/%Y}"
        return self.get_state_display()

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def declaration(self) -> dict:
        """The declaration the préfecture works on."""
        if self.instructed_declaration is not None:
            return self.instructed_declaration
        if self.submitted_snapshot:
            return self.submitted_snapshot["declaration"]
        return self.draft_declaration


class Verdict(models.TextChoices):
    PASS = "pass", "Respecté"
    FAIL = "fail", "Non respecté"
    WARNING = "warning", "Avertissement"


class CriterionReview(models.Model):
    """The instructor's verdict on one criterion. Overriding the automatic result needs a
    justification, kept with the verdict (and each change is in the journal)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    revision = models.PositiveSmallIntegerField()
    criterion_code = models.CharField("critère", max_length=60)
    automatic_status = models.CharField(
        "résultat automatique", max_length=10, choices=Verdict.choices
    )
    verdict = models.CharField("appréciation", max_length=10, choices=Verdict.choices)
    comment = models.TextField("commentaire", blank=True)
    override_justification = models.TextField("justification de l'écart", blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "appréciation d'un critère"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "revision", "criterion_code"],
                name="review_one_per_criterion",
            ),
            models.CheckConstraint(
                condition=Q(verdict=F("automatic_status")) | ~Q(override_justification=""),
                name="review_override_is_justified",
            ),
        ]

    @property
    def overridden(self) -> bool:
        return self.verdict != self.automatic_status


class PrivateNote(models.Model):
    """A note of the préfecture, never shown to the porteur."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="private_notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    body = models.TextField("note")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "note privée"
        ordering = ["created_at"]


class OpinionKind(models.TextChoices):
    SOUS_PREFET = "sous_prefet", "Sous-préfet"
    CONSEIL_DEPARTEMENTAL = "conseil_departemental", "Conseil départemental"
    OPERATEUR = "operateur", "Opérateur partenaire"
    AUTRE = "autre", "Autre"


class Opinion(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="opinions")
    kind = models.CharField("consulté", max_length=30, choices=OpinionKind.choices)
    operator = models.ForeignKey(
        "labelling.Operator", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    addressee = models.CharField("destinataire", max_length=200)
    addressee_email = models.EmailField("adresse électronique du destinataire")
    question = models.TextField("question posée")
    due_on = models.DateField("date limite")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField("avis", blank=True)
    favourable = models.BooleanField("avis favorable", null=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reminded_at = models.DateTimeField("relancé le", null=True, blank=True)
    # What the instructor chose to show the consulted partner operator (it reads nothing else).
    shared_documents = models.ManyToManyField(
        "ApplicationDocument",
        blank=True,
        related_name="shared_with",
        verbose_name="documents partagés avec l'opérateur",
    )

    class Meta:
        verbose_name = "avis"
        verbose_name_plural = "avis"
        ordering = ["requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True)
                | (~Q(answer="") & Q(favourable__isnull=False)),
                name="opinion_answer_complete",
            ),
            models.CheckConstraint(
                condition=~Q(kind=OpinionKind.OPERATEUR) | Q(operator__isnull=False),
                name="opinion_operator_named",
            ),
        ]

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class TrackingStatus(models.TextChoices):
    AWAITED = "awaited", "Attendue"
    RECEIVED = "received", "Reçue, à valider"
    SIGNED = "signed", "Signée et validée"
    NATIONAL = "national", "Couverte par un accord national"


class ConventionTracking(models.Model):
    """One national partner required by the version, and where its convention stands."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="convention_trackings"
    )
    operator = models.ForeignKey("labelling.Operator", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        "état", max_length=10, choices=TrackingStatus.choices, default=TrackingStatus.AWAITED
    )
    signed_on = models.DateField("signée le", null=True, blank=True)
    piece = models.ForeignKey(
        "documents.SupportingDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="convention signée (pièce)",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "suivi de convention"
        ordering = ["operator__position", "operator__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "operator"], name="tracking_one_per_operator"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["received", "signed"])
                | Q(signed_on__isnull=False, piece__isnull=False),
                name="tracking_signed_has_document",
            ),
            models.CheckConstraint(
                condition=~Q(status="signed") | Q(validated_by__isnull=False),
                name="tracking_signed_is_validated",
            ),
        ]


class Message(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    body = models.TextField("message")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "message"
        ordering = ["created_at"]


class DocumentRole(models.TextChoices):
    SUPPORTING = "supporting", "Pièce justificative"
    MESSAGE = "message", "Pièce jointe à un message"
    CONVENTION = "convention", "Convention signée"
    GENERATED = "generated", "Document produit"


class ApplicationDocument(models.Model):
    """A document of the documents app attached to an application (kept across revisions): an
    official document it produced, or a piece (supporting document, attachment, convention)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    revision = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=12, choices=DocumentRole.choices)
    kind = models.CharField("type", max_length=40, blank=True)
    title = models.CharField("titre", max_length=200)
    # The first revision asked for; a regenerated one is found by its kind and subject.
    document = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="document produit",
    )
    piece = models.ForeignKey(
        "documents.SupportingDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="pièce",
    )
    message = models.ForeignKey(
        Message, on_delete=models.PROTECT, null=True, blank=True, related_name="attachments"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "document du dossier"
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="message") | Q(message__isnull=False),
                name="attachment_has_message",
            ),
            models.CheckConstraint(
                condition=(Q(role="generated") & Q(document__isnull=False, piece__isnull=True))
                | (~Q(role="generated") & Q(document__isnull=True, piece__isnull=False)),
                name="application_document_is_a_document_or_a_piece",
            ),
        ]


class DeclarationCorrection(models.Model):
    """An instructor's correction of one declared value; both values and the reason are kept."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="corrections"
    )
    revision = models.PositiveSmallIntegerField()
    path = models.CharField("champ", max_length=100)
    porteur_value = models.JSONField("valeur déclarée", null=True)
    corrected_value = models.JSONField("valeur corrigée", null=True)
    reason = models.TextField("motif")
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    corrected_at = models.DateTimeField(auto_now_add=True)
    conformity_report = models.ForeignKey(
        "labelling.ConformityReport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "correction de la déclaration"
        ordering = ["corrected_at", "id"]


class Action(models.TextChoices):
    CREATE = "create", "Création du brouillon"
    SUBMIT = "submit", "Dépôt"
    RESUBMIT = "resubmit", "Nouveau dépôt après compléments"
    COMPLETE = "complete", "Dossier déclaré complet"
    REQUEST_MORE = "request_more", "Demande de compléments"
    REVIEW = "review", "Appréciation d'un critère"
    CORRECT = "correct", "Correction de la déclaration"
    REQUEST_OPINION = "request_opinion", "Demande d'avis"
    RECORD_OPINION = "record_opinion", "Avis reçu"
    REMIND_OPINION = "remind_opinion", "Relance d'un avis"
    CLOSE_OPINIONS = "close_opinions", "Consultation close"
    FINISH_REVIEW = "finish_review", "Instruction des critères terminée"
    CONVENTION = "convention", "Suivi d'une convention"
    FINISH_CONVENTIONS = "finish_conventions", "Conventions réunies"
    PROPOSE = "propose", "Proposition"
    SIGN = "sign", "Décision signée"
    RETURN_PROPOSAL = "return_proposal", "Proposition renvoyée à l'instructeur"
    WITHDRAW = "withdraw", "Retrait du porteur"
    CLOSE = "close", "Clôture"
    REOPEN = "reopen", "Réouverture"
    ASSIGN = "assign", "Attribution"
    MESSAGE = "message", "Message"


class JournalEntry(JournalEntryBase):
    """Append-only: the database refuses UPDATE and DELETE on this table (see migration 0002)."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="journal", db_constraint=True
    )
    revision = models.PositiveSmallIntegerField()
    from_state = models.CharField("étape de départ", max_length=20, choices=State.choices)
    to_state = models.CharField("étape d'arrivée", max_length=20, choices=State.choices)
    action = models.CharField("action", max_length=20, choices=Action.choices)
    # Private entries (notes, reviews, corrections details) are never shown to porteurs.
    private = models.BooleanField(default=False)

    class Meta(JournalEntryBase.Meta):
        verbose_name = "entrée du journal"
        verbose_name_plural = "journal"


class NotificationLog(models.Model):
    """One row per e-mail sent, keyed so that a retried task never sends twice."""

    key = models.CharField(max_length=200, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.JSONField(default=list)

    class Meta:
        verbose_name = "notification envoyée"
