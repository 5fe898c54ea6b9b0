"""The funding table, read as a whole: who may fire each transition (role × transition, from
the table itself), every page of the table resolves, and only the table writes a state."""

import pytest
from django.urls import reverse

from tests.factories import OperateurUserFactory
from workflows.fsm import step_of
from workflows.funding.lifecycle import FundingLifecycle
from workflows.funding.models import FundingCause
from workflows.funding.services import open_funding_file

pytestmark = pytest.mark.django_db

EXPECTED = {
    "other_channel": {"système"},
    "recompute": {"instructeur"},
    "adjust": {"instructeur"},
    "propose": {"instructeur"},
    "override": {"agence nationale"},
    "send_back": {"signataire"},
    "sign": {"signataire"},
    "engage": {"instructeur", "signataire"},
    "order_payment": {"instructeur", "signataire"},
    "pay": {"instructeur", "signataire"},
    "settle": {"instructeur", "signataire"},
    "close": {"instructeur", "signataire"},
}


def test_who_may_fire_what(place, instructor, signataire, other_prefecture, porteur_user, national):
    file = open_funding_file(place=place, year=2021, cause=FundingCause.YEAR)
    users = {
        "système": None,
        "instructeur": instructor,
        "signataire": signataire,
        "autre préfecture": other_prefecture,
        "porteur": porteur_user,
        "agence nationale": national,
        "opérateur": OperateurUserFactory(),
    }
    lifecycle = FundingLifecycle(file)
    found = {
        name: {role for role, user in users.items() if lifecycle.refusal(name, user) is None}
        for name in FundingLifecycle.names()
    }
    assert found == EXPECTED


def test_every_page_of_the_table_resolves(place):
    file = open_funding_file(place=place, year=2021, cause=FundingCause.YEAR)
    for _name, transition in FundingLifecycle.table():
        view = step_of(transition).view
        if view:
            assert reverse(view, args=[file.pk])
        assert step_of(transition).help, _name


def test_the_help_page_is_the_table(client):
    import html

    page = html.unescape(client.get(reverse("funding:help")).content.decode())
    for _name, transition in FundingLifecycle.table():
        assert transition.label in page
    assert "l'agence nationale" in page and "un signataire de la préfecture" in page
