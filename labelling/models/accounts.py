"""Users sign in with their e-mail; their role decides what they see, scoped by département,
porteur or operator."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    PORTEUR = "porteur", "Porteur"
    INSTRUCTEUR = "instructeur", "Instructeur (préfecture)"
    SIGNATAIRE = "signataire", "Signataire (préfecture)"
    OPERATEUR = "operateur", "Opérateur partenaire"
    NATIONAL = "national", "Agence nationale (ANCT)"
    ADMIN = "admin", "Administrateur"


class EmailUserManager(UserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True, role=Role.ADMIN)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    email = models.EmailField("adresse électronique", unique=True)
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    porteur = models.ForeignKey(
        "labelling.Porteur", on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    departement = models.ForeignKey(
        "labelling.Departement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    operator = models.ForeignKey(
        "labelling.Operator", on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = EmailUserManager()

    class Meta:
        verbose_name = "utilisateur"
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="porteur") | Q(porteur__isnull=False),
                name="user_porteur_has_porteur",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=["instructeur", "signataire"]) | Q(departement__isnull=False),
                name="user_prefecture_has_departement",
            ),
            models.CheckConstraint(
                condition=~Q(role="operateur") | Q(operator__isnull=False),
                name="user_operateur_has_operator",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    # Role properties: permissions read these, never role tuples.
    @property
    def is_porteur(self) -> bool:
        return self.role == Role.PORTEUR and self.porteur_id is not None

    @property
    def is_instructor(self) -> bool:
        return self.role == Role.INSTRUCTEUR and self.departement_id is not None

    @property
    def is_signataire(self) -> bool:
        return self.role == Role.SIGNATAIRE and self.departement_id is not None

    @property
    def is_prefecture(self) -> bool:
        """An agent of the préfecture of `departement` (instructor or signataire)."""
        return self.role in (Role.INSTRUCTEUR, Role.SIGNATAIRE) and self.departement_id is not None

    @property
    def is_operator(self) -> bool:
        return self.role == Role.OPERATEUR and self.operator_id is not None

    @property
    def is_national(self) -> bool:
        return self.role in (Role.NATIONAL, Role.ADMIN)
