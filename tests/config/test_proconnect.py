"""Sign-in of State agents with ProConnect, against a real OpenID provider (tests/oidc_provider.py)
served on a free port: the browser's part is played by the test client and `requests`, the
server-to-server part (token, keys, user information) by the app itself."""

from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from labelling.models import Role
from tests.factories import (
    InstructeurFactory,
    PorteurUserFactory,
    SignataireFactory,
    UserFactory,
)
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, OpenIDProvider

pytestmark = pytest.mark.django_db

CALLBACK = "http://testserver/compte/proconnect/retour/"
LOGIN = "http://testserver/compte/connexion/"


@pytest.fixture
def op(settings):
    with OpenIDProvider(redirect_uri=CALLBACK, post_logout_redirect_uri=LOGIN) as provider:
        settings.PROCONNECT_ENABLED = True
        settings.PROCONNECT_URL = provider.url
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider.url}/authorize"
        settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider.url}/token"
        settings.OIDC_OP_USER_ENDPOINT = f"{provider.url}/userinfo"
        settings.OIDC_OP_JWKS_ENDPOINT = f"{provider.url}/jwks"
        settings.OIDC_OP_LOGOUT_ENDPOINT = f"{provider.url}/session/end"
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
        yield provider


def sign_in_at_provider(client, email, *, next_url="", cancel=False):
    """The agent clicks « S'identifier avec ProConnect », types their address at the provider
    and comes back: the app's answer to the callback."""
    start = client.get("/compte/proconnect/connexion/" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302
    authorize = start["Location"]
    form_page = requests.get(authorize, timeout=10)
    assert form_page.status_code == 200, form_page.text
    data = {"request": urlsplit(authorize).query, "email": email}
    if cancel:
        data["cancel"] = "1"
    answer = requests.post(authorize.split("?")[0], data=data, allow_redirects=False, timeout=10)
    assert answer.status_code == 303
    back = urlsplit(answer.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == CALLBACK
    return client.get(f"{back.path}?{back.query}")


def test_the_login_page_offers_proconnect_only_when_it_is_on(client, settings):
    settings.PROCONNECT_ENABLED = False
    assert "S'identifier avec ProConnect" not in client.get("/compte/connexion/").text
    assert client.get("/compte/proconnect/connexion/").status_code == 404
    assert client.get("/compte/proconnect/retour/?code=x&state=y").status_code == 404
    settings.PROCONNECT_ENABLED = True
    page = client.get("/compte/connexion/?next=/instruction/")
    assert "S'identifier avec ProConnect" in page.text
    assert "/compte/proconnect/connexion/?next=/instruction/" in page.text


def test_an_instructor_signs_in_with_proconnect_and_lands_where_they_were_going(client, op):
    agent = InstructeurFactory(email="claire.martin@puy-de-dome.gouv.fr", first_name="")
    op.add_user("Claire.Martin@puy-de-dome.gouv.fr", given_name="Claire", usual_name="Martin")
    response = sign_in_at_provider(
        client, "Claire.Martin@puy-de-dome.gouv.fr", next_url="/instruction/"
    )
    assert response.status_code == 302
    assert response["Location"] == "/instruction/"
    assert client.get("/instruction/").status_code == 200
    agent.refresh_from_db()
    assert agent.first_name == "Claire"  # the empty name filled, the role untouched
    assert agent.role == Role.INSTRUCTEUR

    # Signing out ends the ProConnect session too, then comes back to the sign-in page.
    out = client.post("/compte/deconnexion/")
    assert out.status_code == 302
    end = urlsplit(out["Location"])
    assert f"{end.scheme}://{end.netloc}{end.path}" == f"{op.url}/session/end"
    params = parse_qs(end.query)
    assert params["post_logout_redirect_uri"] == [LOGIN]
    assert params["id_token_hint"]
    back = requests.get(out["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 303
    assert back.headers["Location"].startswith(LOGIN)
    assert len(op.ended_sessions) == 1
    assert client.get("/instruction/").status_code == 302  # signed out of Estampille


@pytest.mark.parametrize("factory", [SignataireFactory, UserFactory])
def test_signataires_and_national_users_may_use_proconnect(client, op, factory):
    agent = factory()  # UserFactory: a national user
    op.add_user(agent.email, given_name="Paul", usual_name="Roux")
    response = sign_in_at_provider(client, agent.email)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").context["user"] == agent


def test_an_unknown_address_gets_no_account_and_is_told_to_ask_an_administrator(client, op):
    from labelling.models import User

    before = User.objects.count()
    op.add_user("inconnu@hautes-alpes.gouv.fr", given_name="Léa", usual_name="Blanc")
    response = sign_in_at_provider(client, "inconnu@hautes-alpes.gouv.fr")
    assert response.status_code == 403
    assert "Aucun compte Estampille n'est ouvert à cette adresse" in unescape(response.text)
    assert "demandez à l'administrateur" in unescape(response.text)
    assert "inconnu@hautes-alpes.gouv.fr" in unescape(response.text)
    assert User.objects.count() == before
    assert not response.wsgi_request.user.is_authenticated
    # Refusals are not counted as failed password attempts (no lockout of the network).
    from axes.models import AccessAttempt

    assert not AccessAttempt.objects.exists()


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda: PorteurUserFactory(), "réservé aux agents de l'État"),
        (lambda: UserFactory(role=Role.ADMIN), "se connectent par mot de passe"),
        (lambda: InstructeurFactory(is_active=False), "Ce compte est désactivé"),
    ],
)
def test_accounts_that_are_not_state_agents_are_refused(client, op, make, says):
    user = make()
    op.add_user(user.email)
    response = sign_in_at_provider(client, user.email)
    assert response.status_code == 403
    assert says in unescape(response.text)
    assert client.get("/").context["user"].is_authenticated is False


def test_a_cancelled_or_replayed_sign_in_is_explained_not_a_500(client, op):
    agent = InstructeurFactory()
    op.add_user(agent.email)
    cancelled = sign_in_at_provider(client, agent.email, cancel=True)
    assert cancelled.status_code == 400
    assert "La connexion avec ProConnect n'a pas abouti" in unescape(cancelled.text)
    # A code and state the session never asked for.
    forged = client.get("/compte/proconnect/retour/?code=abc&state=inconnu")
    assert forged.status_code == 400
    assert "n'a pas abouti" in unescape(forged.text)


def test_an_unreachable_provider_is_explained(client, op, settings):
    agent = InstructeurFactory()
    op.add_user(agent.email)
    start = client.get("/compte/proconnect/connexion/")
    authorize = start["Location"]
    answer = requests.post(
        authorize.split("?")[0],
        data={"request": urlsplit(authorize).query, "email": agent.email},
        allow_redirects=False,
        timeout=10,
    )
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token"  # nothing listens there
    back = urlsplit(answer.headers["Location"])
    response = client.get(f"{back.path}?{back.query}")
    assert response.status_code == 502
    assert "ProConnect ne répond pas" in unescape(response.text)


def test_password_sign_in_is_unchanged_when_proconnect_is_on(client, op):
    agent = InstructeurFactory()
    agent.set_password("mot-de-passe-solide")
    agent.save()
    response = client.post(
        "/compte/connexion/", {"username": agent.email, "password": "mot-de-passe-solide"}
    )
    assert response.status_code == 302
    # Not a ProConnect session: signing out stays in Estampille.
    assert client.post("/compte/deconnexion/")["Location"] == "/compte/connexion/"


def test_production_with_proconnect_on_needs_its_client_and_provider():
    from tests.config.test_settings import PROD_ENV, run_manage, run_python

    on = {**PROD_ENV, "PROCONNECT_ENABLED": "true"}
    result = run_manage("check", env=on)
    assert result.returncode != 0
    assert "PROCONNECT_CLIENT_ID est obligatoire" in result.stderr
    complete = {
        **on,
        "PROCONNECT_CLIENT_ID": "estampille",
        "PROCONNECT_CLIENT_SECRET": "secret",
        "PROCONNECT_URL": "https://auth.example.gouv.fr/api/v2",
    }
    assert run_manage("check", "--deploy", "--fail-level", "WARNING", env=complete).returncode == 0
    # Signing out is a form whose answer goes on to ProConnect: the policy lets it.
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.OIDC_OP_USER_ENDPOINT, "
        "settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'], sep='|')"
    )
    out = run_python(code, env={**complete, "DJANGO_SETTINGS_MODULE": "config.settings.prod"})
    assert out.returncode == 0, out.stderr
    endpoint, form_action = out.stdout.strip().split("|")
    assert endpoint == "https://auth.example.gouv.fr/api/v2/userinfo"
    assert "https://auth.example.gouv.fr" in form_action
