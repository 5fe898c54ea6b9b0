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


@pytest.fixture(autouse=True)
def _fresh_figures(settings):
    """Every request computes its figures (the cache is tried on its own below)."""
    settings.NETWORK_STATUS_CACHE_SECONDS = 0


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
    f = response.context["f"]
    total = f.status_total
    assert total.counts == {
        "labelled": 3,
        "upcoming": 1,
        "suspended": 1,
        "abrogated": 1,
        "candidate": 1,
        "under_review": 1,
    }
    regions = {row.name: row for row in f.status_rows}
    assert regions["Auvergne-Rhône-Alpes"].total == 7
    assert regions["Provence-Alpes-Côte d'Azur"].total == 1
    assert regions["Bretagne"].total == 0  # every région is listed
    assert f.in_force == 3
    stages = {row.state: row for row in f.kinds[0].rows}
    assert (stages["depose"].files, stages["depose"].overdue) == (1, 1)
    assert [item.title for item in f.overdue] == [network["app"].place.name]
    assert f.overdue[0].url == reverse("workflows:application_detail", args=[network["app"].pk])
    formats = {row.format: row for row in f.formats}
    assert (formats["fixe"].principal, formats["bus"].antenne) == (2, 1)
    assert formats["itinerante"].principal == 1
    months = dict(response.context["months"])
    assert months["janvier 2020"] == 2 and months["juin 2022"] == 1
    assert months["mars 2021"] == 2  # suspended and abrogated since, granted all the same
    html = response.content.decode()
    assert "Labellisé, effet à venir" in html and "Mis en demeure" in html


def test_coverage_counts_the_population_of_the_epci_with_a_place_in_force(client, network):
    client.force_login(UserFactory())
    response = client.get(URL, {"departement": "63"})
    rows = response.context["f"].coverage_rows
    assert [row.code for row in rows] == ["63"]
    epci = network["clermont"].epci_id
    in_63 = Commune.objects.filter(departement_id="63")
    expected_covered = in_63.filter(epci_id=epci).aggregate(n=Sum("population"))["n"]
    assert rows[0].population == in_63.aggregate(n=Sum("population"))["n"]
    # Ambert's place is a candidate: its EPCI is not covered.
    assert rows[0].covered == expected_covered
    assert rows[0].epci_covered == 1
    assert rows[0].epci == in_63.exclude(epci=None).values("epci").distinct().count()
    uncovered = response.context["f"].uncovered
    assert epci not in {e.siren for e in uncovered}
    assert commune("63003").epci_id in {e.siren for e in uncovered}
    assert response.context["f"].uncovered_total == rows[0].epci - 1
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
    farthest = response.context["f"].farthest
    assert farthest[0].distance_km is None
    assert "aucun lieu à moins de 200 km" in response.content.decode()
    rows = response.context["f"].coverage_rows
    assert rows[0].within == {10: 0, 20: 0, 30: 0} and rows[0].covered == 0
    near = client.get(URL, {"departement": "63"}).context["f"].coverage_rows[0]
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
    assert response.context["f"].status_total.total == 7
    assert [row.code for row in response.context["f"].status_rows] == ["63"]
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
    assert "63" in [row.code for row in region.context["f"].status_rows]
    assert region.context["f"].status_total.total == 7
    dep = client.get(URL, {"departement": "05"})
    assert dep.context["f"].status_total.total == 1
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


def test_renewal_reviews_formal_notices_and_their_delays(client, network):
    from workflows.renewal.models import Review, ReviewState
    from workflows.renewal.services import open_campaign

    today = _today()
    open_campaign(year=today.year, notify=False)
    reviews = Review.objects.filter(departement_id="63")
    assert reviews.count() == 3  # the two labels in force in Clermont-Ferrand, the suspended one
    noticed = reviews.filter(place__label_status=LabelStatus.LABELLED).order_by("pk")[0]
    Review.objects.filter(pk=noticed.pk).update(
        state=ReviewState.NOTICE,
        stage_deadline=today - datetime.timedelta(days=1),
        notice_deadline=today - datetime.timedelta(days=1),
        notice_by=InstructeurFactory(),
        notice_reasons="Horaires d'ouverture insuffisants.",
    )
    client.force_login(InstructeurFactory())
    f = client.get(URL).context["f"]
    assert f.status_total.count("under_notice") == 1
    assert f.status_total.count("labelled") == 1
    assert f.in_force == 2
    kinds = {kind.key: kind for kind in f.kinds}
    rows = {row.state: row for row in kinds["revues"].rows}
    assert (rows["mise_en_demeure"].files, rows["mise_en_demeure"].overdue) == (1, 1)
    assert kinds["revues"].files == 3
    assert {item.kind for item in f.overdue} == {"Candidature", "Revue annuelle"}
    assert f.overdue_total == 2
    late = _csv(client.get(reverse("network:export", args=["revues-en-retard", "csv"])))
    assert len(late) == 2 and late[1][0] == noticed.place.name


