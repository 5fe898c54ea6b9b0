"""The main journeys of Estampille in a real headless Chromium (Debian's), against the app served
by the live test server (issue 17). On every page visited: an axe-core audit (no violation of
impact serious or critical), a title that says where one is, and nothing refused by the
Content-Security-Policy. At least one form per journey is completed with the keyboard alone.
Screenshots of the key pages go to tests/artifacts/ (ignored by git).

1. a future porteur: self-check, invitation, account, a draft over two sessions, upload,
   submission, answer to a request for more, acknowledgement downloaded and read back;
2. the préfecture: the file found in the queue, instructed, conventions, proposal; the
   signataire signs; the arrêté downloaded, read back, its seal validated and its code verified;
   the funding decision of the year of effect proposed and signed;
3. a porteur answers its yearly renewal review; the instructor renews the label;
4. a national user: the network status filtered by région, a table exported, the map; an
   anonymous visitor finds the nearest place from a postcode and opens its page.
"""

import csv
import datetime
import io
import os
import re
import subprocess
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command

from tests.factories import InstructeurFactory, SignataireFactory, UserFactory, commune
from tests.workflows import factories as wf
from tests.workflows.onboarding.test_onboarding import NEW_SIRET
from workflows.models import Application, State

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="Chromium absent"),
]

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "mot-de-passe-solide"
DEMO_PASSWORD = "Estampille-demo-2026"


# --- the browser and what is checked on every page ----------------------------------------------


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test stay
    # synchronous and safe.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


class Visit:
    """One person's browser session: every page it reaches is checked."""

    def __init__(self, browser, live_server, journey: str):
        self.context = browser.new_context(locale="fr-FR", accept_downloads=True)
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.base = live_server.url
        self.journey = journey
        self.csp_violations: list[str] = []
        self.page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text
                and self.csp_violations.append(f"{self.page.url}: {message.text}")
            ),
        )
        self.checked: list[str] = []

    def goto(self, path: str):
        self.page.goto(self.base + path)
        return self.check()

    def check(self, screenshot: str = ""):
        """The page now shown: axe audit, title, and an optional screenshot."""
        from axe_playwright_python.sync_playwright import Axe

        page = self.page
        page.wait_for_load_state()
        title = page.title()
        assert title.endswith(" — Estampille") and len(title) > len(" — Estampille"), (
            f"{page.url}: title « {title} »"
        )
        results = Axe().run(page)
        serious = [
            f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], f"{page.url}: {serious}"
        self.checked.append(page.url)
        if screenshot:
            page.screenshot(path=ARTIFACTS / f"{self.journey}-{screenshot}.png", full_page=True)
        return page

    def sign_in(self, email: str, password: str = PASSWORD):
        page = self.goto("/compte/connexion/")
        page.get_by_label("Adresse électronique").fill(email)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(f"{self.base}/")
        return self.check()

    def close(self):
        assert self.csp_violations == []
        self.context.close()


