"""The authenticated REST API (issue 15): files and decisions scoped by exactly the pages'
policy (``workflows.permissions``), for each role; tokens made, used and revoked."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.factories import (
    InstructeurFactory,
    OperateurUserFactory,
    PorteurUserFactory,
    SignataireFactory,
    UserFactory,
)
from tests.workflows import factories as wf
from workflows.permissions import applications_in_scope

pytestmark = pytest.mark.django_db

APPLICATIONS = "/api/v1/applications/"
DECISIONS = "/api/v1/decisions/"


@pytest.fixture
def files():
    porteur_a = PorteurUserFactory()
    porteur_b = PorteurUserFactory()
    draft_a = wf.drafted(porteur_a)  # 63, never seen by the préfecture
    submitted_b = wf.submitted(porteur_user=porteur_b, commune_insee="05061")  # Gap, 05
    signed_c = wf.signed()  # 63, labelled, with its arrêté
    return {
        "porteur_a": porteur_a,
        "porteur_b": porteur_b,
        "porteur_c": wf.porteur_of(signed_c),
        "A": draft_a,
        "B": submitted_b,
        "C": signed_c,
    }


def ids(client, url, user=None):
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


def test_anonymous_gets_a_french_401(client, files):
    for url in (APPLICATIONS, DECISIONS, f"{APPLICATIONS}{files['C'].pk}/"):
        response = client.get(url)
        assert response.status_code == 401
        assert response.json() == {
            "detail": "Informations d'authentification non fournies.",
            "code": "not_authenticated",
        }


# Who sees which file (A: porteur A's draft in 63; B: porteur B's file submitted in 05; C: a
# file of 63 labelled, with its signed arrêté), through the API and through the pages alike.
SCOPES = [
    ("porteur_a", {"A"}, set()),
    ("porteur_b", {"B"}, set()),
    ("porteur_c", {"C"}, {"C"}),
    ("instructor_63", {"C"}, {"C"}),
    ("instructor_05", {"B"}, set()),
    ("signataire_63", {"C"}, {"C"}),
    ("operator", set(), set()),
    ("national", {"B", "C"}, {"C"}),
]


def test_each_role_sees_exactly_what_its_pages_show(client, files):
    users = {
        "instructor_63": InstructeurFactory(departement_id="63"),
        "instructor_05": InstructeurFactory(departement_id="05"),
        "signataire_63": SignataireFactory(departement_id="63"),
        "operator": OperateurUserFactory(),
        "national": UserFactory(role="national"),
    }
    for who, applications, decisions in SCOPES:
        user = files[who] if who in files else users[who]
        expected = {str(files[key].pk) for key in applications}

        assert ids(client, APPLICATIONS, user) == expected, who
        in_scope = applications_in_scope(user).values_list("pk", flat=True)
        assert expected == {str(pk) for pk in in_scope}, who
        assert ids(client, DECISIONS) == {str(files[key].pk) for key in decisions}, who
        for key in ("A", "B", "C"):
            detail = client.get(f"{APPLICATIONS}{files[key].pk}/")
            page = client.get(reverse("workflows:application_detail", args=[files[key].pk]))
            assert detail.status_code == (200 if key in applications else 404), (who, key)
            assert (page.status_code == 200) == (key in applications), (who, key)


def test_a_decision_lists_its_signed_arrete_for_those_who_read_it(client, files):
    client.force_login(files["porteur_c"])
    (decision,) = client.get(DECISIONS).json()["results"]
    assert decision["issue"] == "label" and decision["date_effet"] == "2030-01-01"
    (arrete,) = decision["documents"]
    assert arrete["nature"] == "Arrêté de labellisation"
    assert "/documents/" in arrete["url"] and arrete["url"].endswith("/telecharger/")
    client.force_login(InstructeurFactory(departement_id="05"))
    assert client.get(f"{DECISIONS}{files['C'].pk}/").status_code == 404
    client.force_login(files["porteur_c"])

    detail = client.get(f"{APPLICATIONS}{files['C'].pk}/").json()
    assert detail["etat"] == {"code": "labellise", "libelle": "Labellisé"}
    titles = [d["titre"] for d in detail["documents"]]
    assert titles and "Rapport d'instruction" not in " ".join(titles)  # the préfecture's own


def test_a_token_is_made_used_and_revoked(client, files):
    user = files["porteur_b"]
    client.force_login(user)
    page = client.post(reverse("api_token"), {"action": "create"}, follow=True)
    key = Token.objects.get(user=user).key
    assert key in page.content.decode()
    assert key not in client.get(reverse("api_token")).content.decode()  # shown once
    client.logout()

    with_token = client.get(APPLICATIONS, HTTP_AUTHORIZATION=f"Token {key}")
    assert {item["id"] for item in with_token.json()["results"]} == {str(files["B"].pk)}

    client.force_login(user)
    client.post(reverse("api_token"), {"action": "revoke"})
    client.logout()
    refused = client.get(APPLICATIONS, HTTP_AUTHORIZATION=f"Token {key}")
    assert refused.status_code == 401 and refused.json()["code"] == "authentication_failed"


def test_the_token_page_is_in_the_navigation_of_signed_in_users(client):
    assert reverse("api_token") not in client.get("/").content.decode()
    client.force_login(UserFactory(role="national"))
    assert reverse("api_token") in client.get("/").content.decode()
    anonymous = client.__class__().get(reverse("api_token"))
    assert anonymous.status_code == 302
