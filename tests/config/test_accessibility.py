"""Accessibility that the server answers for (RGAA): the statement linked from every page's footer,
page titles that say where one is on every kind of page of every role, and form errors announced
in a summary whose links lead to the fields."""

import io
import re
import uuid
from html import unescape

import pytest
from django.core.management import call_command

from labelling.models import User
from tests.factories import InstructeurFactory
from tests.workflows import factories as wf

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return unescape(response.content.decode())


def title_of(response) -> str:
    return re.search(r"<title>(.*?)</title>", text(response), re.S).group(1).strip()


def error_summary(response) -> str:
    match = re.search(r"<div[^>]*data-error-summary[^>]*>(.*?)</div>", text(response), re.S)
    assert match, "no error summary on the page"
    return match.group(0)


def test_the_accessibility_statement_gives_its_real_status_and_recourse(client, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "accessibilite@anct.gouv.fr"
    page = client.get("/accessibilite/")
    assert page.status_code == 200
    body = text(page)
    assert title_of(page) == "Déclaration d'accessibilité — Estampille"
    assert "Estampille est partiellement conforme" in body
    assert "RGAA" in body and "version 4.1.2" in body
    for part in (
        "Résultats des tests",
        "Pages contrôlées",
        "Non-conformités connues",
        "Contenus non soumis à l'obligation d'accessibilité",
        "Retour d'information et contact",
        "Voies de recours",
        "Défenseur des droits",
        "Libre réponse 71120",
    ):
        assert part in body, part
    assert 'href="mailto:accessibilite@anct.gouv.fr"' in body
    assert "/reseau/" in body and "/annuaire/" in body  # audited pages named


@pytest.mark.parametrize(
    "url", ["/", "/annuaire/", "/compte/connexion/", "/page-qui-n-existe-pas/"]
)
def test_every_page_links_the_statement_from_its_footer(client, url):
    body = text(client.get(url))
    footer = body[body.index('id="footer"') :]
    assert '<a class="fr-footer__bottom-link" href="/accessibilite/">' in footer
    assert "Accessibilité : partiellement conforme" in footer


# --- page titles -------------------------------------------------------------------------------

SKIP = re.compile(
    r"/(admin|api|media-non-publique|static)/|deconnexion|telecharger|export|\.(csv|xlsx|json|pdf)|format="
)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def crawl(client, *, limit: int = 40):
    """Every kind of page reachable by links from the home page (one page per URL shape)."""
    queue, shapes, pages = ["/"], set(), []
    while queue and len(pages) < limit:
        url = queue.pop(0)
        shape = UUID.sub("<id>", url.split("?")[0]) + ("?" if "?" in url else "")
        if shape in shapes:
            continue
        shapes.add(shape)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        pages.append((url, response))
        for href in re.findall(r'href="(/[^"#]*)"', response.content.decode()):
            href = unescape(href)
            if not SKIP.search(href):
                queue.append(href)
    return pages


@pytest.mark.slow
def test_every_page_title_says_where_one_is_for_every_role(client):
    call_command("seed_demo", stdout=io.StringIO())
    roles = [
        None,
        "porteur-63@estampille.test",
        "instructeur-63@estampille.test",
        "signataire-63@estampille.test",
        "anct@estampille.test",
        "operateur-caf@estampille.test",
    ]
    problems, visited = [], 0
    for email in roles:
        client.logout()
        if email:
            client.force_login(User.objects.get(email=email))
        for url, response in crawl(client):
            visited += 1
            title = title_of(response)
            h1 = re.findall(r"<h1[^>]*>(.*?)</h1>", text(response), re.S)
            if not title.endswith(" — Estampille") or title == " — Estampille":
                problems.append(f"{email} {url}: title « {title} »")
            if len(h1) != 1:
                problems.append(f"{email} {url}: {len(h1)} h1")
    assert visited > 60
    assert problems == []


# --- errors announced and linked to their fields -----------------------------------------------


def assert_linked_errors(response, fields: list[str]):
    assert response.status_code in (200, 400, 422)
    assert title_of(response).startswith("Erreur — ")
    summary = error_summary(response)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    body = text(response)
    for field in fields:
        assert f'href="#{field}"' in summary, field
        tag = re.search(rf'<[^>]*id="{field}"[^>]*>', body).group(0)
        if tag.startswith(("<input", "<select", "<textarea")):
            assert 'aria-invalid="true"' in tag and f'aria-describedby="{field}-messages"' in tag
        assert f'id="{field}-messages"' in body


def test_sign_in_errors_are_announced(client):
    response = client.post("/compte/connexion/", {"username": "", "password": ""})
    assert_linked_errors(response, ["id_username", "id_password"])
    wrong = client.post("/compte/connexion/", {"username": "x@example.fr", "password": "non"})
    summary = error_summary(wrong)
    assert "Le formulaire contient une erreur" in summary
    assert "Adresse électronique ou mot de passe incorrect." in summary


def test_password_reset_errors_are_announced(client):
    response = client.post("/compte/mot-de-passe/oubli/", {"email": "pas-une-adresse"})
    assert_linked_errors(response, ["id_email"])


def test_application_step_errors_are_announced_and_typed_values_kept(client):
    app = wf.drafted()
    client.force_login(app.created_by)
    url = f"/candidatures/{app.pk}/etapes/lieu/"
    response = client.post(url, {"name": "", "address": "12 rue des Tilleuls", "commune_insee": ""})
    fields = re.findall(r'href="#(id_[a-z_]+)"', error_summary(response))
    assert "id_name" in fields
    assert_linked_errors(response, fields)
    assert 'value="12 rue des Tilleuls"' in text(response)


def test_instruction_form_errors_are_announced(client):
    app = wf.submitted()
    instructor = InstructeurFactory(departement_id=app.departement_id)
    client.force_login(instructor)
    response = client.post(f"/dossiers/{app.pk}/completude/", {})
    fields = re.findall(r'href="#(id_[a-z_]+)"', error_summary(response))
    assert fields
    assert_linked_errors(response, fields)


def test_document_verification_errors_are_announced(client):
    response = client.get("/verifier/", {"code": "!!!"})
    assert_linked_errors(response, ["id_code"])


def test_unknown_files_are_not_found_not_errors(client):
    assert client.get(f"/dossiers/{uuid.uuid4()}/").status_code in (302, 404)


def test_directory_titles_say_what_is_searched(client):
    from tests.factories import LabelledPlaceFactory, commune

    LabelledPlaceFactory(name="France services d'Ambert", commune=commune("63003"))
    assert title_of(client.get("/annuaire/")) == "Trouver une France Services — Estampille"
    found = title_of(client.get("/annuaire/", {"q": "Ambert"}))
    assert found.endswith("— Trouver une France Services — Estampille")
    assert "Ambert" in found
