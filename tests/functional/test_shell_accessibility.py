"""The DSFR shell in a real headless Chromium: sign in, navigate, and an axe audit of each page."""

import io
import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def page(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test are
    # still synchronous and safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        page = browser.new_page(locale="fr-FR")
        # What the Content-Security-Policy refuses, Chromium reports on the console.
        page.csp_violations = []
        page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text
                and page.csp_violations.append(message.text)
            ),
        )
        yield page
        browser.close()


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def seeded(transactional_db):
    """The demo data, made before the browser starts: seed_demo seals decisions (pyHanko runs
    an event loop), which cannot run in a thread where Playwright's own loop is running."""
    call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="Chromium absent")
def test_instructor_signs_in_and_browses_accessible_pages(live_server, seeded, page):
    page.goto(f"{live_server.url}/compte/connexion/")
    assert serious_violations(page) == []
    page.get_by_label("Adresse électronique").fill("instructeur-63@estampille.test")
    page.get_by_label("Mot de passe").fill("Estampille-demo-2026")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Préfecture — Puy-de-Dôme (63)"
    assert serious_violations(page) == []

    page.get_by_role("link", name="Lieux", exact=True).click()
    assert "23 lieux" in page.content()
    page.get_by_role("link", name="France Services de Tauves").click()
    assert page.get_by_role("heading", level=1).inner_text() == "France Services de Tauves"
    assert serious_violations(page) == []
    # The DSFR's own JavaScript runs under the policy (it marks the page when it starts) and
    # nothing was refused on the way.
    assert page.locator("html").get_attribute("data-fr-js") == "true"
    assert page.csp_violations == []


@pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="Chromium absent")
def test_the_public_self_check_updates_live_under_the_content_security_policy(live_server, page):
    page.goto(f"{live_server.url}/verifier-mon-lieu/")
    assert page.locator("html").get_attribute("data-fr-js") == "true"
    before = page.locator("#selfcheck-results").inner_text()
    page.locator("#id_mo").fill("8h30-12h")
    page.wait_for_function(
        "before => document.getElementById('selfcheck-results').innerText !== before", arg=before
    )
    assert page.csp_violations == []
