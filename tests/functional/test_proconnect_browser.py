"""ProConnect in a real browser: the button of the sign-in page, the provider's page, the way
back signed in, the way out through the provider's end of session, and the page of an address
without account — against the local OpenID provider of tests/oidc_provider.py."""

import os

import pytest

from tests.factories import InstructeurFactory
from tests.functional.test_journeys import Visit, browser  # noqa: F401
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, OpenIDProvider

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="Chromium absent"),
]


def test_an_agent_signs_in_and_out_with_proconnect_in_a_browser(live_server, browser, settings):  # noqa: F811
    base = live_server.url
    with OpenIDProvider(
        redirect_uri=f"{base}/compte/proconnect/retour/",
        post_logout_redirect_uri=f"{base}/compte/connexion/",
    ) as op:
        settings.PROCONNECT_ENABLED = True
        for name, path in (
            ("AUTHORIZATION", "/authorize"),
            ("TOKEN", "/token"),
            ("USER", "/userinfo"),
            ("JWKS", "/jwks"),
            ("LOGOUT", "/session/end"),
        ):
            setattr(settings, f"OIDC_OP_{name}_ENDPOINT", op.url + path)
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
        # As in production (config/settings/base.py): signing out may go on to the provider.
        policy = settings.CONTENT_SECURITY_POLICY
        settings.CONTENT_SECURITY_POLICY = {
            "DIRECTIVES": {
                **policy["DIRECTIVES"],
                "form-action": [*policy["DIRECTIVES"]["form-action"], op.url.split("/api")[0]],
            }
        }
        agent = InstructeurFactory(email="claire.martin@puy-de-dome.gouv.fr", first_name="")
        op.add_user(agent.email, given_name="Claire", usual_name="Martin")
        op.add_user("inconnu@puy-de-dome.gouv.fr", given_name="Léa", usual_name="Blanc")

        visit = Visit(browser, live_server, "proconnect")
        page = visit.goto("/compte/connexion/?next=/instruction/")
        page.screenshot(path=str(visit_artifact("connexion")), full_page=True)
        page.get_by_role("link", name="S'identifier avec ProConnect").click()
        page.wait_for_url(f"{op.url}/authorize*")
        page.get_by_label("Adresse électronique professionnelle").fill(agent.email)
        page.get_by_role("button", name="Continuer").click()
        page.wait_for_url(f"{base}/instruction/")
        page = visit.check("connecte")
        assert "Claire" in page.locator("header").inner_text()

        page.get_by_role("button", name="Se déconnecter").click()
        page.wait_for_url(f"{base}/compte/connexion/*")
        visit.check()
        assert len(op.ended_sessions) == 1
        page.goto(f"{base}/instruction/")
        assert "/compte/connexion/" in page.url  # signed out of Estampille too

        page = visit.goto("/compte/connexion/")
        page.get_by_role("link", name="S'identifier avec ProConnect").click()
        page.get_by_label("Adresse électronique professionnelle").fill(
            "inconnu@puy-de-dome.gouv.fr"
        )
        page.get_by_role("button", name="Continuer").click()
        page.wait_for_url(f"{base}/compte/proconnect/retour/*")
        page = visit.check("adresse-inconnue")
        assert (
            page.get_by_role("heading", level=1).inner_text()
            == "Aucun compte Estampille n'est ouvert à cette adresse"
        )
        visit.close()


def visit_artifact(name: str):
    from tests.functional.test_journeys import ARTIFACTS

    return ARTIFACTS / f"proconnect-{name}.png"
