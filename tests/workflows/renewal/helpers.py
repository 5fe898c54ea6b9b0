"""Places and reviews for the renewal tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

from labelling.models import LabelStatus, Operator, Presence
from tests.factories import (
    AgentFactory,
    LabelledPlaceFactory,
    OpeningIntervalFactory,
    OperatorPresenceFactory,
    PorteurUserFactory,
    TrainingFactory,
)

NATIONAL_PARTNERS = [
    "caf",
    "assurance_maladie",
    "assurance_retraite",
    "msa",
    "france_travail",
    "la_poste",
    "dgfip",
    "justice",
    "interieur",
]


def conform_place(*, labelled_on=datetime.date(2020, 1, 1), days=5, **kwargs):
    """A labelled place whose declaration meets france-services-2019 (and msap-2016)."""
    place = LabelledPlaceFactory(
        labelled_on=labelled_on,
        label_effective_on=labelled_on,
        confidential_office=True,
        digital_space=True,
        accessible_pmr=True,
        **kwargs,
    )
    for weekday in range(days):
        OpeningIntervalFactory(
            place=place, weekday=weekday, start_minute=9 * 60, end_minute=12 * 60
        )
        OpeningIntervalFactory(
            place=place, weekday=weekday, start_minute=13 * 60 + 30, end_minute=17 * 60
        )
    for n in range(2):
        agent = AgentFactory(place=place, name=f"Agent {n}", fte=Decimal("1.0"), position=n)
        TrainingFactory(
            agent=agent, kind="france_services_initiale", completed_on=datetime.date(2019, 3, 1)
        )
    for position, code in enumerate(NATIONAL_PARTNERS):
        OperatorPresenceFactory(
            place=place,
            operator=Operator.objects.get(pk=code),
            presence=Presence.ON_SITE,
            position=position,
        )
    return place


def msap_place(*, labelled_on=datetime.date(2017, 6, 1), **kwargs):
    """A MSAP labelled under msap-2016: 4 days a week, two operators, one trained agent."""
    place = LabelledPlaceFactory(
        labelled_on=labelled_on,
        label_effective_on=labelled_on,
        confidential_office=True,
        digital_space=False,
        accessible_pmr=True,
        **kwargs,
    )
    for weekday in range(4):
        OpeningIntervalFactory(
            place=place, weekday=weekday, start_minute=8 * 60, end_minute=12 * 60
        )
        OpeningIntervalFactory(
            place=place, weekday=weekday, start_minute=13 * 60, end_minute=16 * 60
        )
    agent = AgentFactory(place=place, name="Agent MSAP", fte=Decimal("1.0"))
    AgentFactory(place=place, name="Agent MSAP 2", fte=Decimal("0.5"), position=1)
    TrainingFactory(agent=agent, kind="primo_accueil", completed_on=datetime.date(2016, 9, 1))
    for position, code in enumerate(["caf", "la_poste"]):
        OperatorPresenceFactory(
            place=place,
            operator=Operator.objects.get(pk=code),
            presence=Presence.ON_SITE,
            position=position,
        )
    return place


def porteur_user_of(place):
    return PorteurUserFactory(porteur=place.porteur)


__all__ = ["LabelStatus", "conform_place", "msap_place", "porteur_user_of"]
