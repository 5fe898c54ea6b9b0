"""The network: porteurs, places (France Services sites) and what a declaration says of them."""

import uuid

from django.db import models
from django.db.models import Q

from labelling.names import NO_ARTICLE, proposed_article
from labelling.validators import validate_siret


class PorteurKind(models.TextChoices):
    COMMUNE = "commune", "Commune"
    EPCI = "epci", "Intercommunalité (EPCI)"
    ASSOCIATION = "association", "Association"
    LA_POSTE = "la_poste", "La Poste"
    ETAT = "etat", "État"
    AUTRE = "autre", "Autre"


class PorteurArticle(models.TextChoices):
    """How the porteur's name reads in the sentences of the official documents."""

    LA = "la", "la (la Communauté de communes du Livradois-Forez)"
    LE = "le", "le (le Syndicat mixte du Parc Livradois-Forez)"
    L = "l'", "l’ (l’Association Familles rurales d’Ambert)"
    LES = "les", "les (les Restos du cœur du Puy-de-Dôme)"
    NONE = (
        NO_ARTICLE,
        "aucun : le nom porte son article ou est un nom propre (La Poste, Les Herbiers, "
        "Emmaüs Ambert)",
    )


class Porteur(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("nature", max_length=20, choices=PorteurKind.choices)
    name = models.CharField("nom", max_length=200)
    article = models.CharField(
        "article devant le nom",
        max_length=3,
        choices=PorteurArticle.choices,
        help_text=(
            "Comment le nom se lit dans les documents officiels : « porté par la Communauté de "
            "communes du Livradois-Forez », « présentée par La Poste »."
        ),
    )
    siret = models.CharField(
        "SIRET", max_length=14, unique=True, null=True, blank=True, validators=[validate_siret]
    )
    address = models.CharField("adresse", max_length=300, blank=True)
    commune = models.ForeignKey(
        "labelling.Commune", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "porteur"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # A porteur created without a chosen article (an invitation, a command) gets the one
        # its name suggests; a person corrects it in the administration.
        if not self.article:
            self.article = proposed_article(self.name)
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "article" not in update_fields:
                kwargs["update_fields"] = [*update_fields, "article"]
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None) -> None:
        # Validated like it is saved: without a chosen article, the one its name suggests.
        if not self.article:
            self.article = proposed_article(self.name)
        super().clean_fields(exclude=exclude)


class Operator(models.Model):
    """A partner operator of the declaration contract (code) with its French name."""

    code = models.CharField("code", max_length=30, primary_key=True)
    name = models.CharField("nom", max_length=200)
    is_national = models.BooleanField("partenaire national", default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "opérateur partenaire"
        verbose_name_plural = "opérateurs partenaires"
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class LabelStatus(models.TextChoices):
    CANDIDATE = "candidate", "En projet"
    LABELLED = "labelled", "Labellisé"
    SUSPENDED = "suspended", "Label suspendu"
    WITHDRAWN = "withdrawn", "Label retiré"


class PlaceKind(models.TextChoices):
    """The place's ``type_fs`` in the national list: an antenne depends on a principal place."""

    PRINCIPAL = "principal", "Principal"
    ANTENNE = "antenne", "Antenne"


class PlaceFormat(models.TextChoices):
    """The place's ``format_fs`` in the national list."""

    FIXE = "fixe", "Fixe"
    MULTISITES = "multisites", "Multisites"
    BUS = "bus", "Bus"
    ITINERANTE = "itinerante", "Itinérante"
    FIXE_ANTENNES = "fixe_antennes", "Fixe avec antennes"


class Place(models.Model):
    """A France Services place (or a MSAP). ``porteur`` is empty for a place imported from the
    national list until its porteur is attached (« porteur à rattacher »): the list names none.
    A place in project always has its porteur (constraint)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    id_fs = models.CharField(
        "identifiant national", max_length=40, unique=True, null=True, blank=True
    )
    name = models.CharField("nom", max_length=200)
    address = models.CharField("adresse", max_length=300, blank=True)
    address_complement = models.CharField("complément d'adresse", max_length=300, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    commune = models.ForeignKey(
        "labelling.Commune", on_delete=models.PROTECT, related_name="places"
    )
    #: The code the place was declared with when it is not the commune's own: a municipal
    #: arrondissement or a commune déléguée of ``commune`` (kept so that what was declared or
    #: imported is given back as written).
    commune_alias = models.ForeignKey(
        "labelling.CommuneAlias",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="places",
        verbose_name="arrondissement, commune déléguée ou ancien code",
    )
    # Denormalised from the commune so that permission and list queries filter on one column.
    departement = models.ForeignKey(
        "labelling.Departement", on_delete=models.PROTECT, related_name="places", editable=False
    )
    latitude = models.DecimalField(
        "latitude", max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        "longitude", max_digits=9, decimal_places=6, null=True, blank=True
    )
    itinerant = models.BooleanField("itinérant", null=True, blank=True)
    kind = models.CharField("type", max_length=20, choices=PlaceKind.choices, blank=True)
    format = models.CharField("format", max_length=20, choices=PlaceFormat.choices, blank=True)
    group = models.CharField("groupe", max_length=200, blank=True)
    email = models.EmailField("adresse électronique de contact", blank=True)
    phone = models.CharField("téléphone", max_length=100, blank=True)
    appointments = models.BooleanField("prise de rendez-vous", null=True, blank=True)
    comment = models.TextField("commentaire", blank=True)
    porteur = models.ForeignKey(
        Porteur, on_delete=models.PROTECT, null=True, blank=True, related_name="places"
    )
    reference_date = models.DateField("date de la déclaration", null=True, blank=True)
    confidential_office = models.BooleanField("bureau de confidentialité", null=True, blank=True)
    digital_space = models.BooleanField("espace numérique", null=True, blank=True)
    accessible_pmr = models.BooleanField("accessible aux PMR", null=True, blank=True)
    label_status = models.CharField(
        "statut du label", max_length=20, choices=LabelStatus.choices, default=LabelStatus.CANDIDATE
    )
    labelled_on = models.DateField("date de la décision", null=True, blank=True)
    label_effective_on = models.DateField("date d'effet du label", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "lieu"
        ordering = ["name"]
        indexes = [
            # The public directory: the places in force inside a bounding box (« près de moi »).
            models.Index(
                fields=["label_status", "latitude", "longitude"], name="place_status_position"
            ),
        ]
        constraints = [
            # A labelled place has the date of its decision, or at least the date of effect of
            # its label (all the national list gives).
            models.CheckConstraint(
                condition=Q(label_status="candidate")
                | Q(labelled_on__isnull=False)
                | Q(label_effective_on__isnull=False),
                name="place_labelled_has_a_date",
            ),
            # Only a place known from the national list may wait for its porteur.
            models.CheckConstraint(
                condition=~Q(label_status="candidate") | Q(porteur__isnull=False),
                name="place_in_project_has_porteur",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.commune_id and not self.departement_id:
            self.departement_id = self.commune.departement_id
        super().save(*args, **kwargs)

    @property
    def label_upcoming(self) -> bool:
        """Labelled, but the label's date of effect is still to come."""
        from django.utils import timezone

        return (
            self.label_status == LabelStatus.LABELLED
            and self.label_effective_on is not None
            and self.label_effective_on > timezone.localdate()
        )

    @property
    def status_label(self) -> str:
        """The status as people read it: « Labellisé » only from the label's date of effect
        (« Labellisé, effet le 01/01/2030 » before)."""
        if self.label_upcoming:
            return f"Labellisé, effet le {self.label_effective_on:%d/%m/%Y}"
        return self.get_label_status_display()

    @property
    def declared_insee_code(self) -> str:
        """The INSEE code as declared: the arrondissement or commune déléguée when there is one,
        else the commune's."""
        return self.commune_alias_id or self.commune_id


class Weekday(models.IntegerChoices):
    MO = 0, "lundi"
    TU = 1, "mardi"
    WE = 2, "mercredi"
    TH = 3, "jeudi"
    FR = 4, "vendredi"
    SA = 5, "samedi"
    SU = 6, "dimanche"


class OpeningInterval(models.Model):
    """One opening interval of the weekly schedule, in minutes since midnight (24:00 = 1440)."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="opening_intervals")
    weekday = models.PositiveSmallIntegerField("jour", choices=Weekday.choices)
    start_minute = models.PositiveSmallIntegerField("début")
    end_minute = models.PositiveSmallIntegerField("fin")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "plage d'ouverture"
        ordering = ["weekday", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_minute__lt=models.F("end_minute")) & Q(end_minute__lte=1440),
                name="opening_interval_start_before_end",
            ),
        ]

    @staticmethod
    def minute_label(minute: int) -> str:
        return f"{minute // 60:02d}:{minute % 60:02d}"

    @property
    def start_label(self) -> str:
        return self.minute_label(self.start_minute)

    @property
    def end_label(self) -> str:
        return self.minute_label(self.end_minute)


class Agent(models.Model):
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="agents")
    name = models.CharField("nom", max_length=200)
    fte = models.DecimalField("ETP", max_digits=4, decimal_places=3)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "agent"
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(condition=Q(fte__gt=0) & Q(fte__lte=1), name="agent_fte_range"),
        ]

    def __str__(self) -> str:
        return self.name


class TrainingKind(models.TextChoices):
    PRIMO_ACCUEIL = "primo_accueil", "Primo-accueil"
    FRANCE_SERVICES_INITIALE = "france_services_initiale", "Formation initiale France Services"
    OPERATEUR = "operateur", "Formation d'un opérateur"


class Training(models.Model):
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="trainings")
    kind = models.CharField("formation", max_length=30, choices=TrainingKind.choices)
    operator_code = models.CharField("opérateur", max_length=30, blank=True)
    completed_on = models.DateField("suivie le")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "formation"
        ordering = ["position"]


class Presence(models.TextChoices):
    ON_SITE = "on_site", "Sur place"
    REMOTE = "remote", "À distance"
    NONE = "none", "Absent"


class OperatorPresence(models.Model):
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="presences")
    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="presences")
    label = models.CharField("nom de l'opérateur local", max_length=200, blank=True)
    presence = models.CharField("présence", max_length=10, choices=Presence.choices)
    convention_signed_on = models.DateField("convention signée le", null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "présence d'un opérateur"
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["place", "operator"],
                condition=~Q(operator="autre"),
                name="presence_one_per_national_operator",
            ),
            models.CheckConstraint(
                condition=~Q(operator="autre") | ~Q(label=""), name="presence_other_has_label"
            ),
        ]


class ConventionStatus(models.TextChoices):
    AWAITED = "awaited", "Attendue"
    SIGNED = "signed", "Signée"
    NATIONAL = "national", "Couverte par un accord national"


class Convention(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="conventions")
    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="conventions")
    status = models.CharField(
        "état", max_length=10, choices=ConventionStatus.choices, default=ConventionStatus.AWAITED
    )
    signed_on = models.DateField("signée le", null=True, blank=True)
    starts_on = models.DateField("début", null=True, blank=True)
    ends_on = models.DateField("fin", null=True, blank=True)
    file = models.FileField("convention signée", upload_to="conventions/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "convention"
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="signed") | Q(signed_on__isnull=False),
                name="convention_signed_has_date",
            ),
        ]
