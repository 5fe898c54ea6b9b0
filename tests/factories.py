"""Factories for every model of the domain. Users get their groups like in the app (signal)."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from labelling import models
from labelling.models.network import LabelStatus, Presence, TrainingKind


def commune(insee_code: str) -> models.Commune:
    return models.Commune.objects.get(pk=insee_code)


class PorteurFactory(DjangoModelFactory):
    class Meta:
        model = models.Porteur

    kind = "commune"
    name = factory.Sequence(lambda n: f"Commune porteuse {n}")
    siret = None


class PlaceFactory(DjangoModelFactory):
    class Meta:
        model = models.Place
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"France Services n° {n}")
    commune = factory.LazyFunction(lambda: commune("63113"))
    porteur = factory.SubFactory(PorteurFactory)
    label_status = LabelStatus.CANDIDATE


class LabelledPlaceFactory(PlaceFactory):
    label_status = LabelStatus.LABELLED
    labelled_on = datetime.date(2020, 1, 1)
    label_effective_on = datetime.date(2020, 1, 1)


class OpeningIntervalFactory(DjangoModelFactory):
    class Meta:
        model = models.OpeningInterval

    place = factory.SubFactory(PlaceFactory)
    weekday = 0
    start_minute = 9 * 60
    end_minute = 12 * 60


class AgentFactory(DjangoModelFactory):
    class Meta:
        model = models.Agent

    place = factory.SubFactory(PlaceFactory)
    name = factory.Faker("name", locale="fr_FR")
    fte = Decimal("1.0")


class TrainingFactory(DjangoModelFactory):
    class Meta:
        model = models.Training

    agent = factory.SubFactory(AgentFactory)
    kind = TrainingKind.FRANCE_SERVICES_INITIALE
    completed_on = datetime.date(2021, 3, 1)


class OperatorPresenceFactory(DjangoModelFactory):
    class Meta:
        model = models.OperatorPresence

    place = factory.SubFactory(PlaceFactory)
    operator = factory.LazyFunction(lambda: models.Operator.objects.get(pk="caf"))
    presence = Presence.REMOTE


class ConventionFactory(DjangoModelFactory):
    class Meta:
        model = models.Convention

    place = factory.SubFactory(PlaceFactory)
    operator = factory.LazyFunction(lambda: models.Operator.objects.get(pk="caf"))


class VersionFactory(DjangoModelFactory):
    class Meta:
        model = models.Version

    code = factory.Sequence(lambda n: f"version-{n}")
    title = factory.Sequence(lambda n: f"Version d'essai {n}")


class CriterionFactory(DjangoModelFactory):
    class Meta:
        model = models.Criterion

    version = factory.SubFactory(VersionFactory)
    code = factory.Sequence(lambda n: f"critere.{n}")
    kind = "min_weekly_hours"
    params = factory.LazyFunction(lambda: {"minutes": 1440})
    label = "Ouverture hebdomadaire"
    message_pass = "Ouverture suffisante."
    message_fail = "Ouverture insuffisante."
    reference = "Cahier des charges"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = models.User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"utilisateur{n}@example.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    role = models.Role.NATIONAL
    password = factory.django.Password("mot-de-passe-solide")


class PorteurUserFactory(UserFactory):
    role = models.Role.PORTEUR
    porteur = factory.SubFactory(PorteurFactory)


class InstructeurFactory(UserFactory):
    """An instructor of the préfecture; like the bureau's head, they hold a delegation of
    signature for the letters that need one (a mise en demeure)."""

    role = models.Role.INSTRUCTEUR
    departement = factory.LazyFunction(lambda: models.Departement.objects.get(pk="63"))

    @factory.post_generation
    def delegation(obj, create, extracted, **kwargs):
        if not create or extracted is False or not obj.departement_id:
            return
        from documents.prefectures import ensure_demo_prefecture

        title = "" if obj.role == models.Role.SIGNATAIRE else "le chef du bureau France Services"
        ensure_demo_prefecture(obj.departement_id, delegates=[obj], title=title)


class SignataireFactory(InstructeurFactory):
    """A signataire of the préfecture, holding a delegation of signature (recorded on the
    préfecture's demo data): without one, decisions are refused « par délégation »."""

    role = models.Role.SIGNATAIRE


class OperateurUserFactory(UserFactory):
    role = models.Role.OPERATEUR
    operator = factory.LazyFunction(lambda: models.Operator.objects.get(pk="caf"))