def focus_by_tab(page, selector: str, *, limit: int = 80) -> None:
    """Press Tab until the element has the focus, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement === document.querySelector(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def type_in(page, selector: str, text: str) -> None:
    focus_by_tab(page, selector)
    page.keyboard.type(text)


def press_enter_and_wait(page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def pdf_text(path: str) -> str:
    """The text of a PDF, typographic apostrophes and spaces read as plain ones."""
    text = subprocess.run(
        ["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.replace("\u2019", "'").replace("\u202f", " ").replace("\u00a0", " ")


def seal_status(path: Path):
    """The PAdES seal of a downloaded PDF validated by pyHanko against the seal's certificate,
    in a thread of its own (pyHanko runs an event loop; Playwright's runs in this thread)."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.documents.test_seal import validate

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(validate, path.read_bytes()).result()


def save_and_continue(page):
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_load_state()


# --- journey 1: a future porteur ---------------------------------------------------------------


def test_journey_1_a_future_porteur_from_self_check_to_acknowledgement(
    live_server, browser, settings
):
    settings.SITE_URL = live_server.url  # the links of the e-mails
    from labelling.models import Place
    from labelling.models.network import LabelStatus
    from workflows.onboarding import services as onboarding

    national = UserFactory(email="anct@example.gouv.fr")
    instructor = InstructeurFactory(email="instructeur@puy-de-dome.gouv.fr")
    place = Place.objects.create(
        name="France Services d'Ambert",
        commune=commune("63003"),
        label_status=LabelStatus.LABELLED,
        label_effective_on=datetime.date(2020, 1, 1),
        email="mairie@ambert.example.fr",
        id_fs="fs-ambert",
    )

    # --- an anonymous visitor checks their project against the cahier des charges
    visitor = Visit(browser, live_server, "j1")
    page = visitor.goto("/")
    page.get_by_role("link", name="Mon lieu peut-il être labellisé ?").first.click()
    page = visitor.check()
    for day in ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi"):
        page.get_by_label(re.compile(f"^{day}")).fill("9h-12h, 13h30-17h")  # as people write
    page.get_by_role("button", name="Vérifier").click()
    page = visitor.check("auto-verification")
    results = page.locator("#selfcheck-results").inner_text()
    # The opening hours meet the cahier des charges…
    assert page.locator("#selfcheck-results .fr-badge--success").count() >= 1
    assert "Votre lieu ne remplit pas encore toutes les conditions" in results  # …not all
    visitor.close()

    # --- the agency invites the porteur of the place; the link comes by e-mail
    onboarding.invite(user=national, place_id=place.pk, email="mairie@ambert.example.fr")
    link = re.search(r"https?://\S+/invitation/[0-9a-f]{64}/", mail.outbox[-1].body).group(0)
    assert link.startswith(live_server.url)

    # --- the invitee creates the account with the keyboard alone
    porteur = Visit(browser, live_server, "j1")
    porteur.page.goto(link)
    page = porteur.check("invitation")
    type_in(page, "#id_first_name", "Camille")
    type_in(page, "#id_last_name", "Durand")
    typo = NEW_SIRET[:-1] + str((int(NEW_SIRET[-1]) + 1) % 10)
    type_in(page, "#id_siret", typo)  # a typo: refused, the error is announced
    type_in(page, "#id_porteur_name", "Commune d'Ambert")
    focus_by_tab(page, "#id_porteur_kind")
    page.keyboard.press("ArrowDown")  # the first kind of porteur
    type_in(page, "#id_password", PASSWORD + "-ambert")
    type_in(page, "#id_password_again", PASSWORD + "-ambert")
    page.keyboard.press("Tab")
    press_enter_and_wait(page)
    page = porteur.check("invitation-erreur")
    summary = page.locator("[data-error-summary]")
    assert page.title().startswith("Erreur — ")
    assert page.evaluate("() => document.activeElement.hasAttribute('data-error-summary')")
    assert "SIRET du porteur" in summary.inner_text()
    # The values typed are kept (but the passwords).
    assert page.locator("#id_porteur_name").input_value() == "Commune d'Ambert"
    page.keyboard.press("Tab")  # the summary's link…
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "id_siret"  # …leads to the field
    page.keyboard.press("Control+A")
    page.keyboard.type(NEW_SIRET)
    type_in(page, "#id_password", PASSWORD + "-ambert")
    type_in(page, "#id_password_again", PASSWORD + "-ambert")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page = porteur.check("invitation-acceptee")
    assert "Invitation acceptée" in page.title()
    porteur.close()

    from workflows.onboarding.models import Invitation

    onboarding.confirm(user=instructor, invitation_id=Invitation.objects.get().pk)

    # --- first session: the porteur starts an application and stops after two steps
    session1 = Visit(browser, live_server, "j1")
    page = session1.sign_in("mairie@ambert.example.fr", PASSWORD + "-ambert")
    page.get_by_role("link", name="Mes candidatures", exact=True).click()
    page = session1.check("mes-candidatures")
    page.get_by_role("button", name="Nouvelle candidature").click()
    page.wait_for_url(re.compile(r".*/etapes/porteur/$"))
    page = session1.check()
    save_and_continue(page)
    page = session1.check()
    page.get_by_label("Nom du lieu").fill("France Services d'Ambert — antenne de Marsac")
    page.get_by_label("Adresse").fill("2 place de l'Église")
    commune_field = page.get_by_label("Commune")
    commune_field.press_sequentially("marsac-en")
    page.wait_for_selector(
        '#id_commune_insee-suggestions option[value="Marsac-en-Livradois (63211)"]',
        state="attached",
    )
    commune_field.fill("Marsac-en-Livradois (63211)")
    save_and_continue(page)
    session1.check()
    session1.close()  # the browser is closed: the session ends

    # --- second session: the draft is there as it was left
    session2 = Visit(browser, live_server, "j1")
    page = session2.sign_in("mairie@ambert.example.fr", PASSWORD + "-ambert")
    page.get_by_role("link", name="Mes candidatures", exact=True).click()
    page = session2.check()
    app = Application.objects.get()
    assert app.state == State.DRAFT
    page.get_by_role("link", name=re.compile("Reprendre|" + app.reference)).first.click()
    page = session2.check()
    if "etapes" not in page.url:
        page.get_by_role("link", name="Reprendre le brouillon").click()
        page = session2.check()
    page.goto(f"{live_server.url}/candidatures/{app.pk}/etapes/lieu/")
    page = session2.check()
    assert page.get_by_label("Nom du lieu").input_value() == (
        "France Services d'Ambert — antenne de Marsac"
    )
    save_and_continue(page)
    for day in ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi"):
        page.get_by_label(re.compile(f"^{day}")).fill("09:00-12:00, 13:30-17:00")
    save_and_continue(page)
    page = session2.check()
    for index, (name, trained_on) in enumerate(
        [("Claire Martin", "2021-03-01"), ("Paul Roux", "2022-05-10")]
    ):
        page.locator(f"#id_agents-{index}-name").fill(name)
        page.locator(f"#id_agents-{index}-fte").fill("1")
        page.locator(f"#id_agents-{index}-france_services_initiale_on").fill(trained_on)
    save_and_continue(page)
    page = session2.check()
    for code in wf.NATIONAL:
        page.locator(f"#id_op_{code}").select_option("remote")
    save_and_continue(page)
    page = session2.check()
    for field in ("confidential_office", "digital_space", "accessible_pmr"):
        page.locator(f"label[for=id_{field}]").click()
    save_and_continue(page)
    page = session2.check("pieces")
    page.get_by_label("Intitulé de la pièce").fill("Délibération du conseil municipal")
    page.locator("#id_piece-file").set_input_files(
        files=[
            {"name": "deliberation.pdf", "mimeType": "application/pdf", "buffer": wf.MINIMAL_PDF}
        ]
    )
    page.get_by_role("button", name="Ajouter la pièce").click()
    page = session2.check()
    assert "Délibération du conseil municipal" in page.content()
    save_and_continue(page)
    page.wait_for_url(re.compile(r".*/depot/$"))
    page = session2.check("depot")
    page.get_by_role("button", name="Déposer la candidature").click()
    page.wait_for_url(re.compile(r".*/dossiers/[0-9a-f-]+/$"))
    page = session2.check("depose")
    assert "Votre dossier est déposé" in page.content()
    app.refresh_from_db()
    assert app.state == State.SUBMITTED
    detail = f"/dossiers/{app.pk}/"

    # --- the préfecture asks for more
    agent = Visit(browser, live_server, "j1")
    page = agent.sign_in(instructor.email)
    page = agent.goto(detail)
    page.get_by_role("link", name="Vérifier la complétude").click()
    page = agent.check()
    page.get_by_label("Le dossier est-il complet ?").select_option("incomplet")
    page.get_by_label("Ce que le porteur doit compléter").fill(
        "Joignez l'attestation de formation de Paul Roux."
    )
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url(f"{live_server.url}{detail}")
    agent.check()
    agent.close()
    app.refresh_from_db()
    assert app.state == State.INCOMPLETE

    # --- the porteur reads the request, adds the piece and submits again
    page = session2.goto(detail)
    assert "La préfecture attend des compléments" in page.content()
    assert "attestation de formation de Paul Roux" in page.content()
    page.get_by_role("link", name="Compléter le dossier").click()
    page = session2.check()
    page.goto(f"{live_server.url}/candidatures/{app.pk}/etapes/pieces/")
    page = session2.check()
    page.get_by_label("Intitulé de la pièce").fill("Attestation de formation de Paul Roux")
    page.locator("#id_piece-file").set_input_files(
        files=[{"name": "attestation.pdf", "mimeType": "application/pdf", "buffer": wf.MINIMAL_PDF}]
    )
    page.get_by_role("button", name="Ajouter la pièce").click()
    page = session2.check()
    save_and_continue(page)
    page.wait_for_url(re.compile(r".*/depot/$"))
    page = session2.check()
    page.get_by_role("button", name=re.compile("Déposer")).click()
    page.wait_for_url(re.compile(r".*/dossiers/[0-9a-f-]+/$"))
    page = session2.check("redepose")
    app.refresh_from_db()
    assert app.state == State.SUBMITTED

    # --- the acknowledgement, downloaded and read back
    with page.expect_download() as download_info:
        page.locator("#documents").get_by_role("link", name=re.compile("ccusé")).first.click()
    download = download_info.value
    path = ARTIFACTS / "j1-accuse-de-reception.pdf"
    download.save_as(path)
    text = pdf_text(str(path))
    assert app.reference in text
    assert "Ambert" in text
    session2.close()


# --- journey 4: the national view, and a visitor looking for the nearest place -----------------


def test_journey_4_network_status_by_region_and_the_nearest_place_from_a_postcode(
    live_server, browser
):
    # The real national list (an extract of 621 places, with their positions).
    call_command(
        "import_national_list",
        str(Path(__file__).resolve().parents[1] / "data" / "france-services-sample.csv"),
        stdout=io.StringIO(),
    )
    national = UserFactory(email="reseau@anct.gouv.fr")

    # --- the national user signs in with the keyboard alone
    agency = Visit(browser, live_server, "j4")
    page = agency.goto("/compte/connexion/")
    type_in(page, "#id_username", national.email)
    type_in(page, "#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    agency.check("accueil-national")

    # --- the network status, France entière, then one région chosen with the keyboard
    page.get_by_role("link", name="État du réseau", exact=True).click()
    page = agency.check("reseau-france")
    assert "France entière" in page.get_by_role("heading", level=1).inner_text()
    focus_by_tab(page, "#f-region")
    # The arrow keys walk the closed select's options (typing a name would depend on the
    # browser's type-ahead delay).
    for _ in range(30):
        if page.locator("#f-region").input_value() == "84":
            break
        page.keyboard.press("ArrowDown")
    assert page.locator("#f-region").input_value() == "84"  # Auvergne-Rhône-Alpes
    focus_by_tab(page, "form[aria-label='Choisir la partie du réseau'] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page = agency.check("reseau-region")
    assert "Auvergne-Rhône-Alpes" in page.get_by_role("heading", level=1).inner_text()
    assert "region=84" in page.url

    # --- a table exported: the région's lines only
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Exporter le tableau « Lieux par statut » en CSV").click()
    path = ARTIFACTS / "j4-lieux-par-statut.csv"
    download_info.value.save_as(path)
    content = path.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";" if ";" in content else ","))
    names = " ".join(cell for row in rows[1:] for cell in row[:2])
    assert "Puy-de-Dôme" in names and "Hérault" not in names

    # --- the map of the région's places
    page.get_by_role("link", name="Carte des lieux").first.click()
    page.wait_for_selector("#carte .leaflet-marker-icon, #carte .marker-cluster")
    agency.check("reseau-carte")
    agency.close()

    # --- an anonymous visitor: the nearest place from a postcode, then its page
    visitor = Visit(browser, live_server, "j4")
    page = visitor.goto("/")
    type_in(
        page,
        "#" + page.get_by_label("Commune, code postal ou département").get_attribute("id"),
        "63300",
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page = visitor.check("annuaire-code-postal")
    assert "63300" in page.title()
    first = page.locator("[data-result]").first
    assert "France services de Thiers" in first.inner_text()
    first.get_by_role("link").first.click()
    page = visitor.check("fiche-lieu")
    assert page.get_by_role("heading", level=1).inner_text() == "France services de Thiers"
    assert "63300" in page.content()
    # The accessibility statement, from the footer of any page.
    page.get_by_role("link", name="Accessibilité : partiellement conforme").click()
    page = visitor.check("declaration-accessibilite")
    assert page.get_by_role("heading", level=1).inner_text() == "Déclaration d'accessibilité"
    visitor.close()


# --- journey 2: the préfecture instructs, the signataire signs, the funding follows -----------


def test_journey_2_instruction_signature_arrete_verified_and_funding_signed(live_server, browser):
    from decimal import Decimal

    from labelling.funding import services as rule_services

    national = UserFactory(email="financement@anct.gouv.fr")
    instructor = InstructeurFactory(email="instructeur@puy-de-dome.gouv.fr")
    signataire = SignataireFactory(email="prefet@puy-de-dome.gouv.fr")
    for funder in ("fnadt", "fonds_national_fs"):
        rule_services.set_envelope(
            user=national,
            departement_code="63",
            year=2027,
            funder_code=funder,
            amount=Decimal("100000"),
        )
    app = wf.submitted()
    detail = f"{live_server.url}/dossiers/{app.pk}/"

    # --- the instructor finds the file in the queue, instructs it, collects the conventions
    #     and proposes the label
    agent = Visit(browser, live_server, "j2")
    page = agent.sign_in(instructor.email)
    page.get_by_role("link", name="Dossiers", exact=True).click()
    page = agent.check("file")
    page.get_by_role("link", name=app.reference).click()
    page = agent.check("dossier-depose")
    page.get_by_role("link", name="Vérifier la complétude").click()
    page = agent.check()
    page.get_by_label("Le dossier est-il complet ?").select_option("complet")
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url(detail)
    page.get_by_role("link", name="Apprécier les critères").click()
    page = agent.check("criteres")
    page.get_by_role("button", name="Enregistrer et terminer l'instruction des critères").click()
    page.wait_for_url(detail)
    page.get_by_role("button", name="Clore la consultation").click()
    page.wait_for_url(detail)
    for tracking in app.convention_trackings.select_related("operator"):
        page.goto(f"{detail}conventions/{tracking.operator_id}/etat/")
        page.get_by_label("Nouvel état").select_option("national")
        page.get_by_role("button", name="Valider").click()
        page.wait_for_url(re.compile(r".*#conventions$"))
    agent.check("conventions")
    page.get_by_role("button", name="Terminer l'étape des conventions").click()
    page.wait_for_url(detail)
    page.get_by_role("link", name="Rédiger la proposition").click()
    page = agent.check("proposition")
    page.get_by_label("Proposition").select_option("label")
    page.get_by_label("Motifs").fill("Le lieu remplit le cahier des charges.")
    page.get_by_label("Date d'effet proposée (si labellisation)").fill("2027-01-01")
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url(detail)
    agent.check()
    assert Application.objects.get().state == State.DECISION

    # --- the signataire signs; the arrêté is downloaded and read back
    prefet = Visit(browser, live_server, "j2")
    page = prefet.sign_in(signataire.email)
    page.goto(detail)
    page = prefet.check()
    page.get_by_role("link", name="Signer la décision").click()
    page = prefet.check("signature")
    page.get_by_role("button", name="Signer").click()
    page.wait_for_url(detail)
    page = prefet.check("dossier-labellise")
    assert "Labellisé" in page.content()
    with page.expect_download() as download_info:
        page.locator("#documents").get_by_role("link", name=re.compile("^Arrêté")).first.click()
    arrete = ARTIFACTS / "j2-arrete.pdf"
    download_info.value.save_as(arrete)
    text = pdf_text(str(arrete))
    assert "France Services d'Ambert" in text
    assert "janvier 2027" in text  # the date of effect
    code = re.search(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b", text).group(0)
    status = seal_status(arrete)  # the electronic seal holds
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()

    # --- anyone verifies it: the code typed with the keyboard alone, then the file compared
    checker = Visit(browser, live_server, "j2")
    page = checker.goto("/verifier/")
    type_in(page, "#id_code", code.lower().replace("-", " "))  # as read aloud
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page = checker.check("verification")
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Vérification d'un document officiel"
    )
    assert "Situation : en vigueur" in page.content()
    page.locator("input[type=file]").set_input_files(str(arrete))
    page.get_by_role("button", name="Comparer", exact=True).click()
    page = checker.check()
    assert "Le fichier est identique au document original." in page.content()
    checker.close()

    # --- the funding decision of the year of effect: proposed by the instructor…
    page = agent.goto("/financements/?annee=2027")
    page.locator("tr", has_text="France Services d'Ambert").get_by_role("link").first.click()
    page = agent.check("financement")
    funding_url = page.url
    page.get_by_role("link", name="Proposer à la signature").or_(
        page.get_by_role("button", name="Proposer à la signature")
    ).first.click()
    page.wait_for_load_state()
    if page.url != funding_url:  # a confirmation page
        page = agent.check()
        page.get_by_role("button", name=re.compile("Proposer|Valider")).first.click()
        page.wait_for_url(funding_url)
    agent.check()
    agent.close()

    # --- …and signed by the signataire; the decision is read back
    page = prefet.goto(funding_url.removeprefix(live_server.url))
    page.get_by_role("link", name="Signer la décision").or_(
        page.get_by_role("button", name="Signer la décision")
    ).first.click()
    page = prefet.check("financement-signature")
    page.get_by_role("button", name=re.compile("^Signer")).first.click()
    page.wait_for_url(funding_url)
    page = prefet.check("financement-signe")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Arrêté attributif de subvention (PDF)").click()
    decision = ARTIFACTS / "j2-decision-financement.pdf"
    download_info.value.save_as(decision)
    text = pdf_text(str(decision))
    assert "au titre de l'année 2027" in text
    assert re.search(r"\d[\d ]*,\d\d €", text)  # amounts in French
    prefet.close()


# --- journey 3: the yearly renewal review ------------------------------------------------------


def test_journey_3_the_porteur_answers_its_yearly_review_and_the_label_is_renewed(
    live_server, browser, settings
):
    from tests.workflows.renewal.helpers import conform_place, porteur_user_of
    from workflows.renewal import services as renewal
    from workflows.renewal.models import Review, ReviewState

    settings.SITE_URL = live_server.url  # the links of the e-mails
    place = conform_place(name="France Services de Cunlhat", commune=commune("63125"))
    porteur = porteur_user_of(place)
    porteur.set_password(PASSWORD)
    porteur.save()
    instructor = InstructeurFactory(email="instructeur@puy-de-dome.gouv.fr")
    today = datetime.date.today()
    renewal.open_campaign(year=today.year)
    review = Review.objects.get(place=place)
    link = re.search(r"https?://\S+/revues/[0-9a-f-]+/", mail.outbox[-1].body).group(0)

    # --- the porteur follows the e-mail's link, updates the hours and submits the review
    visit = Visit(browser, live_server, "j3")
    visit.sign_in(porteur.email)
    page = visit.page
    page.goto(link)
    page = visit.check("revue")
    page.get_by_role("link", name=re.compile("^Horaires")).first.click()
    page = visit.check("revue-horaires")
    page.get_by_label(re.compile("^Mercredi")).fill("09:00-12:00, 13:30-18:00")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_url(link + "#declaration")
    page = visit.check()
    page.get_by_role("link", name="Déposer la revue").click()
    page = visit.check("revue-depot")
    # With the keyboard alone: first without confirming the activity (the error is announced),
    # then confirmed.
    focus_by_tab(page, "#content form[method=post] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page = visit.check("revue-depot-erreur")
    assert page.title().startswith("Erreur — ")
    assert page.evaluate("() => document.activeElement.hasAttribute('data-error-summary')")
    focus_by_tab(page, "#id_activity_confirmed")
    page.keyboard.press("Space")
    focus_by_tab(page, "#content form[method=post] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page = visit.check("revue-deposee")
    review.refresh_from_db()
    assert review.state == ReviewState.SUBMITTED
    visit.close()

    # --- the instructor finds it among the reviews and renews the label
    agent = Visit(browser, live_server, "j3")
    page = agent.sign_in(instructor.email)
    page.get_by_role("link", name="Revues annuelles", exact=True).click()
    page = agent.check("revues")
    page.locator("tr", has_text="France Services de Cunlhat").get_by_role("link").first.click()
    page = agent.check()
    page.get_by_role("link", name="Renouveler le label").click()
    page = agent.check()
    page.get_by_label("Commentaire (facultatif)").fill("Horaires élargis le mercredi : merci.")
    page.get_by_role("button", name="Renouveler le label").click()
    page.wait_for_url(re.compile(re.escape(link)))
    page = agent.check("revue-renouvelee")
    review.refresh_from_db()
    assert review.state == ReviewState.RENEWED
    assert place.opening_intervals.filter(weekday=2, end_minute=18 * 60).exists()
    agent.close()
