"""One form, one effect: the same form posted twice (a double click, a reload that posts again,
two tabs) creates one message, one note, one draft, one piece, one opinion request, and fires
a step once; the second post lands where the first led. A refused post keeps nothing, and the
corrected form goes through."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from idempotency.keys import REPLAYED
from idempotency.models import SubmittedForm
from tests.factories import InstructeurFactory, PorteurUserFactory
from tests.workflows import factories as wf
from workflows.models import Application, Message, Opinion, PrivateNote

pytestmark = pytest.mark.django_db


def key_in(page) -> str:
    """The one-time key of the first form of the page that carries one."""
    found = re.search(r'name="request_key" value="([0-9a-f-]{36})"', page.content.decode())
    assert found, "the form has no one-time key"
    return found.group(1)


def post_twice(client, url, data):
    first = client.post(url, data)
    second = client.post(url, data)
    return first, second


def test_a_double_click_on_send_makes_one_message(client):
    app = wf.submitted()
    client.force_login(wf.porteur_of(app))
    detail = client.get(reverse("workflows:application_detail", args=[app.pk]))
    data = {"body": "Voici le plan des locaux.", "request_key": key_in(detail)}
    first, second = post_twice(client, reverse("workflows:post_message", args=[app.pk]), data)
    assert first.status_code == second.status_code == 302
    assert second.url == first.url
    assert Message.objects.filter(application=app).count() == 1
    page = client.get(second.url).content.decode()
    assert REPLAYED.replace("'", "&#x27;") in page
    # A new form (a new key) sends a second message, as the user means it.
    detail = client.get(reverse("workflows:application_detail", args=[app.pk]))
    client.post(
        reverse("workflows:post_message", args=[app.pk]),
        {"body": "Et la photo.", "request_key": key_in(detail)},
    )
    assert Message.objects.filter(application=app).count() == 2


def test_a_double_click_makes_one_note(client):
    app = wf.in_instruction()
    client.force_login(app.journal.filter(actor__role="instructeur").first().actor)
    detail = client.get(reverse("workflows:application_detail", args=[app.pk]))
    keys = re.findall(r'name="request_key" value="([0-9a-f-]{36})"', detail.content.decode())
    assert len(set(keys)) == len(keys)  # one key per form of the page
    url = reverse("workflows:add_note", args=[app.pk])
    for key in keys:  # whichever is the note's form
        post_twice(client, url, {"body": "Appeler la mairie.", "request_key": key})
        if PrivateNote.objects.filter(application=app).exists():
            break
    assert PrivateNote.objects.filter(application=app).count() == 1


def test_a_double_click_on_new_application_makes_one_draft(client):
    porteur = PorteurUserFactory()
    client.force_login(porteur)
    page = client.get(reverse("workflows:porteur_applications"))
    data = {"request_key": key_in(page)}
    first, second = post_twice(client, reverse("workflows:application_start"), data)
    assert Application.objects.filter(created_by=porteur).count() == 1
    assert second.url == first.url  # the same draft's first step


def test_a_double_click_on_an_action_page_makes_one_opinion_request(client):
    app = wf.in_instruction()
    instructor = app.journal.filter(actor__role="instructeur").first().actor
    client.force_login(instructor)
    url = reverse("workflows:opinion_request", args=[app.pk])
    data = {
        "kind": "operateur",
        "operator_code": "caf",
        "addressee": "CAF du Puy-de-Dôme",
        "addressee_email": "caf63@example.fr",
        "question": "Une permanence est-elle prévue ?",
        "request_key": key_in(client.get(url)),
    }
    first, second = post_twice(client, url, data)
    assert first.status_code == 302, first.content.decode()[:2000]
    assert second.status_code == 302
    assert Opinion.objects.filter(application=app).count() == 1


def test_a_double_click_on_a_step_fires_it_once(client):
    app = wf.submitted()
    instructor = InstructeurFactory(departement_id="63")
    client.force_login(instructor)
    url = reverse("workflows:completeness", args=[app.pk])
    data = {"decision": "complet", "request_key": key_in(client.get(url))}
    _first, second = post_twice(client, url, data)
    app.refresh_from_db()
    assert app.state == "instruction"
    assert app.journal.filter(to_state="instruction").count() == 1
    page = client.get(second.url).content.decode()
    assert "une autre personne a agi avant vous" not in page  # no false alarm for a double click


def test_a_refused_post_keeps_no_key_and_the_corrected_form_goes_through(client):
    app = wf.submitted()
    client.force_login(wf.porteur_of(app))
    detail = client.get(reverse("workflows:application_detail", args=[app.pk]))
    key = key_in(detail)
    url = reverse("workflows:post_message", args=[app.pk])
    refused = client.post(url, {"body": "   ", "request_key": key})
    assert refused.status_code == 200  # the error shown on the form
    assert not SubmittedForm.objects.filter(key=key).exists()
    client.post(url, {"body": "Corrigé.", "request_key": key})
    assert Message.objects.filter(application=app).count() == 1


def test_a_piece_uploaded_twice_is_kept_once(client):
    app = wf.drafted()
    client.force_login(wf.porteur_of(app))
    step = client.get(reverse("workflows:draft_step", args=[app.pk, "pieces"]))
    key = re.search(
        r'/pieces/".*?name="request_key" value="([0-9a-f-]{36})"', step.content.decode(), re.S
    ).group(1)
    url = reverse("workflows:draft_upload", args=[app.pk])
    for _ in range(2):
        client.post(url, {"piece-title": "Bail", "piece-file": wf.pdf(), "request_key": key})
    assert app.documents.filter(role="supporting").count() == 1
