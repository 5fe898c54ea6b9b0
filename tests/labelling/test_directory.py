"""The public directory (issue 15): search by commune, postcode, département and position,
nearest first; only places in force; the place's page; the public home."""

import datetime
import itertools
import re

import pytest
from django.urls import reverse

from labelling.directory import haversine_km, search_directory
from labelling.models import LabelStatus, Presence
from tests.factories import (
    LabelledPlaceFactory,
    OpeningIntervalFactory,
    OperatorPresenceFactory,
    PlaceFactory,
    UserFactory,
    commune,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.fixture
def network():
    """Four places in force in the Puy-de-Dôme, and three that the public must never see."""
    places = {
        "ambert": LabelledPlaceFactory(
            name="France services d'Ambert",
            commune=commune("63003"),
            postal_code="63600",
            latitude="45.549000",
            longitude="3.741000",
        ),
        "thiers": LabelledPlaceFactory(
            name="France services de Thiers",
            commune=commune("63430"),
            postal_code="63300",
            latitude="45.856000",
            longitude="3.547000",
        ),
        "clermont": LabelledPlaceFactory(
            name="France services de Clermont-Ferrand",
            commune=commune("63113"),
            postal_code="63000",
            latitude="45.777000",
            longitude="3.087000",
        ),
        "issoire": LabelledPlaceFactory(
            name="France services d'Issoire",
            commune=commune("63178"),
            postal_code="63500",
            latitude="45.544000",
            longitude="3.249000",
        ),
        "suspended": LabelledPlaceFactory(
            name="Lieu suspendu",
            commune=commune("63003"),
            latitude="45.549100",
            longitude="3.741100",
            label_status=LabelStatus.SUSPENDED,
        ),
        "withdrawn": LabelledPlaceFactory(
            name="Lieu retiré",
            commune=commune("63003"),
            latitude="45.549200",
            longitude="3.741200",
            label_status=LabelStatus.WITHDRAWN,
        ),
        "future": LabelledPlaceFactory(
            name="Lieu pas encore en vigueur",
            commune=commune("63003"),
            latitude="45.549300",
            longitude="3.741300",
            label_effective_on=TODAY + datetime.timedelta(days=30),
        ),
        "project": PlaceFactory(name="Lieu en projet", commune=commune("63003")),
    }
    return places


def names(search) -> list[str]:
    return [hit.place.name for hit in search.page(1)]


HIDDEN = {"Lieu suspendu", "Lieu retiré", "Lieu pas encore en vigueur", "Lieu en projet"}


def test_search_by_commune_name_nearest_first(network):
    search = search_directory(query="ambert")
    assert search.kind == "commune"
    found = names(search)
    assert found[0] == "France services d'Ambert"
    assert not HIDDEN & set(found)
    assert found == [
        "France services d'Ambert",
        "France services de Thiers",
        "France services d'Issoire",
        "France services de Clermont-Ferrand",
    ]
    assert search.page(1)[0].distance_label == "10 m"  # the commune's point is its place


def test_search_by_postcode_and_by_departement(network):
    by_postcode = search_directory(query="63300")
    assert by_postcode.kind == "postcode"
    assert names(by_postcode)[0] == "France services de Thiers"

    for query in ("63", "Puy-de-Dôme", "puy de dome"):
        by_departement = search_directory(query=query)
        assert by_departement.kind == "departement", query
        assert sorted(names(by_departement)) == sorted(
            p.name for key, p in network.items() if p.name not in HIDDEN
        )


def test_search_near_a_position_gives_straight_line_distances(network):
    # Near Vic-le-Comte, between Clermont-Ferrand and Issoire.
    search = search_directory(latitude=45.64, longitude=3.245)
    hits = search.page(1)
    assert [h.place.name for h in hits][:2] == [
        "France services d'Issoire",
        "France services de Clermont-Ferrand",
    ]
    assert hits[0].distance_km == pytest.approx(haversine_km(45.64, 3.245, 45.544, 3.249))
    assert hits[0].distance_label == "11 km"
    assert all(a.distance_km <= b.distance_km for a, b in itertools.pairwise(hits))


def test_haversine_on_known_distance():
    # Paris (Notre-Dame) → Lyon (Bellecour): about 392 km as the crow flies.
    assert haversine_km(48.8530, 2.3499, 45.7578, 4.8320) == pytest.approx(392, abs=2)


def test_directory_page_lists_places_in_force_only(client, network, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        page = client.get(reverse("public:directory"), {"q": "Ambert"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "France services d&#x27;Ambert" in html
    for hidden in HIDDEN:
        assert hidden not in html
    assert "À 10 m" in html
    assert "data-map" in html and "vol d'oiseau" in html
    every = client.get(reverse("public:directory")).content.decode()
    assert "4 France Services" in every


def test_directory_near_me_and_bad_positions(client, network):
    page = client.get(reverse("public:directory"), {"lat": "45,64", "lon": "3.245"})
    assert "près de votre position" in page.content.decode()
    bad = client.get(reverse("public:directory"), {"lat": "95", "lon": "3"})
    assert bad.status_code == 200 and "Position invalide" in bad.content.decode()
    nan = client.get(reverse("public:directory"), {"lat": "nan", "lon": "x"})
    assert nan.status_code == 200


def test_homonyms_are_offered_as_choices(client, network):
    page = client.get(reverse("public:directory"), {"q": "Saint-Denis"}).content.decode()
    assert "Plusieurs communes correspondent" in page
    assert "?commune=93066" in page


def test_unknown_query_says_what_to_type(client, network):
    page = client.get(reverse("public:directory"), {"q": "Zzzyzx"}).content.decode()
    assert "Aucune commune" in page


def test_map_data_holds_places_in_force_only(client, network):
    data = client.get(reverse("public:map_data")).json()
    assert {row[3] for row in data["places"]} == {
        p.name for p in network.values() if p.name not in HIDDEN
    }


def test_place_page_hours_in_words_operators_contact_and_label_date(client, network):
    place = network["ambert"]
    place.phone, place.email, place.appointments = "04 73 00 00 00", "ambert@exemple.fr", True
    place.label_effective_on = datetime.date(2020, 1, 1)
    place.save()
    OpeningIntervalFactory(place=place, weekday=0, start_minute=540, end_minute=720)
    OpeningIntervalFactory(place=place, weekday=0, start_minute=810, end_minute=1020)
    OpeningIntervalFactory(place=place, weekday=2, start_minute=540, end_minute=720)
    OperatorPresenceFactory(place=place, operator_id="caf", presence=Presence.ON_SITE)
    OperatorPresenceFactory(place=place, operator_id="dgfip", presence=Presence.REMOTE)

    html = client.get(reverse("public:place", args=[place.pk])).content.decode()

    text = re.sub(r"<[^>]+>", "", html)
    assert "lundi : 9 h – 12 h, 13 h 30 – 17 h" in text
    assert "mardi : fermé" in text
    assert "mercredi : 9 h – 12 h" in text
    assert "en vigueur depuis le 1 janvier 2020" in text
    assert "Prise de rendez-vous : possible" in text
    assert 'href="tel:0473000000"' in html and "mailto:ambert@exemple.fr" in html
    assert "Présents sur place" in text and "Joignables depuis le lieu" in text
    for key in ("suspended", "withdrawn", "future", "project"):
        assert client.get(reverse("public:place", args=[network[key].pk])).status_code == 404


def test_public_home_for_visitors_role_home_for_agents(client):
    home = client.get("/")
    html = home.content.decode()
    assert home.status_code == 200
    assert 'action="/annuaire/"' in html
    assert reverse("labelling:selfcheck") in html and reverse("documents:verify_form") in html
    assert "Près de moi" in html
    assert "<script>" not in html and " style=" not in html

    user = UserFactory(role="national")
    client.force_login(user)
    assert "Réseau national" in client.get("/").content.decode()


def test_geolocation_is_only_asked_on_a_click():
    from pathlib import Path

    script = (
        Path(__file__).resolve().parents[2] / "labelling/static/estampille/directory.js"
    ).read_text()
    before_click, _, after_click = script.partition('addEventListener("click"')
    assert "getCurrentPosition" not in before_click and "getCurrentPosition" in after_click


def test_only_the_map_pages_may_load_openstreetmap_tiles(client, network):
    def policy(url):
        header = client.get(url)["Content-Security-Policy"]
        return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())

    directory = policy(reverse("public:directory"))
    place = policy(reverse("public:place", args=[network["ambert"].pk]))
    assert "https://tile.openstreetmap.org" in directory["img-src"]
    assert "https://tile.openstreetmap.org" in place["img-src"]
    assert "openstreetmap" not in policy("/")["img-src"]
    assert "openstreetmap" not in directory["script-src"] + directory["connect-src"]