def test_funding_committed_against_the_envelopes_of_the_year(client, network):
    from decimal import Decimal

    from django.db import transaction

    from labelling.funding.services import commit_to_envelopes, set_envelope

    national = UserFactory()
    year = _today().year
    set_envelope(user=national, departement_code="63", year=year, funder_code="fnadt",
                 amount=Decimal("100000"))  # fmt: skip
    set_envelope(user=national, departement_code="05", year=year, funder_code="fnadt",
                 amount=Decimal("50000"))  # fmt: skip
    with transaction.atomic():
        commit_to_envelopes(departement_code="63", year=year,
                            parts=[("fnadt", Decimal("17500.00"))], reference="essai-1",
                            user=national)  # fmt: skip
    client.force_login(national)
    f = client.get(URL).context["f"]
    assert [(r.code, r.envelope, r.committed) for r in f.funding_rows] == [
        ("05", Decimal("50000.00"), Decimal("0")),
        ("63", Decimal("100000.00"), Decimal("17500.00")),
    ]
    (total,) = f.funding_totals
    assert (total.envelope, total.committed, total.left) == (
        Decimal("150000.00"), Decimal("17500.00"), Decimal("132500.00")
    )  # fmt: skip
    assert total.used_label == "11,7 %"
    client.force_login(InstructeurFactory())
    page = client.get(URL)
    assert [r.code for r in page.context["f"].funding_rows] == ["63"]
    assert "17\u00a0500,00\u00a0€" in page.content.decode()
    rows = _csv(client.get(reverse("network:export", args=["financement", "csv"])))
    assert rows[1][:5] == ["Puy-de-Dôme (63)", "État (FNADT)", "100000,00", "17500,00", "82500,00"]
    # Another year: no envelope yet; a year out of range is this year.
    assert client.get(URL, {"annee": year - 3}).context["f"].funding_rows == []
    assert client.get(URL, {"annee": "deux mille"}).context["year"] == year


def test_figures_are_kept_a_few_minutes_and_computed_ahead_for_the_nation(
    client, network, settings
):
    from django.core.cache import cache

    from labelling.network_status import Area
    from workflows.dashboard import figures
    from workflows.dashboard.tasks import warm_network_status

    settings.NETWORK_STATUS_CACHE_SECONDS = 300
    cache.delete(figures.cache_key(Area(), _today().year))
    client.force_login(UserFactory())
    first = client.get(URL).context["f"]
    LabelledPlaceFactory(commune=network["clermont"])
    with CaptureQueriesContext(connection) as queries:
        again = client.get(URL).context["f"]
    assert again.status_total.total == first.status_total.total == 8  # kept
    assert len(queries) <= 5  # session, user, the régions of the filter: no figure computed
    warm_network_status()
    assert client.get(URL).context["f"].status_total.total == 9
    cache.delete(figures.cache_key(Area(), _today().year))


def test_the_rendered_figures_are_kept_with_them_but_not_the_forms(client, network, settings):
    from django.core.cache import cache

    from labelling.network_status import Area
    from workflows.dashboard import figures

    settings.NETWORK_STATUS_CACHE_SECONDS = 300
    area = Area(departement=Departement.objects.get(pk="63"))
    cache.delete(figures.cache_key(area, _today().year))
    client.force_login(UserFactory())
    national = client.get(URL, {"departement": "63"}).content.decode()
    assert "Recalculer la couverture maintenant" in national
    assert "ou dès maintenant avec le bouton" not in national  # computed: no such alert
    client.force_login(InstructeurFactory())
    prefecture = client.get(URL).content.decode()
    assert "Recalculer la couverture maintenant" not in prefecture
    assert 'name="csrfmiddlewaretoken"' not in prefecture.split('id="couverture"')[1]
    cache.delete(figures.cache_key(area, _today().year))
