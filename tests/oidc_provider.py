"""A small, real OpenID Connect provider for the tests, built on pyop (IdentityPython), served
over HTTP by a thread on a free port: discovery, authorization (a sign-in form where the agent
types their address), token, user information signed as a JWT (as ProConnect answers), keys and
end of session — like ProConnect's, under the same paths.

    with OpenIDProvider(redirect_uri=..., post_logout_redirect_uri=...) as op:
        op.add_user("agent@prefecture.gouv.fr", given_name="Claire", usual_name="Martin")
        settings.PROCONNECT_URL = op.url ...
"""

from __future__ import annotations

import functools
import html
import json
import threading
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from Cryptodome.PublicKey import RSA
from jwkest.jwk import RSAKey
from oic.oic.message import EndSessionRequest
from pyop.authz_state import AuthorizationState
from pyop.exceptions import InvalidAuthenticationRequest
from pyop.provider import Provider
from pyop.subject_identifier import HashBasedSubjectIdentifierFactory
from pyop.userinfo import Userinfo

CLIENT_ID = "estampille-test"
CLIENT_SECRET = "secret-de-test-estampille"
# ProConnect's claims, asked for as scopes.
EXTRA_SCOPES = {name: [name] for name in ("given_name", "usual_name", "uid", "siret")}


@functools.cache
def _rsa_key():
    return RSA.generate(2048)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):  # no access log on the test output
        pass


class OpenIDProvider:
    def __init__(self, *, redirect_uri: str, post_logout_redirect_uri: str = ""):
        self.users: dict[str, dict] = {}
        self.ended_sessions: list[dict] = []
        self._server: WSGIServer = make_server(
            "127.0.0.1", 0, self._app, handler_class=_QuietHandler
        )
        self.url = f"http://127.0.0.1:{self._server.server_port}/api/v2"
        key = RSAKey(key=_rsa_key(), alg="RS256", kid="estampille-test-key")
        configuration = {
            # oic wants an https issuer; nothing fetches it (the endpoints are given one by one).
            "issuer": "https://proconnect.test/api/v2",
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "jwks_uri": f"{self.url}/jwks",
            "end_session_endpoint": f"{self.url}/session/end",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "userinfo_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
            "grant_types_supported": ["authorization_code"],
            "code_challenge_methods_supported": ["S256"],
        }
        clients = {
            CLIENT_ID: {
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [redirect_uri],
                "post_logout_redirect_uris": [post_logout_redirect_uri],
                "response_types": ["code"],
                "token_endpoint_auth_method": "client_secret_post",
                "userinfo_signed_response_alg": "RS256",
            }
        }
        self.provider = Provider(
            key,
            configuration,
            AuthorizationState(HashBasedSubjectIdentifierFactory("sel-de-test")),
            clients,
            Userinfo(self.users),
            extra_scopes=EXTRA_SCOPES,
        )
        self.signing_key = key
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- set-up ----------------------------------------------------------------------------

    def add_user(self, email: str, **claims) -> None:
        """An agent known to the provider (ProConnect's claims: given_name, usual_name…)."""
        self.users[email] = {"email": email, "sub": f"sub-{email}", **claims}

    def __enter__(self) -> OpenIDProvider:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- HTTP ------------------------------------------------------------------------------

    def _app(self, environ, start_response):
        path = environ["PATH_INFO"].removeprefix("/api/v2")
        method = environ["REQUEST_METHOD"]
        query = environ.get("QUERY_STRING", "")
        body = ""
        if method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length).decode()
        headers = {"Authorization": environ.get("HTTP_AUTHORIZATION", "")}
        try:
            if path == "/.well-known/openid-configuration":
                return _json(start_response, self.provider.provider_configuration.to_dict())
            if path == "/jwks":
                return _json(start_response, self.provider.jwks)
            if path == "/authorize":
                return self._authorize(start_response, method, query, body)
            if path == "/token":
                response = self.provider.handle_token_request(body, headers)
                return _json(start_response, response.to_dict())
            if path == "/userinfo":
                claims = self.provider.handle_userinfo_request(query, headers)
                signed = claims.to_jwt([self.signing_key], "RS256")
                start_response("200 OK", [("Content-Type", "application/jwt")])
                return [signed.encode()]
            if path == "/session/end":
                request = EndSessionRequest().deserialize(query, "urlencoded")
                self.ended_sessions.append(request.to_dict())
                self.provider.logout_user(end_session_request=request)
                target = self.provider.do_post_logout_redirect(request)
                if target:
                    start_response("303 See Other", [("Location", target)])
                    return [b""]
                return _html(start_response, "<p>Vous êtes déconnecté.</p>")
        except Exception as exc:  # the provider answers errors as OpenID Connect does
            start_response("400 Bad Request", [("Content-Type", "application/json")])
            return [json.dumps({"error": "invalid_request", "detail": str(exc)}).encode()]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]

    def _authorize(self, start_response, method, query, body):
        if method == "GET":
            try:
                self.provider.parse_authentication_request(query)
            except InvalidAuthenticationRequest as exc:
                start_response("400 Bad Request", [("Content-Type", "text/plain")])
                return [str(exc).encode()]
            return _html(
                start_response,
                f"""<!DOCTYPE html><html lang="fr"><head><title>Fournisseur d'identité de test</title></head>
<body><main><h1>Fournisseur d'identité de test</h1>
<form method="post"><input type="hidden" name="request" value="{html.escape(query)}">
<label for="email">Adresse électronique professionnelle</label>
<input id="email" name="email" type="email" autocomplete="email">
<button type="submit">Continuer</button>
<button type="submit" name="cancel" value="1">Annuler</button></form></main></body></html>""",
            )
        form = {k: v[0] for k, v in parse_qs(body).items()}
        request = self.provider.parse_authentication_request(form["request"])
        if form.get("cancel") or form.get("email") not in self.users:
            error = {"error": "access_denied", "state": request["state"]}
            target = f"{request['redirect_uri']}?{urlencode(error)}"
        else:
            response = self.provider.authorize(request, form["email"])
            target = response.request(request["redirect_uri"], False)
        start_response("303 See Other", [("Location", target)])
        return [b""]


def _json(start_response, payload):
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps(payload).encode()]


def _html(start_response, text):
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
    return [text.encode()]
