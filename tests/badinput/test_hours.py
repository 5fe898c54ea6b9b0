"""Issue 10, item 6: hours as people write them, one parser for the application and the
self-check, the normalised value shown back; the JSON contract stays strict."""

import re

import pytest
from django.urls import reverse

from labelling.conformity import InvalidDeclaration, validate_declaration
from labelling.opening_hours import HoursInputError, parse_day
from tests.factories import PorteurUserFactory
from tests.workflows import factories as wf
from workflows.models import Application

pytestmark = pytest.mark.django_db

MORNING = [["09:00", "12:00"]]
WRITTEN = [
    ("9h-12h", MORNING),
    ("9 h 30 - 12 h", [["09:30", "12:00"]]),
    ("de 9h à 12h", MORNING),
    ("De 9H à midi", MORNING),
    ("09:00-12:00 13:30-17:00", [["09:00", "12:00"], ["13:30", "17:00"]]),
    ("9h-12h et 14h-17h", [["09:00", "12:00"], ["14:00", "17:00"]]),
    ("de 9h à 12h et de 14h à 17h", [["09:00", "12:00"], ["14:00", "17:00"]]),
    ("9h00–12h00 / 13h30 – 17h", [["09:00", "12:00"], ["13:30", "17:00"]]),
    ("8.30-12", [["08:30", "12:00"]]),
    ("9-12; 14-17", [["09:00", "12:00"], ["14:00", "17:00"]]),
    ("fermé", []),
    ("Fermé.", []),
    ("ferme", []),
    ("", []),
    ("  ", []),
]
REFUSED = [
    ("9h", "il manque l'heure de fin"),
    ("9h-25h", "n'est pas une heure"),
    ("12h-9h", "l'heure de fin doit suivre l'heure de début"),
    ("le matin", "n'est pas compris"),
    ("9h 12h", "n'est pas compris"),
    ("9h60-12h", "n'est pas une heure"),
]


@pytest.mark.parametrize(("text", "intervals"), WRITTEN)
def test_common_french_notations(text, intervals):
    assert parse_day(text) == intervals


@pytest.mark.parametrize(("text", "words"), REFUSED)
def test_what_cannot_be_read_is_said(text, words):
    with pytest.raises(HoursInputError) as caught:
        parse_day(text)
    assert words in caught.value.message


def _draft(client):
    user = PorteurUserFactory()
    client.force_login(user)
    url = client.post(reverse("workflows:application_start")).url
    return url.strip("/").split("/")[1]


def test_the_hours_step_accepts_them_and_shows_the_normalised_value(client):
    app_id = _draft(client)
    step = reverse("workflows:draft_step", args=[app_id, "horaires"])
    response = client.post(
        step,
        {
            "mo": "9h-12h",
            "tu": "9 h 30 - 12 h",
            "we": "de 9h à 12h",
            "th": "09:00-12:00 13:30-17:00",
            "fr": "fermé",
            "sa": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    hours = Application.objects.get(pk=app_id).draft_declaration["opening_hours"]
    assert hours == {
        "mo": MORNING,
        "tu": [["09:30", "12:00"]],
        "we": MORNING,
        "th": [["09:00", "12:00"], ["13:30", "17:00"]],
    }
    html = client.get(step).content.decode()
    assert 'value="09:30-12:00"' in html
    assert 'value="09:00-12:00, 13:30-17:00"' in html


def test_the_hours_step_keeps_what_was_typed_and_says_what_is_wrong(client):
    app_id = _draft(client)
    step = reverse("workflows:draft_step", args=[app_id, "horaires"])
    response = client.post(step, {"mo": "9h-12h", "tu": "le matin"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="le matin"' in html
    assert "n&#x27;est pas compris" in html
    assert 'href="#id_tu"' in html  # the error summary links to the field


def test_the_self_check_reads_the_same_hours_and_says_the_same_words(client):
    answers = {"mo": "9h-12h", "tu": "de 9h à 12h", "we": "fermé", "th": "le matin"}
    html = client.post("/verifier-mon-lieu/", answers).content.decode()
    assert "n&#x27;est pas compris" in html and 'href="#id_th"' in html
    assert 'value="le matin"' in html and 'value="09:00-12:00"' in html
    answers["th"] = "09:00-12:00 13:30-17:00"
    html = client.post(
        "/verifier-mon-lieu/", answers, headers={"X-Requested-With": "fetch"}
    ).content.decode()
    assert "Mardi : 9 h – 12 h" in html and "Jeudi : 9 h – 12 h, 13 h 30 – 17 h" in html
    # the verdict words are those of the application's panel
    app = wf.drafted()
    client.force_login(app.created_by)
    panel = client.get(reverse("workflows:draft_step", args=[app.pk, "horaires"])).content.decode()
    for words in ("Rempli", "Non rempli", "À surveiller"):
        if words in panel:
            break
    else:
        pytest.fail("the panel does not use the self-check's words")
    assert not re.search(r">\s*(Respecté|Non respecté|Avertissement)\s*<", panel)


def test_the_json_contract_stays_strict():
    declaration = {
        "schema": "declaration/1",
        "reference_date": "2026-06-01",
        "site": {
            "name": "Lieu",
            "commune_insee": "63003",
            "porteur": {"kind": "commune", "name": "Commune"},
        },
        "opening_hours": {"mo": [["9h", "12h"]]},
        "agents": [],
        "operators": [],
        "premises": {},
    }
    with pytest.raises(InvalidDeclaration):
        validate_declaration(declaration)
