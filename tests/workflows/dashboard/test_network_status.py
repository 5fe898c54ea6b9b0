"""The network's status pages (issue 14): figures on a known small network, access by role,
exports, the map's data, and a query count that does not grow with the network."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from labelling.coverage import refresh_coverage
from labelling.models import Commune, CommuneCoverage, CoverageRun, Departement
from labelling.models.network import LabelStatus, PlaceFormat, PlaceKind
from tests.factories import (
    InstructeurFactory,
    LabelledPlaceFactory,
    OperateurUserFactory,
    PlaceFactory,
    PorteurUserFactory,
    UserFactory,
    commune,
)
from tests.workflows.factories import submitted
from workflows.models import Application

pytestmark = pytest.mark.django_db

URL = "/reseau/"


def _today():
    return timezone.localdate()


@pytest.fixture
def network():
    """Puy-de-Dôme: two labels in force in Clermont-Ferrand (a principal fixed place, an
    antenne bus), one whose effect is to come, one suspended, one abrogated, one in project,
    one whose application is submitted (and overdue); Hautes-Alpes: one label in force."""
    today = _today()
    clermont = commune("63113")
    LabelledPlaceFactory(
        commune=clermont,
        kind=PlaceKind.PRINCIPAL,
        format=PlaceFormat.FIXE,
        label_effective_on=datetime.date(2020, 1, 15),
        latitude="45.777200",
        longitude="3.087000",
    )
    LabelledPlaceFactory(
        commune=clermont,
        kind=PlaceKind.ANTENNE,
        format=PlaceFormat.BUS,
        label_effective_on=datetime.date(2020, 1, 20),
    )
    LabelledPlaceFactory(
        commune=clermont,
        kind=PlaceKind.PRINCIPAL,
        format=PlaceFormat.FIXE,
        labelled_on=today,
        label_effective_on=today + datetime.timedelta(days=30),
    )
    PlaceFactory(
        commune=clermont,
        label_status=LabelStatus.SUSPENDED,
        labelled_on=datetime.date(2021, 3, 1),
        label_effective_on=datetime.date(2021, 3, 1),
    )
    PlaceFactory(
        commune=clermont,
        label_status=LabelStatus.WITHDRAWN,
        labelled_on=datetime.date(2021, 3, 1),
        label_effective_on=datetime.date(2021, 3, 1),
    )
    PlaceFactory(commune=clermont)
    app = submitted()  # a candidate place in Ambert (63003) with its submitted file
    Application.objects.filter(pk=app.pk).update(stage_deadline=today - datetime.timedelta(days=3))
    LabelledPlaceFactory(
        commune=commune("05061"),
        format=PlaceFormat.ITINERANTE,
        kind=PlaceKind.PRINCIPAL,
        label_effective_on=datetime.date(2022, 6, 1),
    )
    refresh_coverage()
    return {"app": app, "clermont": clermont}


def _row(rows, name):
    return next(row for row in rows if row[0].startswith(name))


def _csv(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body), delimiter=";"))


def test_national_user_sees_the_figures_of_the_whole_network(client, network):
    client.force_login(UserFactory())
    response = client.get(URL)
    assert response.status_code == 200
    context = response.context
    total = context["status_total"]
    assert total.counts == {
        "labelled": 3,
        "upcoming": 1,
        "suspended": 1,
        "abrogated": 1,
        "candidate": 1,
        "under_review": 1,
    }
    regions = {row.name: row for row in context["status_rows"]}
    assert regions["Auvergne-Rhône-Alpes"].total == 7
    assert regions["Provence-Alpes-Côte d'Azur"].total == 1
    assert regions["Bretagne"].total == 0  # every région is listed
    assert context["in_force"] == 3
    stages = {row.state: row for row in context["stages"]}
    assert (stages["depose"].files, stages["depose"].overdue) == (1, 1)
    assert [app.pk for app in context["overdue"]] == [network["app"].pk]
    formats = {row.format: row for row in context["formats"]}
    assert (formats["fixe"].principal, formats["bus"].antenne) == (2, 1)
    assert formats["itinerante"].principal == 1
    months = dict(context["months"])
    assert months["janvier 2020"] == 2 and months["juin 2022"] == 1
    assert months["mars 2021"] == 2  # suspended and abrogated since, granted all the same
    html = response.content.decode()
    assert "Labellisé, effet à venir" in html and "Mis en demeure" in html


def test_coverage_counts_the_population_of_the_epci_with_a_place_in_force(client, network):
    client.force_login(UserFactory())
    response = client.get(URL, {"departement": "63"})
    rows = response.context["coverage_rows"]
    assert [row.code for row in rows] == ["63"]
    epci = network["clermont"].epci_id
    in_63 = Commune.objects.filter(departement_id="63")
    expected_covered = in_63.filter(epci_id=epci).aggregate(n=Sum("population"))["n"]
    assert rows[0].population == in_63.aggregate(n=Sum("population"))["n"]
    # Ambert's place is a candidate: its EPCI is not covered.
    assert rows[0].covered == expected_covered
    assert rows[0].epci_covered == 1
    assert rows[0].epci == in_63.exclude(epci=None).values("epci").distinct().count()
    uncovered = response.context["uncovered"]
    assert epci not in {e.siren for e in uncovered}
    assert commune("63003").epci_id in {e.siren for e in uncovered}
    assert response.context["uncovered_total"] == rows[0].epci - 1
    assert "Couverture calculée le" in response.content.decode()


def test_distance_from_each_commune_centre_to_the_nearest_place_in_force(client, network):
    clermont = CommuneCoverage.objects.get(commune_id="63113")
    assert clermont.distance_km < 3  # the town hall, a few streets from the place
    assert clermont.nearest_place.commune_id == "63113"
    # A place without coordinates stands at its commune's centre.
    gap = CommuneCoverage.objects.get(commune_id="05061")
    assert gap.distance_km == 0 and gap.nearest_place.commune_id == "05061"
    # Ambert (a candidate only) is about 60 km from Clermont-Ferrand as the crow flies.
    assert 50 < CommuneCoverage.objects.get(commune_id="63003").distance_km < 70
    # Brest has no place in force within reach.
    brest = CommuneCoverage.objects.get(commune_id="29019")
    assert brest.distance_km is None and brest.nearest_place is None
    client.force_login(UserFactory())
    response = client.get(URL, {"departement": "29"})
    farthest = response.context["farthest"]
    assert farthest[0].distance_km is None
    assert "aucun lieu à moins de 200 km" in response.content.decode()
    rows = response.context["coverage_rows"]
    assert rows[0].within == {10: 0, 20: 0, 30: 0} and rows[0].covered == 0
    near = client.get(URL, {"departement": "63"}).context["coverage_rows"][0]
    assert 0 < near.within[10] <= near.within[20] <= near.within[30] <= near.population
    exported = _csv(
        client.get(reverse("network:export", args=["distances", "csv"]), {"departement": "05"})
    )
    gap_row = next(row for row in exported if row[1] == "05061")
    assert gap_row[4] == "0,0"


def test_the_agency_may_ask_for_the_coverage_now(client, network):
    before = CoverageRun.objects.count()
    client.force_login(InstructeurFactory())
    assert client.post(reverse("network:refresh_coverage")).status_code == 403
    client.force_login(UserFactory())
    assert client.get(reverse("network:refresh_coverage")).status_code == 405
    response = client.post(reverse("network:refresh_coverage") + "?departement=63")
    assert response.status_code == 302
    assert response["Location"] == "/reseau/?departement=63#couverture"
    assert CoverageRun.objects.count() == before + 1


def test_before_any_computation_the_page_says_so(client, network):
    CoverageRun.objects.all().delete()
    CommuneCoverage.objects.all().delete()
    client.force_login(UserFactory())
    html = client.get(URL).content.decode()
    assert "La couverture n'a pas encore été calculée" in html


def test_prefecture_sees_its_departement_only(client, network):
    client.force_login(InstructeurFactory())  # Puy-de-Dôme
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["area"].departement.code == "63"
    assert response.context["status_total"].total == 7
    assert [row.code for row in response.context["status_rows"]] == ["63"]
    assert client.get(URL, {"departement": "05"}).status_code == 404
    assert client.get(URL, {"region": "93"}).status_code == 404
    assert client.get(reverse("network:map_data"), {"departement": "05"}).status_code == 404
    assert (
        client.get(
            reverse("network:export", args=["statuts", "csv"]), {"departement": "05"}
        ).status_code
        == 404
    )


@pytest.mark.parametrize("factory", [PorteurUserFactory, OperateurUserFactory])
def test_porteurs_and_operators_do_not_see_the_network_status(client, network, factory):
    client.force_login(factory())
    assert client.get(URL).status_code == 404
    assert client.get(reverse("network:map_data")).status_code == 404
    assert client.get(reverse("network:export", args=["statuts", "csv"])).status_code == 404


def test_anonymous_users_are_asked_to_sign_in(client, network):
    response = client.get(URL)
    assert response.status_code == 302 and "connexion" in response["Location"]


def test_national_user_narrows_to_a_region_or_departement_in_the_url(client, network):
    client.force_login(UserFactory())
    region = client.get(URL, {"region": "84"})
    assert region.context["area"].region.code == "84"
    assert "63" in [row.code for row in region.context["status_rows"]]
    assert region.context["status_total"].total == 7
    dep = client.get(URL, {"departement": "05"})
    assert dep.context["status_total"].total == 1
    assert client.get(URL, {"departement": "ZZ"}).status_code == 404
    assert client.get(URL, {"region": "<script>"}).status_code == 404


def test_every_table_exports_to_csv_and_xlsx(client, network):
    client.force_login(UserFactory())
    names = [
        "statuts",
        "etapes",
        "retards",
        "labels-par-mois",
        "formats",
        "couverture",
        "epci-non-couverts",
        "distances",
    ]
    for name in names:
        for fmt in ("csv", "xlsx"):
            response = client.get(
                reverse("network:export", args=[name, fmt]), {"departement": "63"}
            )
            assert response.status_code == 200, (name, fmt)
            b"".join(response.streaming_content)
            response.close()
    rows = _csv(
        client.get(reverse("network:export", args=["statuts", "csv"]), {"departement": "63"})
    )
    assert rows[0][:3] == ["Département", "En projet", "En instruction"]
    assert _row(rows, "Puy-de-Dôme")[-1] == "7"
    assert rows[-1][0] == "Total"
    late = _csv(client.get(reverse("network:export", args=["retards", "csv"])))
    assert len(late) == 2 and late[1][3] == "63"
    assert client.get(reverse("network:export", args=["inconnu", "csv"])).status_code == 404
    assert client.get(reverse("network:export", args=["statuts", "pdf"])).status_code == 404


def test_the_map_lists_the_places_with_a_position(client, network):
    client.force_login(UserFactory())
    data = client.get(reverse("network:map_data")).json()
    assert len(data["places"]) == 1
    assert data["places"][0][5] == "Labellisé"


def test_the_page_loads_its_scripts_from_the_app_and_may_load_map_tiles(client, network):
    client.force_login(UserFactory())
    response = client.get(URL)
    html = response.content.decode()
    assert "vendor/chart.js/chart.umd.min.js" in html
    assert "vendor/leaflet.markercluster/leaflet.markercluster.js" in html
    assert "https://tile.openstreetmap.org" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def _grow(n: int) -> None:
    """More places and files, in other départements and states."""
    deps = list(Departement.objects.exclude(code__in=["63", "05"]).order_by("code")[:5])
    for i in range(n):
        dep = deps[i % len(deps)]
        place_commune = Commune.objects.filter(departement=dep).order_by("insee_code")[i]
        LabelledPlaceFactory(
            commune=place_commune,
            format=PlaceFormat.MULTISITES,
            label_effective_on=datetime.date(2019, 1 + i % 12, 1),
            latitude="46.0",
            longitude="2.0",
        )
    for _ in range(max(1, n // 5)):
        submitted()


@pytest.mark.parametrize("user_factory", [UserFactory, InstructeurFactory])
def test_query_count_does_not_grow_with_the_network(client, network, user_factory):
    client.force_login(user_factory())

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    small = count()
    _grow(15)
    refresh_coverage()
    assert count() == small
