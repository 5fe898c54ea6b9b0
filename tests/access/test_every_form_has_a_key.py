"""Every form that creates something or fires a step carries a one-time key (idempotency/keys.py):
a form without one fails here, whether written in a template or seen on a page of the site.

- In the templates: each ``<form method="post">`` holds ``{% once %}``.
- On the pages: every page of the URL matrix (tests/access/test_url_matrix.py), read by every
  role it lets in on objects of two départements and two porteurs, and each of its POST forms
  carries a ``request_key`` field (a form drawn in Python, an include, a widget are caught too).

The forms left without a key are listed below with the reason."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve

from tests.access.test_url_matrix import OK, PAGES, World, client_for, expected, url_for

# Templates whose POST forms carry no key, and why.
TEMPLATES_WITHOUT_KEY = {
    # Signing in or out, resetting a password: the visitor is anonymous (a key is kept per
    # account) and a second post changes nothing more.
    "registration/login.html",
    "registration/password_reset_form.html",
    "registration/password_reset_confirm.html",
    "base.html",  # the sign-out button
    "onboarding/wrong_account.html",  # signs out, then opens the invitation link
    # Anonymous checks that write nothing: the self-assessment and the public verification of a
    # document (which compares an uploaded file with the register).
    "labelling/conformity/selfcheck.html",
    "documents/verify_document.html",
    # The invitation link is itself single-use (the invitation's state changes once).
    "onboarding/accept.html",
    # Its form class carries its own key (InviteForm.request_key, kept on the invitation:
    # workflows/onboarding/services.invite); the pages' walk below sees it.
    "onboarding/invite.html",
}

# The same forms, named by the URL they post to (for the rendered pages).
URLS_WITHOUT_KEY = {
    "login",
    "logout",
    "password_reset",
    "password_reset_confirm",
    "onboarding:leave",
    "labelling:selfcheck",
    "documents:verify",
    "onboarding:accept",
}


class Forms(HTMLParser):
    """The POST forms of a page: their action and whether they hold a ``request_key``."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self._open = {"action": attrs.get("action") or "", "key": ""}
            self.forms.append(self._open)
        elif tag == "input" and self._open is not None and attrs.get("name") == "request_key":
            self._open["key"] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None


def post_forms(html: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    return parser.forms


def key_of_form(response, action: str = "") -> str:
    """The one-time key of the page's POST form that posts to ``action`` (its own URL when
    empty): what a browser sends back."""
    keys = [
        form["key"]
        for form in post_forms(response.content.decode())
        if form["action"] == action and form["key"]
    ]
    assert keys, f"no form posting to {action or 'the page'} with a one-time key"
    return keys[0]


def templates() -> list[Path]:
    root = Path(settings.BASE_DIR) / "templates"
    return sorted(root.rglob("*.html"))


def test_every_post_form_of_the_templates_holds_a_key():
    root = Path(settings.BASE_DIR) / "templates"
    missing = []
    seen = 0
    for path in templates():
        name = path.relative_to(root).as_posix()
        text = path.read_text()
        for start in _form_starts(text):
            seen += 1
            end = text.find("</form>", start)
            if "{% once %}" not in text[start:end] and name not in TEMPLATES_WITHOUT_KEY:
                missing.append(f"{name}: {text[start : start + 90]!r}")
    assert seen > 40  # the scan reads the forms
    assert missing == [], "POST forms without {% once %}:\n" + "\n".join(missing)


def _form_starts(text: str):
    for match in re.finditer(r"<form\b[^>]*>", text, re.I):
        if re.search(r"method\s*=\s*[\"']post[\"']", match.group(0), re.I):
            yield match.start()


def test_the_exclusions_are_still_forms_without_key():
    """An exclusion that no longer names a template without a key is stale."""
    root = Path(settings.BASE_DIR) / "templates"
    for name in TEMPLATES_WITHOUT_KEY:
        text = (root / name).read_text()
        assert list(_form_starts(text)), name


def _url_name(action: str, page_url: str) -> str:
    path = urlsplit(action).path or urlsplit(page_url).path
    try:
        match = resolve(path)
    except Resolver404:
        return f"? {path}"
    return match.view_name


@pytest.fixture
def fresh_cache():
    """The pages' rate limits count in the cache: this walk leaves them as it found them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.usefixtures("fresh_cache")
def test_every_post_form_of_every_page_carries_a_key(django_capture_on_commit_callbacks, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    world = World(django_capture_on_commit_callbacks)
    missing, seen = set(), set()
    for name, entry in sorted(PAGES.items()):
        if entry.method != "get" or "fmt" in entry.kwargs or name.startswith("api:"):
            continue
        if entry.anon == OK:  # public pages: their forms (self-check, verification) are listed
            continue
        for side in ("A", "B") if entry.kind else (None,):
            url = url_for(world, name, entry, side)
            for role, answer in expected(entry, side).items():
                if answer != OK or role == "anonyme":
                    continue
                response = client_for(world, role).get(url)
                html = not response.streaming and "html" in response.get("Content-Type", "")
                page = response.content.decode() if html and response.status_code == 200 else ""
                response.close()  # a file download is not read
                for form in post_forms(page):
                    target = _url_name(form["action"], url)
                    seen.add(target)
                    if not form["key"] and target not in URLS_WITHOUT_KEY:
                        missing.add(f"{name} ({role}) → {target}")
    assert len(seen) > 15  # the walk meets the forms
    assert sorted(missing) == [], "POST forms without a one-time key:\n" + "\n".join(
        sorted(missing)
    )
