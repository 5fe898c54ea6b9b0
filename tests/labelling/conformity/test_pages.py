import datetime
import io
import re

import pytest
from openpyxl import load_workbook

from labelling.conformity.declaration import today_in_paris
from labelling.declarations import upsert_place_from_declaration
from labelling.models import ConformityReport, ImpactRun, Place, Version
from labelling.selfcheck import OPERATORS
from tests.factories import InstructeurFactory, UserFactory
from tests.labelling.conformity.helpers import conform_fs, msap

pytestmark = pytest.mark.django_db
SELFCHECK = "/verifier-mon-lieu/"


def conform_answers() -> dict:
    data = {}
    for day in ("mo", "tu", "we", "th", "fr"):
        data[day] = "09:00-12:30 13:30-17:00"
    for n in (1, 2):
        data |= {f"agent{n}_fte": "1", f"agent{n}_fs": "2023-05-02"}
    data |= {f"op_{code}": "remote" for code in OPERATORS if code != "grdf"}
    data |= {"confidential_office": "on", "digital_space": "on", "accessible_pmr": "on"}
    return data


def statuses(html: str) -> list[str]:
    return re.findall(r'data-status="(\w+)"', html)


def test_selfcheck_page_without_account_has_a_label_for_every_field(client):
    response = client.get(SELFCHECK)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mon lieu peut-il être labellisé ?" in html
    assert "estampille/selfcheck.js" in html
    ids = re.findall(r'<(?:input|select)[^>]*\bid="(id_[^"]+)"', html)
    assert len(ids) > 30  # seven days, four agents, the operators, the premises
    for field_id in ids:
        assert f'for="{field_id}"' in html, field_id
    # Empty answers: every blocking criterion is shown as missing.
    assert "fail" in statuses(html)


def test_selfcheck_fragment_turns_green_when_conform(client):
    response = client.post(SELFCHECK, conform_answers(), headers={"X-Requested-With": "fetch"})
    html = response.content.decode()
    assert "<html" not in html
    assert "Votre lieu remplit les conditions du label" in html
    assert statuses(html) == ["pass"] * 8
    assert not Place.objects.exists() and not ConformityReport.objects.exists()


