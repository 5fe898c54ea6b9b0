"""Who sees what: each role on each page, and 404 for what is not theirs."""

import pytest
from django.urls import reverse

from labelling.models import Departement, Operator
from tests.factories import (
    InstructeurFactory,
    OperateurUserFactory,
    OperatorPresenceFactory,
    PlaceFactory,
    PorteurUserFactory,
    SignataireFactory,
    UserFactory,
    commune,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def place_63():
    return PlaceFactory(name="France Services d'Ambert", commune=commune("63003"))


@pytest.fixture
def place_05():
    return PlaceFactory(name="France Services de Gap", commune=commune("05061"))


def test_migration_loads_every_departement():
    assert Departement.objects.filter(kind="departement").count() == 101
    assert Departement.objects.filter(kind="collectivite").count() == 6
    assert Departement.objects.get(pk="63").name == "Puy-de-Dôme"
    assert Operator.objects.filter(is_national=True).count() == 9


def test_anonymous_users_are_sent_to_sign_in(client, place_63):
    # The home page is public (the directory, issue 15); the agents' pages are not.
    for url in (reverse("labelling:place_list"), place_63_url(place_63)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def place_63_url(place):
    return reverse("labelling:place_detail", args=[place.pk])


@pytest.mark.parametrize(
    ("factory", "sees_63", "sees_05"),
    [
        (InstructeurFactory, True, False),
        (SignataireFactory, True, False),
        (UserFactory, True, True),  # national
    ],
)
def test_prefecture_and_national_scopes(client, place_63, place_05, factory, sees_63, sees_05):
    client.force_login(factory())
    assert client.get(place_63_url(place_63)).status_code == (200 if sees_63 else 404)
    assert client.get(place_63_url(place_05)).status_code == (200 if sees_05 else 404)
    listing = client.get(reverse("labelling:place_list")).content.decode()
    assert ("France Services d&#x27;Ambert" in listing) is sees_63
    assert ("France Services de Gap" in listing) is sees_05


def test_instructor_of_05_sees_only_05(client, place_63, place_05):
    client.force_login(InstructeurFactory(departement=Departement.objects.get(pk="05")))
    assert client.get(place_63_url(place_63)).status_code == 404
    assert client.get(place_63_url(place_05)).status_code == 200


def test_porteur_sees_only_its_places(client, place_63, place_05):
    user = PorteurUserFactory(porteur=place_63.porteur)
    client.force_login(user)
    assert client.get(place_63_url(place_63)).status_code == 200
    assert client.get(place_63_url(place_05)).status_code == 404
    home = client.get(reverse("home")).content.decode()
    assert "France Services d&#x27;Ambert" in home
    assert "Gap" not in home


def test_operator_sees_places_where_it_is_present(client, place_63, place_05):
    OperatorPresenceFactory(place=place_05, operator=Operator.objects.get(pk="caf"))
    client.force_login(OperateurUserFactory())
    assert client.get(place_63_url(place_05)).status_code == 200
    assert client.get(place_63_url(place_63)).status_code == 404


def test_operator_absent_is_not_granted(client, place_05):
    OperatorPresenceFactory(place=place_05, presence="none")
    client.force_login(OperateurUserFactory())
    assert client.get(place_63_url(place_05)).status_code == 404


def test_unknown_place_is_404(client):
    client.force_login(UserFactory())
    url = reverse("labelling:place_detail", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(url).status_code == 404


def test_national_list_filters_by_region_and_departement(client, place_63, place_05):
    client.force_login(UserFactory())
    by_region = client.get(reverse("labelling:place_list"), {"region": "93"}).content.decode()
    assert "Gap" in by_region and "Ambert" not in by_region
    by_dep = client.get(reverse("labelling:place_list"), {"departement": "63"}).content.decode()
    assert "Ambert" in by_dep and "Gap" not in by_dep


def test_place_list_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries):
    user = InstructeurFactory()
    client.force_login(user)
    PlaceFactory.create_batch(3)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("labelling:place_list"))
    PlaceFactory.create_batch(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("labelling:place_list"))
    assert response.content.decode().count("France Services n°") == 33


@pytest.mark.parametrize(
    ("factory", "heading"),
    [
        (PorteurUserFactory, "Vos lieux"),
        (InstructeurFactory, "Préfecture — Puy-de-Dôme (63)"),
        (OperateurUserFactory, "Les lieux où votre organisme est présent"),
        (UserFactory, "Réseau national France Services"),
    ],
)
def test_home_per_role(client, factory, heading):
    client.force_login(factory())
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert heading in response.content.decode()


def test_home_explains_empty_state(client):
    client.force_login(PorteurUserFactory())
    assert "Vous ne portez encore aucun lieu" in client.get(reverse("home")).content.decode()
