"""Issue 10, item 8 and 9: inputs that answered 500, and redirects that left the site."""

import sqlite3
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.factories import InstructeurFactory, PorteurUserFactory, SignataireFactory
from tests.workflows import factories as wf
from workflows.models import Application, State

pytestmark = pytest.mark.django_db

HOSTILE_NEXT = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "https:evil.example",
    "http://testserver@evil.example/",
    " https://evil.example/",
    "javascript:alert(1)",
    "https://testserver.evil.example/",
]


@pytest.mark.parametrize("place", ["not-a-uuid", "1 OR 1=1", "\x00", str(uuid.uuid4())])
def test_starting_an_application_for_a_bad_place_is_a_french_error(client, place):
    user = PorteurUserFactory()
    client.force_login(user)
    response = client.post(reverse("workflows:application_start"), {"place": place}, follow=True)
    assert response.status_code == 200
    assert "lieux en projet sans candidature en cours" in response.content.decode()
    assert not Application.objects.filter(created_by=user).exists()


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_taking_a_file_never_leaves_the_site(client, target):
    app = wf.submitted()
    instructor = InstructeurFactory(departement_id=app.departement_id)
    client.force_login(instructor)
    response = client.post(reverse("workflows:take", args=[app.pk]), {"next": target})
    assert response.status_code == 302
    assert response.url.startswith("/") and not response.url.startswith(("//", "/\\"))
    assert "evil" not in response.url
    response = client.post(
        reverse("workflows:queue_take"), {"dossiers": [str(app.pk)], "next": target}
    )
    assert response.status_code == 302 and "evil" not in response.url
    # a URL of this site is followed
    here = reverse("workflows:queue") + "?etape=depose"
    response = client.post(reverse("workflows:take", args=[app.pk]), {"next": here})
    assert response.url == here


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_signing_in_never_leaves_the_site(client, target):
    user = PorteurUserFactory()
    user.set_password("Estampille-essai-2026")
    user.save()
    response = client.post(
        reverse("login") + "?next=" + target,
        {"username": user.email, "password": "Estampille-essai-2026", "next": target},
    )
    assert response.status_code == 302
    assert "evil" not in response.url and not response.url.startswith("javascript")
    response = client.post(reverse("logout"), {"next": target})
    assert response.status_code == 302 and "evil" not in response.url


@pytest.mark.parametrize(
    "path",
    [
        "/annuaire/?q=%00Ambert&lat=%00&lon=abc&page=%00",
        "/territoires/communes/?q=%00%0b63&limit=%00",
        "/verifier/?code=%00%1b",
        "/lieux/?q=%00&statut=%00&page=-1",
        "/instruction/?q=%00&etape=%00&page=abc&tri=%00",
    ],
)
def test_control_characters_in_query_strings_never_answer_500(client, path):
    client.force_login(InstructeurFactory(departement_id="63"))
    response = client.get(path)
    assert response.status_code in (200, 302, 404)


@pytest.mark.django_db(transaction=True)
def test_a_locked_embedded_database_asks_to_retry_and_writes_nothing():
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        pytest.skip("the embedded database (SQLite) only")
    app = wf.in_decision()
    signataire = SignataireFactory(departement_id=app.departement_id)
    client = Client(raise_request_exception=False)
    client.force_login(signataire)
    other = sqlite3.connect(connection.settings_dict["NAME"], uri=True, timeout=0)
    try:
        other.execute("BEGIN EXCLUSIVE")
        other.execute("UPDATE workflows_application SET state = state")  # holds the lock
        response = client.post(
            reverse("workflows:decision", args=[app.pk]),
            {"decided_on": "2026-06-01", "effective_on": "2026-07-01", "reasons": "Conforme."},
        )
    finally:
        other.rollback()
        other.close()
    assert response.status_code == 503
    assert "Réessayez dans quelques instants" in response.content.decode()
    app.refresh_from_db()
    assert app.state == State.DECISION
