"""The public REST API (issue 15): places in force with their filters and pagination, the
published versions, French errors, throttling, the OpenAPI schema and its documentation page;
the conformity check keeps its contract."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from labelling.models import LabelStatus
from labelling.rest import PublicThrottle
from tests.factories import LabelledPlaceFactory, OpeningIntervalFactory, PlaceFactory, commune

pytestmark = pytest.mark.django_db

PLACES = "/api/v1/places/"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


@pytest.fixture
def places():
    ambert = LabelledPlaceFactory(
        id_fs="101",
        name="France services d'Ambert",
        commune=commune("63003"),
        format="fixe",
        latitude="45.549",
        longitude="3.741",
    )
    OpeningIntervalFactory(place=ambert, weekday=0, start_minute=540, end_minute=720)
    LabelledPlaceFactory(id_fs="102", name="Bus de Thiers", commune=commune("63430"), format="bus")
    LabelledPlaceFactory(id_fs="103", name="France services de Gap", commune=commune("05061"))
    LabelledPlaceFactory(id_fs="104", name="Suspendu", label_status=LabelStatus.SUSPENDED)
    LabelledPlaceFactory(id_fs="105", name="Retiré", label_status=LabelStatus.WITHDRAWN)
    LabelledPlaceFactory(
        id_fs="106",
        name="Futur",
        label_effective_on=datetime.date.today() + datetime.timedelta(days=3),
    )
    PlaceFactory(name="En projet")
    return ambert


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["nom"] for item in response.json()["results"]]


def test_places_in_force_only_without_an_account(client, places):
    response = client.get(PLACES)
    # By département, then name.
    assert names(response) == [
        "France services de Gap",
        "Bus de Thiers",
        "France services d'Ambert",
    ]
    ambert = response.json()["results"][2]
    assert ambert["identifiant"] == "101"
    assert ambert["commune"] == {"code_insee": "63003", "nom": "Ambert"}
    assert ambert["departement"] == {"code": "63", "nom": "Puy-de-Dôme"}
    assert ambert["horaires"]["lundi"] == ["09:00-12:00"] and ambert["horaires"]["mardi"] == []
    assert ambert["horaires_osm"] == "Mo 09:00-12:00"
    assert ambert["date_effet_label"] == "2020-01-01"
    assert ambert["url"].endswith(reverse("public:place", args=[places.pk]))
    assert client.get(f"{PLACES}{places.pk}/").json()["nom"] == "France services d'Ambert"


def test_filters_and_pagination(client, places):
    assert names(client.get(PLACES, {"departement": "63"})) == [
        "Bus de Thiers",
        "France services d'Ambert",
    ]
    assert names(client.get(PLACES, {"departement": "05"})) == ["France services de Gap"]
    assert names(client.get(PLACES, {"commune": "63430"})) == ["Bus de Thiers"]
    assert names(client.get(PLACES, {"format": "bus"})) == ["Bus de Thiers"]
    assert names(client.get(PLACES, {"departement": "974"})) == []
    page = client.get(PLACES, {"taille": 2, "page": 2}).json()
    assert page["count"] == 3 and [p["nom"] for p in page["results"]] == [
        "France services d'Ambert"
    ]
    assert page["previous"] and page["next"] is None


def test_bad_parameters_answer_french_400_and_404(client, places):
    bad = client.get(PLACES, {"departement": "6x", "format": "soucoupe"})
    assert bad.status_code == 400
    body = bad.json()
    assert body["code"] == "invalid"
    assert "n'est pas un code de département" in body["errors"]["departement"][0]
    assert "valeurs possibles" in body["errors"]["format"][0]
    missing = client.get(PLACES, {"page": 99})
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert client.get(f"{PLACES}00000000-0000-0000-0000-000000000000/").json() == {
        "detail": "Introuvable : cet élément n'existe pas ou vous n'y avez pas accès.",
        "code": "not_found",
    }


def test_published_versions_with_their_criteria(client):
    response = client.get("/api/v1/versions/").json()
    codes = [v["code"] for v in response["results"]]
    assert codes == ["msap-2016", "france-services-2019"]
    fs = client.get("/api/v1/versions/france-services-2019/").json()
    assert fs["en_vigueur_du"] == "2020-01-01"
    assert "opening.weekly_hours" in [c["code"] for c in fs["criteres"]]


def test_public_endpoints_are_throttled(client, places, monkeypatch):
    monkeypatch.setattr(PublicThrottle, "rate", "3/min", raising=False)
    statuses = [client.get(PLACES).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get(PLACES)
    assert refused.json()["code"] == "throttled"
    assert "Requête ralentie" in refused.json()["detail"]
    assert int(refused["Retry-After"]) > 0


def test_schema_and_documentation_are_served_by_the_app(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    spec = schema.json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/places/", "/api/v1/versions/", "/api/v1/applications/"):
        assert path in spec["paths"]
    docs = client.get("/api/v1/docs/")
    html = docs.content.decode()
    assert docs.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "<script>" not in html  # the split view: its initialiser is a file of its own


def test_conformity_check_keeps_its_contract(client):
    response = client.post(
        "/api/v1/conformity/check", data=b"{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] is not None


def test_the_api_writes_nothing(client, places):
    for url in (PLACES, "/api/v1/versions/", "/api/v1/applications/"):
        response = client.post(url, data={}, content_type="application/json")
        assert response.status_code in (401, 403, 405), url