def test_selfcheck_says_what_is_missing(client):
    answers = conform_answers()
    answers.pop("agent2_fs")
    answers["fr"] = "9h-12h30, 13h30-14h"
    for key in ("mo", "tu", "we"):
        answers[key] = "de 9h à 12h30"
    html = client.post(SELFCHECK, answers, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in html
    assert "ne remplit pas encore toutes les conditions" in html
    assert "il en faut au moins 2 agents" in html
    assert "il manque" in html


def test_selfcheck_reports_reversed_hours_on_the_field(client):
    answers = conform_answers() | {"mo": "9h-8h"}
    html = client.post(SELFCHECK, answers).content.decode()
    assert "<html" in html
    assert "09:00 – 08:00 : l&#x27;heure de fin doit suivre l&#x27;heure de début." in html
    assert 'href="#id_mo"' in html


# --- National pages -------------------------------------------------------------------------


@pytest.fixture
def national_client(client):
    client.force_login(UserFactory(role="national"))
    return client


@pytest.mark.parametrize("url", ["/cahier-des-charges/", "/cahier-des-charges/msap-2016/"])
def test_national_pages_are_forbidden_to_others(client, url):
    assert client.get(url).status_code == 302  # anonymous: sign in first
    client.force_login(InstructeurFactory())
    assert client.get(url).status_code == 403


def test_versions_list_and_detail(national_client):
    html = national_client.get("/cahier-des-charges/").content.decode()
    assert "msap-2016" in html and "france-services-2019" in html
    html = national_client.get("/cahier-des-charges/france-services-2019/").content.decode()
    assert "Présence des neuf partenaires nationaux" in html
    assert "Publier cette version" not in html


def test_draft_edit_and_publish(national_client):
    source = Version.objects.get(code="france-services-2019")
    response = national_client.post(
        "/cahier-des-charges/",
        {"code": "france-services-2027", "title": "France Services 2027", "copy_from": source.pk},
    )
    assert response.status_code == 302
    draft = Version.objects.get(code="france-services-2027")
    criterion = draft.criteria.get(code="opening.weekly_hours")
    url = f"/cahier-des-charges/france-services-2027/criteres/{criterion.pk}/"
    form = {
        "label": "Ouverture d'au moins 30 heures par semaine",
        "severity": "blocking",
        "params": '{"minutes": 1800}',
        "message_pass": criterion.message_pass,
        "message_fail": criterion.message_fail,
        "reference": criterion.reference,
    }
    assert "Valeurs utilisables" in national_client.get(url).content.decode()
    bad = national_client.post(url, form | {"params": '{"minutes": "trente"}'})
    assert bad.status_code == 200 and "minutes" in bad.content.decode()
    assert national_client.post(url, form).status_code == 302
    criterion.refresh_from_db()
    assert criterion.params == {"minutes": 1800}

    starts_on = today_in_paris() + datetime.timedelta(days=10)
    national_client.post(
        "/cahier-des-charges/france-services-2027/publier/", {"starts_on": starts_on.isoformat()}
    )
    draft.refresh_from_db()
    assert draft.status == "published" and draft.starts_on == starts_on
    # Published: no more edits.
    assert national_client.post(url, form).status_code == 302
    html = national_client.get(url, follow=True).content.decode()
    assert "ne se modifie plus" in html


def test_impact_of_a_draft_in_the_background(national_client, django_capture_on_commit_callbacks):
    upsert_place_from_declaration(declaration=conform_fs())
    short = conform_fs()
    short["site"]["name"] = "Antenne"
    short["opening_hours"]["sa"] = []
    upsert_place_from_declaration(declaration=short)
    other = msap()
    other["reference_date"] = "2024-11-04"
    upsert_place_from_declaration(declaration=other)
    draft = Version.objects.get(code="france-services-2019")
    national_client.post(
        "/cahier-des-charges/",
        {"code": "brouillon-impact", "title": "Brouillon", "copy_from": draft.pk},
    )
    criterion = Version.objects.get(code="brouillon-impact").criteria.get(code="opening.days")
    criterion.params = {"days": 6}
    criterion.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = national_client.post("/cahier-des-charges/brouillon-impact/impact/")
    run = ImpactRun.objects.get()
    assert response.url == f"/etudes-d-impact/{run.pk}/"
    run.refresh_from_db()
    assert run.status == "done" and run.processed == run.total == 3
    assert run.results["totals"] == {
        "places": 3,
        "conform_before": 2,
        "conform_after": 1,
        "newly_non_conform": 1,
        "newly_conform": 0,
    }
    html = national_client.get(response.url).content.decode()
    assert "Antenne" in html and "Ariège" in html and "1 deviendraient non conformes" in html

    csv_response = national_client.get(f"/etudes-d-impact/{run.pk}/export.csv")
    text = csv_response.getvalue().decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Région;Département;Lieu")
    assert "Antenne" in text and "opening.days" in text
    xlsx = national_client.get(f"/etudes-d-impact/{run.pk}/export.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.getvalue())).active
    assert sheet.max_row == 3  # header and two non-conform places


def test_a_double_click_on_impact_starts_one_study(national_client):
    """The impact run's button posted twice (a double click): one study, and the second post
    lands on the first study's page."""
    from idempotency.keys import REPLAYED
    from tests.access.test_every_form_has_a_key import key_of_form

    source = Version.objects.get(code="france-services-2019")
    list_page = national_client.get("/cahier-des-charges/")
    data = {"code": "brouillon-double", "title": "Brouillon", "copy_from": source.pk}
    data["request_key"] = key_of_form(list_page)
    first = national_client.post("/cahier-des-charges/", data)
    second = national_client.post("/cahier-des-charges/", data)
    assert first.status_code == second.status_code == 302
    assert second.url == first.url  # not « ce code existe déjà » on the form
    assert Version.objects.filter(code="brouillon-double").count() == 1

    url = "/cahier-des-charges/brouillon-double/impact/"
    key = key_of_form(national_client.get("/cahier-des-charges/brouillon-double/"), url)
    first = national_client.post(url, {"request_key": key})
    second = national_client.post(url, {"request_key": key})
    assert ImpactRun.objects.filter(version__code="brouillon-double").count() == 1
    assert second.url == first.url == f"/etudes-d-impact/{ImpactRun.objects.get().pk}/"
    page = national_client.get(second.url).content.decode()
    assert REPLAYED.replace("'", "&#x27;") in page
