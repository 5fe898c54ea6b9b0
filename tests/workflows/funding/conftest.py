import datetime
from decimal import Decimal

import pytest

from labelling.funding import services as rule_services
from labelling.models import Departement
from tests.factories import (
    InstructeurFactory,
    LabelledPlaceFactory,
    PorteurFactory,
    PorteurUserFactory,
    SignataireFactory,
    UserFactory,
)


@pytest.fixture
def national(db):
    return UserFactory(email="anct@example.fr")


@pytest.fixture
def instructor(db):
    return InstructeurFactory(email="instructeur63@example.fr")


@pytest.fixture
def signataire(db):
    return SignataireFactory(email="signataire63@example.fr")


@pytest.fixture
def other_prefecture(db):
    return SignataireFactory(
        email="signataire05@example.fr", departement=Departement.objects.get(pk="05")
    )


@pytest.fixture
def porteur(db):
    return PorteurFactory(
        name="Communauté de communes Ambert Livradois Forez", kind="epci", siret="20007075300014"
    )


@pytest.fixture
def porteur_user(porteur):
    return PorteurUserFactory(email="porteur63@example.fr", porteur=porteur)


@pytest.fixture
def place(porteur):
    return LabelledPlaceFactory(
        name="France Services d'Ambert",
        porteur=porteur,
        labelled_on=datetime.date(2020, 6, 15),
        label_effective_on=datetime.date(2020, 7, 1),
    )


@pytest.fixture
def envelopes(national):
    """Enough for a few places in 63 in 2020."""
    for funder in ("fnadt", "fonds_national_fs"):
        rule_services.set_envelope(
            user=national,
            departement_code="63",
            year=2020,
            funder_code=funder,
            amount=Decimal("100000"),
        )
