"""The main path of a label application in a real headless Chromium: a porteur drafts and
submits, an instructor instructs, collects conventions and proposes, a signataire signs."""

import datetime
import os
import re

import pytest

from labelling.models import Place
from labelling.models.network import LabelStatus
from tests.factories import InstructeurFactory, PorteurUserFactory, SignataireFactory
from tests.workflows import factories as wf
from workflows.models import Application, State

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="Chromium absent"),
]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "mot-de-passe-solide"
CSP_VIOLATIONS: list[str] = []


@pytest.fixture
def browser(monkeypatch, transactional_db):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test stay
    # synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def signed_in(browser, live_server, user):
    page = browser.new_context(locale="fr-FR").new_page()
    page.set_default_timeout(20_000)
    # What the Content-Security-Policy refuses, Chromium reports on the console.
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and CSP_VIOLATIONS.append(f"{page.url}: {message.text}")
        ),
    )
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Adresse électronique").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def save_and_continue(page):
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_load_state()


def check(page, field_id):
    page.locator(f"label[for={field_id}]").click()


def test_main_path_in_a_browser(live_server, browser):
    porteur = PorteurUserFactory()
    instructor = InstructeurFactory(departement_id="63")
    signataire = SignataireFactory(departement_id="63")

    # --- the porteur drafts, step by step, and submits
    page = signed_in(browser, live_server, porteur)
    page.goto(f"{live_server.url}/candidatures/")
    page.get_by_role("button", name="Nouvelle candidature").click()
    page.wait_for_url(re.compile(r".*/etapes/porteur/$"))
    assert "Vérification du cahier des charges" in page.content()
    assert serious_violations(page) == []
    page.get_by_label("Nom du porteur").fill("Commune d'Ambert")
    save_and_continue(page)

    page.get_by_label("Nom du lieu").fill("France Services d'Ambert")
    page.get_by_label("Adresse").fill("1 place de la Mairie")
    # The commune: typed by name, chosen among the suggestions of the app's own territories.
    commune_field = page.get_by_label("Commune")
    commune_field.press_sequentially("amber")
    page.wait_for_selector(
        '#id_commune_insee-suggestions option[value="Ambert (63003)"]', state="attached"
    )
    commune_field.fill("Ambert (63003)")
    assert serious_violations(page) == []
    save_and_continue(page)

    for day in ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi"):
        page.get_by_label(re.compile(f"^{day}")).fill("09:00-12:00, 13:30-17:00")
    save_and_continue(page)

    assert serious_violations(page) == []  # the agents step (a formset)
    for index, (name, trained_on) in enumerate(
        [("Claire Martin", "2021-03-01"), ("Paul Roux", "2022-05-10")]
    ):
        page.locator(f"#id_agents-{index}-name").fill(name)
        page.locator(f"#id_agents-{index}-fte").fill("1")
        page.locator(f"#id_agents-{index}-france_services_initiale_on").fill(trained_on)
    save_and_continue(page)

    for code in wf.NATIONAL:
        page.locator(f"#id_op_{code}").select_option("remote")
    save_and_continue(page)

    for field in ("confidential_office", "digital_space", "accessible_pmr"):
        check(page, f"id_{field}")
    save_and_continue(page)

    page.get_by_label("Intitulé de la pièce").fill("Délibération du conseil municipal")
    page.locator("#id_piece-file").set_input_files(
        files=[
            {"name": "deliberation.pdf", "mimeType": "application/pdf", "buffer": wf.MINIMAL_PDF}
        ]
    )
    page.get_by_role("button", name="Ajouter la pièce").click()
    page.wait_for_load_state()
    assert "Délibération du conseil municipal" in page.content()
    save_and_continue(page)

    page.wait_for_url(re.compile(r".*/depot/$"))
    assert "Conforme" in page.content()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Déposer la candidature").click()
    page.wait_for_url(re.compile(r".*/dossiers/[0-9a-f-]+/$"))
    assert "Votre dossier est déposé" in page.content()
    app = Application.objects.get()
    assert app.state == State.SUBMITTED
    detail = f"{live_server.url}/dossiers/{app.pk}/"

    # --- the instructor declares it complete, reviews, closes the consultation, collects
    #     conventions and proposes
    page = signed_in(browser, live_server, instructor)
    page.goto(f"{live_server.url}/instruction/")
    assert serious_violations(page) == []
    page.get_by_role("link", name=app.reference).click()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Vérifier la complétude").click()
    page.get_by_label("Le dossier est-il complet ?").select_option("complet")
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url(detail)
    page.get_by_role("link", name="Apprécier les critères").click()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Enregistrer et terminer l'instruction des critères").click()
    page.wait_for_url(detail)
    page.get_by_role("button", name="Clore la consultation").click()
    page.wait_for_url(detail)
    assert Application.objects.get().state == State.CONVENTIONS
    for tracking in app.convention_trackings.select_related("operator"):
        page.goto(f"{detail}conventions/{tracking.operator_id}/etat/")
        page.get_by_label("Nouvel état").select_option("national")
        page.get_by_role("button", name="Valider").click()
        page.wait_for_url(re.compile(r".*#conventions$"))
    page.get_by_role("button", name="Terminer l'étape des conventions").click()
    page.wait_for_url(detail)
    page.get_by_role("link", name="Rédiger la proposition").click()
    page.get_by_label("Proposition").select_option("label")
    page.get_by_label("Motifs").fill("Le lieu remplit le cahier des charges.")
    page.get_by_label("Date d'effet proposée (si labellisation)").fill("2030-01-01")
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url(detail)
    assert Application.objects.get().state == State.DECISION

    # --- the signataire signs
    page = signed_in(browser, live_server, signataire)
    page.goto(detail)
    page.get_by_role("link", name="Signer la décision").click()
    page.get_by_role("button", name="Signer").click()
    page.wait_for_url(detail)
    assert "Labellisé" in page.content()

    place = Place.objects.get(pk=app.place_id)
    assert place.label_status == LabelStatus.LABELLED
    assert place.labelled_on == datetime.date.today()
    assert place.label_effective_on == datetime.date(2030, 1, 1)
    # Every page of the path worked under the Content-Security-Policy.
    assert CSP_VIOLATIONS == []
