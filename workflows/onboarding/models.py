"""An invitation to attach a porteur to a place, and its journal (append-only).

The link sent by e-mail carries a token that only its hash identifies here (`token_hash`, see
`workflows.onboarding.tokens`). What the invitee declares when accepting (SIRET, porteur, names,
password hash) waits on the invitation until the préfecture confirms: nothing of the porteur's
accounts or rights exists before that (an unverified person never reaches an existing porteur's
places)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from labelling.models import PorteurArticle, PorteurKind
from workflows.journal import JournalEntryBase

JOURNAL_TABLE = "onboarding_journalentry"
JOURNAL_MESSAGE = (
    "Le journal des rattachements est en ajout seul : modification et suppression refusées."
)


class InvitationState(models.TextChoices):
    SENT = "envoyee", "Envoyée, en attente du porteur"
    TO_CONFIRM = "a_confirmer", "Rattachement à confirmer par la préfecture"
    CONFIRMED = "confirmee", "Rattachement confirmé"
    REFUSED = "refusee", "Rattachement refusé"
    REVOKED = "annulee", "Invitation annulée"


OPEN_INVITATION_STATES = (InvitationState.SENT, InvitationState.TO_CONFIRM)


class Invitation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    place = models.ForeignKey(
        "labelling.Place", on_delete=models.PROTECT, related_name="invitations"
    )
    # Denormalised from the place so that the préfecture's list filters on one column.
    departement = models.ForeignKey(
        "labelling.Departement", on_delete=models.PROTECT, related_name="invitations"
    )
    email = models.EmailField("adresse invitée")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The form's idempotency key: a second post of the same form finds this invitation.
    request_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    state = models.CharField(
        "état", max_length=20, choices=InvitationState.choices, default=InvitationState.SENT
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("envoyée le", auto_now_add=True)
    expires_at = models.DateTimeField("expire le")

    # What the invitee declares when accepting.
    siret = models.CharField("SIRET déclaré", max_length=14, blank=True)
    porteur_name = models.CharField("nom du porteur déclaré", max_length=200, blank=True)
    porteur_kind = models.CharField(
        "nature du porteur déclarée", max_length=20, choices=PorteurKind.choices, blank=True
    )
    porteur_article = models.CharField(
        "article devant le nom du porteur", max_length=3, choices=PorteurArticle.choices, blank=True
    )
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    # The password chosen for a new account (Django's hash), cleared once decided.
    password_hash = models.CharField(max_length=128, blank=True, editable=False)
    # The account that accepted, when the address already had one.
    existing_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="compte existant",
    )
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)

    # The decision of the préfecture.
    porteur = models.ForeignKey(
        "labelling.Porteur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="porteur rattaché",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="compte du porteur",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField("décidé le", null=True, blank=True)
    refusal_reason = models.TextField("motif du refus", blank=True)

    class Meta:
        verbose_name = "invitation d'un porteur"
        verbose_name_plural = "invitations des porteurs"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["departement", "state"])]
        constraints = [
            # One invitation at a time per place: a new one replaces a pending one, and none
            # may be sent while an attachment waits for the préfecture.
            models.UniqueConstraint(
                fields=["place"],
                condition=Q(state__in=["envoyee", "a_confirmer"]),
                name="invitation_one_open_per_place",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["envoyee", "annulee"])
                | (Q(accepted_at__isnull=False) & ~Q(siret="")),
                name="invitation_accepted_has_siret",
            ),
            models.CheckConstraint(
                condition=~Q(state="confirmee")
                | Q(porteur__isnull=False, user__isnull=False, decided_by__isnull=False),
                name="invitation_confirmed_has_porteur_and_account",
            ),
            models.CheckConstraint(
                condition=~Q(state="refusee")
                | (Q(decided_by__isnull=False) & ~Q(refusal_reason="")),
                name="invitation_refusal_is_motivated",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation {self.reference} — {self.place}"

    @property
    def reference(self) -> str:
        return str(self.pk).split("-")[0].upper()

    @property
    def porteur_in_sentence(self) -> str:
        """The declared porteur as the documents will name it (« la Communauté de communes … »),
        with the article chosen, or the one its name suggests."""
        from documents.french import with_article
        from labelling.names import NO_ARTICLE, proposed_article

        article = self.porteur_article or proposed_article(self.porteur_name)
        return with_article(self.porteur_name, "" if article == NO_ARTICLE else article)


class OnboardingAction(models.TextChoices):
    INVITE = "invite", "Invitation envoyée"
    ACCEPT = "accept", "Invitation acceptée"
    CONFIRM = "confirm", "Rattachement confirmé"
    REFUSE = "refuse", "Rattachement refusé"
    REVOKE = "revoke", "Invitation annulée"


class JournalEntry(JournalEntryBase):
    """Append-only: the database refuses UPDATE and DELETE on this table (migration 0001, the
    same triggers as the application's journal, `workflows.journal_triggers`)."""

    invitation = models.ForeignKey(Invitation, on_delete=models.PROTECT, related_name="journal")
    from_state = models.CharField("état de départ", max_length=20, choices=InvitationState.choices)
    to_state = models.CharField("état d'arrivée", max_length=20, choices=InvitationState.choices)
    action = models.CharField("action", max_length=20, choices=OnboardingAction.choices)

    class Meta(JournalEntryBase.Meta):
        verbose_name = "entrée du journal des rattachements"
        verbose_name_plural = "journal des rattachements"
