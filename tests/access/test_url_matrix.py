"""Every URL of the site × every role, on objects of two départements and two porteurs: the
answer each one gets is written down below, and a URL that has no entry fails the test.

How to read (and extend) the table ``PAGES``
--------------------------------------------
One line per URL name (as in ``reverse()``), for instance::

    "workflows:application_detail": on(FILE, ok="porteur préfecture opérateur national admin"),

- ``on(KIND, …)`` a page about one object: it is requested twice, on side A (porteur A, a
  place of the Puy-de-Dôme, 63) and on side B (porteur B, Hautes-Alpes, 05). The roles are
  written relative to the side: ``porteur`` is porteur A on side A and porteur B on side B;
  ``instructeur`` is the instructor of that département (63 on A, 05 on B); ``signataire`` the
  signataire of 63 (side A only, there is none of 05 among the roles); ``opérateur`` the CAF
  agent, present at place A and consulted on file A, a stranger to side B; ``préfecture`` is
  instructeur + signataire; ``national`` the agency, ``admin`` the Django administrator.
  The KINDs are built once in ``World`` (files, drafts, places, opinions, documents…).
- ``page(…)`` a page without an object; there ``porteur`` means both porteurs, ``instructeur``
  both instructors, and so on.
- ``ok=`` who gets an answer (2xx, or a redirection that is not to the sign-in page),
  ``forbid=`` who gets 403 (in scope, not allowed); every other signed-in role must get 404
  (out of scope answers as missing), or ``others=`` (403 for pages with no object, 405…);
  ``anon=`` what the anonymous visitor gets (default: sent to sign in; ``OK`` for public pages).
- ``method="post"`` for the URLs that only take POST (each POST runs in a transaction rolled
  back after the answer, so the table is read on the same data by every role).

Adding a URL: add its line (``ACCESS_MATRIX_DUMP=1 pytest tests/access -q -s`` prints what each
role gets today, to compare with what it should get). Django admin URLs are one family, checked
by one rule: only the administrator gets in.
"""

from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from documents.models import DocumentBatch
from labelling.models import ImpactRun, Operator, Role, Version
from tests.factories import (
    InstructeurFactory,
    OperateurUserFactory,
    OperatorPresenceFactory,
    PorteurUserFactory,
    SignataireFactory,
    UserFactory,
    commune,
)
from tests.workflows import factories as wf
from workflows import services
from workflows.models import DocumentRole
from workflows.onboarding import services as onboarding

pytestmark = pytest.mark.django_db

ROLES = (
    "anonyme",
    "porteur A",
    "porteur B",
    "instructeur 63",
    "instructeur 05",
    "signataire 63",
    "opérateur",
    "national",
    "admin",
)

# Answers, as classified by `outcome()`.
OK, LOGIN, FORBIDDEN, MISSING, NOT_ALLOWED = "ok", "connexion", "403", "404", "405"

# Object kinds (built by `World`).
FILE = "dossier"  # a submitted file in instruction, with an opinion asked
DRAFT = "brouillon"
PLACE = "lieu"
IMPORTED = "lieu importé"  # a labelled place from the national list, waiting for its porteur
OPINION = "avis"
DOCUMENT = "document"  # the accusé de réception of FILE
PIECE = "pièce"  # a piece of FILE
BATCH = "lot"  # a batch of documents asked by the side's instructor
DECIDED = "dossier décidé"  # a labelled file, signed
FUNDING = "financement"  # an open funding file of a labelled place of the side (2021)
PAYMENT = "versement"  # a payment of a signed funding file of the side (2020)
AREA = "département"  # no object: the side's département asked in the query (?departement=)
INVITATION = "invitation"
REVIEW = "revue"  # the yearly review of the labelled place of DECIDED, still « à remplir »


@dataclass(frozen=True)
class Entry:
    kind: str | None
    ok: str = ""
    forbid: str = ""
    others: str = MISSING
    anon: str = LOGIN
    method: str = "get"
    kwargs: dict = field(default_factory=dict)


def on(kind, ok="", *, forbid="", others=MISSING, anon=LOGIN, method="get", **kwargs) -> Entry:
    return Entry(kind, ok, forbid, others, anon, method, kwargs)


def page(ok="", *, forbid="", others=MISSING, anon=LOGIN, method="get", **kwargs) -> Entry:
    return Entry(None, ok, forbid, others, anon, method, kwargs)


EVERYONE = "tous"
READERS = "porteur national admin"  # read the file, act on none of the préfecture's steps
PUBLIC = {"ok": EVERYONE, "anon": OK}

PAGES: dict[str, Entry] = {
    # --- public pages -----------------------------------------------------------------------
    "home": page(**PUBLIC),
    "accessibility": page(**PUBLIC),
    "public:directory": page(**PUBLIC),
    "public:map_data": page(**PUBLIC),
    "public:place": on(IMPORTED, **PUBLIC),
    "public:opendata": page(**PUBLIC),
    "public:opendata_download": page(**PUBLIC, fmt="csv"),
    "labelling:selfcheck": page(**PUBLIC),
    "labelling:commune_search": page(**PUBLIC),
    "workflows:help_stages": page(**PUBLIC),
    "documents:verify_form": page(**PUBLIC),
    "documents:verify": on(DOCUMENT, **PUBLIC),
    # An unknown or used link answers 404 to everyone (the real links: tests/workflows/onboarding).
    "onboarding:accept": page(anon=MISSING, token="jeton-inconnu"),
    "onboarding:leave": page(anon=NOT_ALLOWED, others=NOT_ALLOWED, token="jeton-inconnu"),
    # --- account ----------------------------------------------------------------------------
    "login": page(**PUBLIC),
    "logout": page(anon=LOGIN, others=LOGIN, method="post"),  # back to the sign-in page
    "password_reset": page(**PUBLIC),
    "password_reset_done": page(**PUBLIC),
    "password_reset_confirm": page(**PUBLIC, uidb64="MQ", token="jeton-faux"),
    "password_reset_complete": page(**PUBLIC),
    # ProConnect is off unless configured (its sign-in: tests/config/test_proconnect.py).
    "proconnect_login": page(anon=MISSING),
    "proconnect_callback": page(anon=MISSING),
    "api_token": page(EVERYONE),
    # --- places and cahier des charges ------------------------------------------------------
    "labelling:place_list": page(EVERYONE),
    "labelling:place_detail": on(PLACE, "porteur préfecture opérateur national admin"),
    "labelling:version_list": page("national admin", others=FORBIDDEN),
    "labelling:version_detail": page(
        "national admin", others=FORBIDDEN, code="france-services-2019"
    ),
    "labelling:criterion_edit": page("national admin", others=FORBIDDEN, draft_criterion=True),
    "labelling:version_publish": page(
        "national admin", others=FORBIDDEN, method="post", draft_version=True
    ),
    "labelling:impact_start": page(
        "national admin", others=FORBIDDEN, method="post", draft_version=True
    ),
    "labelling:impact_detail": page("national admin", others=FORBIDDEN, impact=True),
    "labelling:impact_export_csv": page("national admin", others=FORBIDDEN, impact=True),
    "labelling:impact_export_xlsx": page("national admin", others=FORBIDDEN, impact=True),
    # --- a porteur's drafts -----------------------------------------------------------------
    "workflows:porteur_applications": page("porteur"),
    "workflows:application_start": page("porteur", method="post"),
    "workflows:draft_step": on(DRAFT, "porteur", step="lieu"),
    "workflows:draft_resume": on(DRAFT, "porteur"),
    "workflows:draft_piece_remove": on(DRAFT, "porteur", method="post", document_id=0),
    "workflows:draft_upload": on(DRAFT, "porteur", method="post"),
    "workflows:draft_submit": on(DRAFT, "porteur"),
    # --- operators --------------------------------------------------------------------------
    "workflows:operator_opinions": page("opérateur"),
    "workflows:operator_opinion": on(OPINION, "opérateur"),
    # --- the préfecture's queue and files ---------------------------------------------------
    # In scope but not theirs to do: the porteur, the other préfecture role and the agency
    # (which reads every file and acts on none) get 403; everyone else 404.
    "workflows:queue": page("préfecture national admin"),
    "workflows:queue_export": page("préfecture national admin", fmt="csv"),
    "workflows:queue_take": page("préfecture national admin", method="post"),
    "workflows:application_detail": on(FILE, "porteur préfecture national admin"),
    "workflows:completeness": on(FILE, "instructeur", forbid=READERS + " signataire"),
    "workflows:review": on(FILE, "instructeur", forbid=READERS + " signataire"),
    "workflows:finish_review": on(FILE, "instructeur", forbid=READERS + " signataire"),
    "workflows:opinion_request": on(FILE, "instructeur", forbid=READERS + " signataire"),
    "workflows:close_opinions": on(FILE, "instructeur", forbid=READERS + " signataire"),
    "workflows:opinion_answer": on(OPINION, "instructeur", forbid=READERS + " signataire"),
    "workflows:convention_upload": on(
        DECIDED, "porteur instructeur", forbid="national admin signataire", code="caf"
    ),
    "workflows:convention_status": on(
        DECIDED, "instructeur", forbid=READERS + " signataire", code="caf"
    ),
    "workflows:finish_conventions": on(FILE, "instructeur", forbid=READERS + " signataire"),
    "workflows:proposal": on(FILE, "instructeur", forbid=READERS + " signataire"),
    "workflows:decision": on(FILE, "signataire", forbid=READERS + " instructeur"),
    "workflows:return_proposal": on(FILE, "signataire", forbid=READERS + " instructeur"),
    "workflows:withdraw": on(FILE, "porteur", forbid="préfecture national admin"),
    "workflows:close": on(FILE, "instructeur", forbid=READERS + " signataire"),
    "workflows:reopen": on(FILE, "signataire", forbid=READERS + " instructeur"),
    "workflows:correct": on(FILE, "instructeur", forbid=READERS + " signataire"),
    "workflows:add_note": on(FILE, "préfecture", forbid=READERS),
    "workflows:post_message": on(FILE, "porteur préfecture", forbid="national admin"),
    "workflows:take": on(FILE, "instructeur", forbid=READERS + " signataire", method="post"),
    "workflows:assign": on(FILE, "instructeur", forbid=READERS + " signataire"),
    # --- onboarding of imported places ------------------------------------------------------
    "onboarding:invite": on(IMPORTED, "préfecture national admin"),
    "onboarding:list": page("préfecture national admin"),
    "onboarding:export": page("préfecture national admin", fmt="csv"),
    "onboarding:detail": on(INVITATION, "préfecture national admin"),
    "onboarding:confirm": on(INVITATION, "préfecture", forbid="national admin", method="post"),
    "onboarding:refuse": on(INVITATION, "préfecture", forbid="national admin"),
    "onboarding:revoke": on(INVITATION, "préfecture national admin", method="post"),
    # --- yearly reviews (the porteur answers, the préfecture decides, a signataire signs) ---
    "renewal:list": page("porteur préfecture national admin"),
    "renewal:export": page("préfecture national admin", fmt="csv"),
    "renewal:detail": on(REVIEW, "porteur préfecture national admin"),
    "renewal:edit": on(REVIEW, "porteur", forbid="préfecture national admin", section="horaires"),
    "renewal:confirm": on(REVIEW, "porteur", forbid="préfecture national admin"),
    "renewal:submit": on(REVIEW, "porteur", forbid="préfecture national admin"),
    "renewal:comply": on(REVIEW, "porteur", forbid="préfecture national admin"),
    "renewal:assign": on(REVIEW, "préfecture", forbid="porteur national admin", method="post"),
    "renewal:renew": on(REVIEW, "instructeur", forbid="porteur signataire national admin"),
    "renewal:notice": on(REVIEW, "instructeur", forbid="porteur signataire national admin"),
    "renewal:suspend": on(REVIEW, "instructeur", forbid="porteur signataire national admin"),
    "renewal:propose_abrogation": on(
        REVIEW, "instructeur", forbid="porteur signataire national admin"
    ),
    "renewal:sign_abrogation": on(
        REVIEW, "signataire", forbid="porteur instructeur national admin"
    ),
    "renewal:return_abrogation": on(
        REVIEW, "signataire", forbid="porteur instructeur national admin"
    ),
    "renewal:message": on(REVIEW, "porteur préfecture national admin", method="post"),
    # --- funding decisions: the préfecture prepares, the signataire signs; the porteur sees a
    # file once signed (the open one is not there for it yet, hence 404) -------------------
    "funding:queue": page("préfecture national admin"),
    "funding:open_year": page("préfecture national admin", method="post"),
    "funding:export_decisions": page("préfecture national admin", fmt="csv"),
    "funding:export_payments": page("préfecture national admin", fmt="csv"),
    "funding:rates": page("préfecture national admin"),
    "funding:envelopes": page("préfecture national admin"),
    "funding:porteur_list": page("porteur"),
    "funding:help": page(**PUBLIC),
    "funding:detail": on(FUNDING, "préfecture national admin"),
    "funding:adjust": on(FUNDING, "instructeur", forbid="national admin signataire"),
    "funding:recompute": on(
        FUNDING, "instructeur", forbid="national admin signataire", method="post"
    ),
    "funding:propose": on(
        FUNDING, "instructeur", forbid="national admin signataire", method="post"
    ),
    "funding:return": on(FUNDING, "signataire", forbid="national admin instructeur"),
    "funding:override": on(FUNDING, "national admin", forbid="préfecture"),
    "funding:sign": on(FUNDING, "signataire", forbid="national admin instructeur"),
    "funding:engage": on(FUNDING, "préfecture", forbid="national admin"),
    "funding:close": on(FUNDING, "préfecture", forbid="national admin"),
    "funding:order": on(PAYMENT, "préfecture", forbid=READERS, method="post"),
    "funding:pay": on(PAYMENT, "préfecture", forbid=READERS, method="post"),
    # --- activity figures (each role reads its scope; porteurs and préfectures enter them) --
    "activity:overview": page("porteur préfecture opérateur national admin"),
    "activity:export": page("porteur préfecture opérateur national admin", fmt="csv"),
    "activity:import": page("porteur préfecture"),
    "activity:template": page("porteur préfecture"),
    "activity:place": on(PLACE, "porteur préfecture opérateur national admin"),
    "activity:month": on(
        PLACE, "porteur préfecture", forbid="opérateur national admin", year=2025, month=3
    ),
    # --- network status (stewards: the agency anywhere, a préfecture in its département) -----
    "network:status": on(AREA, "préfecture national admin"),
    "network:map_data": on(AREA, "préfecture national admin"),
    "network:refresh_coverage": page("national admin", forbid="préfecture", method="post"),
    "network:export": on(AREA, "préfecture national admin", name="statuts", fmt="csv"),
    # --- documents --------------------------------------------------------------------------
    "documents:download": on(DOCUMENT, "porteur préfecture national admin"),
    "documents:status": on(DOCUMENT, "porteur préfecture national admin"),
    "documents:retry": on(DOCUMENT, "préfecture national admin", forbid="porteur", method="post"),
    "documents:regenerate": on(
        DOCUMENT, "préfecture national admin", forbid="porteur", method="post"
    ),
    "documents:download_supporting": on(PIECE, "porteur préfecture national admin"),
    "documents:place_documents": on(PLACE, "porteur préfecture opérateur national admin"),
    "documents:batch": on(BATCH, "instructeur national admin"),
    "documents:batch_status": on(BATCH, "instructeur national admin"),
    # --- API (/api/v1/) ---------------------------------------------------------------------
    "api:api-root": page(EVERYONE),
    "api:schema": page(**PUBLIC),
    "api:docs": page(**PUBLIC),
    "api:conformity_check": page(**PUBLIC, method="post"),
    "api:place-list": page(**PUBLIC),
    "api:place-detail": on(IMPORTED, **PUBLIC),
    "api:version-list": page(**PUBLIC),
    "api:version-detail": page(**PUBLIC, code="france-services-2019"),
    "api:application-list": page(EVERYONE),
    "api:application-detail": on(FILE, "porteur préfecture national admin"),
    "api:decision-list": page(EVERYONE),
    "api:decision-detail": on(DECIDED, "porteur préfecture national admin"),
}

# What a role name of a line means on each side (`on`) and for pages with no object (`page`).
SIDES = {
    "A": {
        "porteur": {"porteur A"},
        "instructeur": {"instructeur 63"},
        "signataire": {"signataire 63"},
        "opérateur": {"opérateur"},
    },
    "B": {"porteur": {"porteur B"}, "instructeur": {"instructeur 05"}, "signataire": set()},
    None: {
        "porteur": {"porteur A", "porteur B"},
        "instructeur": {"instructeur 63", "instructeur 05"},
        "signataire": {"signataire 63"},
        "opérateur": {"opérateur"},
    },
}
for _groups in SIDES.values():
    _groups.setdefault("opérateur", set())
    _groups["préfecture"] = _groups["instructeur"] | _groups["signataire"]
    _groups["national"] = {"national"}
    _groups["admin"] = {"admin"}
    _groups["tous"] = set(ROLES) - {"anonyme"}


def expand(words: str, side) -> set[str]:
    roles: set[str] = set()
    for word in words.split():
        roles |= SIDES[side][word]
    return roles


def expected(entry: Entry, side) -> dict[str, str]:
    ok, forbid = expand(entry.ok, side), expand(entry.forbid, side)
    answers = {}
    for role in ROLES:
        if role == "anonyme":
            answers[role] = entry.anon
        elif role in ok:
            answers[role] = OK
        elif role in forbid:
            answers[role] = FORBIDDEN
        else:
            answers[role] = entry.others
    return answers


def outcome(response) -> str:
    code = response.status_code
    if code in (301, 302, 303):
        target = response["Location"]
        if "/compte/connexion/" in target or "/admin/login/" in target:
            return LOGIN
        return OK
    if code == 401:
        return LOGIN
    if code < 400 or code == 400:  # 400: let in, and the (empty) input judged
        return OK
    return str(code)


# --- the world: the same objects on both sides --------------------------------------------------


class World:
    def __init__(self, capture):
        users = {
            "porteur A": PorteurUserFactory(),
            "porteur B": PorteurUserFactory(),
            "instructeur 63": InstructeurFactory(departement_id="63"),
            "instructeur 05": InstructeurFactory(departement_id="05"),
            "signataire 63": SignataireFactory(departement_id="63"),
            "opérateur": OperateurUserFactory(operator=Operator.objects.get(pk="caf")),
            "national": UserFactory(),
            "admin": UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True),
        }
        self.users = users
        self.clients: dict[str, Client] = {}
        self.queries: dict[str, dict] = {}
        self.objects: dict[str, dict[str, dict]] = {"A": {}, "B": {}}
        with capture(execute=True):
            for side, porteur, instructor, insee, operator in (
                ("A", "porteur A", "instructeur 63", "63003", "caf"),
                ("B", "porteur B", "instructeur 05", "05061", "msa"),
            ):
                self._side(side, users[porteur], users[instructor], insee, operator)

    def _side(self, side, porteur, instructor, insee, operator):
        from tests.workflows.onboarding.test_onboarding import imported_place

        draft = wf.drafted(porteur, commune_insee=insee)
        app = wf.drafted(porteur, commune_insee=insee)
        services.add_supporting_document(
            user=porteur, application_id=app.pk, title="Bail", uploaded_file=wf.pdf()
        )
        services.submit_application(user=porteur, application_id=app.pk)
        services.declare_complete(user=instructor, application_id=app.pk)
        opinion = services.request_opinion(
            user=instructor,
            application_id=app.pk,
            kind="operateur",
            operator_code=operator,
            addressee="Caisse",
            addressee_email="caisse@example.fr",
            question="Une permanence est-elle prévue ?",
        )
        app.refresh_from_db()
        generated = app.documents.filter(role=DocumentRole.GENERATED).first()
        piece = app.documents.filter(role=DocumentRole.SUPPORTING).first()
        imported = imported_place(
            insee, name=f"France Services importée {side}", id_fs=f"fs-{side}", email=""
        )
        invitation_place = imported_place(
            insee, name=f"France Services invitée {side}", id_fs=f"fs-i-{side}", email=""
        )
        invitation = onboarding.invite(
            user=instructor, place_id=invitation_place.pk, email=f"porteur-{side}@example.fr"
        )
        batch = DocumentBatch.objects.create(title=f"Lot {side}", requested_by=instructor)
        batch.documents.add(generated.document)
        self.objects[side] = {
            FILE: {"application_id": app.pk},
            DRAFT: {"application_id": draft.pk},
            PLACE: {"place_id": app.place_id},
            IMPORTED: {"place_id": imported.pk},
            OPINION: {"application_id": app.pk, "opinion_id": opinion.pk},
            DOCUMENT: {"document_id": generated.document_id},
            PIECE: {"document_id": piece.piece_id},
            BATCH: {"batch_id": batch.pk},
            INVITATION: {"invitation_id": invitation.pk},
            AREA: {},
        }
        self.queries[side] = {"departement": app.departement_id}
        self._funding(side, porteur, instructor, insee)
        self.objects[side]["_verify"] = generated.document.verification_code
        decided = wf.signed(porteur_user=porteur, commune_insee=insee)
        self.objects[side][DECIDED] = {"application_id": decided.pk}
        self.objects[side][REVIEW] = {"review_id": _review_of(decided.place).pk}
        if operator == "caf":  # the CAF is present at place A, and at no place of side B
            OperatorPresenceFactory(place=app.place, operator=Operator.objects.get(pk="caf"))

    def _funding(self, side, porteur, instructor, insee):
        from labelling.funding import services as rules
        from tests.factories import LabelledPlaceFactory
        from workflows.funding import services as funding
        from workflows.funding.models import FundingCause

        place = LabelledPlaceFactory(
            porteur=porteur.porteur,
            commune=commune(insee),
            labelled_on=datetime.date(2020, 1, 1),
            label_effective_on=datetime.date(2020, 1, 1),
        )
        for funder in ("fnadt", "fonds_national_fs"):
            rules.set_envelope(
                user=self.users["national"],
                departement_code=place.departement_id,
                year=2020,
                funder_code=funder,
                amount=Decimal("100000"),
            )
        signed = funding.open_funding_file(place=place, year=2020, cause=FundingCause.LABELLING)
        funding.propose(user=instructor, file_id=signed.pk)
        funding.sign(user=SignataireFactory(departement_id=place.departement_id), file_id=signed.pk)
        open_file = funding.open_funding_file(place=place, year=2021, cause=FundingCause.RENEWAL)
        self.objects[side][FUNDING] = {"file_id": open_file.pk}
        self.objects[side][PAYMENT] = {
            "file_id": signed.pk,
            "payment_id": signed.payments.first().pk,
        }

    def national_objects(self) -> dict:
        from labelling.versions import publishing

        if not hasattr(self, "_national"):
            version = publishing.create_draft_version(
                user=self.users["national"],
                copy_from=Version.objects.get(code="france-services-2019"),
                code="projet-essai",
                title="Projet d'essai",
            )
            run = ImpactRun.objects.create(version=version, created_by=self.users["national"])
            self._national = {"version": version, "run": run}
        return self._national


def _review_of(place):
    import datetime

    from workflows.renewal.models import Review

    return Review.objects.create(
        place=place,
        year=2026,
        departement_id=place.departement_id,
        review_date=datetime.date.today(),
        version_code="france-services-2019",
        stage_deadline=datetime.date.today() + datetime.timedelta(days=45),
    )


def url_names() -> set[str]:
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(
                    pattern.url_patterns,
                    prefix + (f"{pattern.namespace}:" if pattern.namespace else ""),
                )
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield prefix + pattern.name

    return set(walk(get_resolver().url_patterns))


def url_for(world: World, name: str, entry: Entry, side) -> str:
    kwargs = dict(entry.kwargs)
    if entry.kind is not None:
        objects = world.objects[side]
        if name == "documents:verify":
            return reverse(name, kwargs={"code": objects["_verify"]})
        kwargs = {**kwargs, **objects[entry.kind]}
        if name in ("workflows:convention_upload", "workflows:convention_status"):
            kwargs["operator_code"] = kwargs.pop("code")
        if name.startswith("api:"):
            pk = next(iter(objects[entry.kind].values()))
            kwargs = {"pk": pk}
        if entry.kind == OPINION and not name.startswith("workflows:opinion_answer"):
            kwargs.pop("application_id")
    if name.startswith("api:version-detail"):
        kwargs = {"code": kwargs["code"]}
    if kwargs.pop("draft_criterion", False) or kwargs.pop("draft_version", False):
        version = world.national_objects()["version"]
        kwargs["code"] = version.code
        if name == "labelling:criterion_edit":
            kwargs["pk"] = version.criteria.first().pk
    if kwargs.pop("impact", False):
        kwargs["run_id"] = world.national_objects()["run"].pk
    return reverse(name, kwargs=kwargs)


def request(client: Client, method: str, url: str):
    """One request, whatever it writes rolled back (the next role reads the same data)."""
    with transaction.atomic():
        response = client.post(url, {}) if method == "post" else client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        transaction.set_rollback(True)
    return response


def test_every_url_has_an_entry():
    names = {name for name in url_names() if not name.startswith("admin:")}
    missing = sorted(names - set(PAGES))
    stale = sorted(set(PAGES) - names)
    assert missing == [], f"URLs without an entry in PAGES (tests/access): {missing}"
    assert stale == [], f"entries of PAGES for URLs that no longer exist: {stale}"


@pytest.mark.slow
def test_every_url_answers_every_role_as_written(django_capture_on_commit_callbacks, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    world = World(django_capture_on_commit_callbacks)
    wrong, dump = [], []
    for name, entry in sorted(PAGES.items()):
        for side in ("A", "B") if entry.kind else (None,):
            url = url_for(world, name, entry, side)
            if entry.kind == AREA:
                url += "?" + urlencode(world.queries[side])
            want = expected(entry, side)
            got = {}
            for role in ROLES:
                client = client_for(world, role, throwaway=name == "logout")
                got[role] = outcome(request(client, entry.method, url))
            dump.append(f"{name} [{side or '-'}] " + " ".join(f"{r}={got[r]}" for r in ROLES))
            for role in ROLES:
                if got[role] != want[role]:
                    wrong.append(
                        f"{name} [{side or '-'}] {role}: {got[role]}, attendu {want[role]}"
                    )
    if os.environ.get("ACCESS_MATRIX_DUMP"):
        print("\n".join(dump))
    assert wrong == [], "\n".join(wrong)


def client_for(world: World, role: str, *, throwaway: bool = False) -> Client:
    """The role's signed-in client (one per role; a throwaway one for the sign-out)."""
    if throwaway or role not in world.clients:
        client = Client()
        if role != "anonyme":
            client.force_login(world.users[role])
        if throwaway:
            return client
        world.clients[role] = client
    return world.clients[role]


def test_django_admin_lets_only_the_administrator_in(client):
    """One rule for the admin family: every admin URL without arguments (the index and the
    lists of each model) sends anyone but the administrator to the admin's sign-in."""
    users = {
        "porteur": PorteurUserFactory(),
        "instructeur": InstructeurFactory(),
        "opérateur": OperateurUserFactory(),
        "national": UserFactory(),
    }
    admin = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    names = sorted(
        name
        for name in url_names()
        if name.startswith("admin:") and re.search(r"(_changelist|^admin:index)$", name)
    )
    assert len(names) > 10
    wrong = []
    for name in names:
        url = reverse(name)
        for role, user in [("anonyme", None), *users.items()]:
            visitor = Client()
            if user is not None:
                visitor.force_login(user)
            if outcome(visitor.get(url)) != LOGIN:
                wrong.append(f"{name} {role}")
        visitor = Client()
        visitor.force_login(admin)
        if visitor.get(url).status_code != 200:
            wrong.append(f"{name} admin")
    assert wrong == []


# --- refused access is logged, without personal data in clear ---------------------------------


def test_refused_access_is_logged_without_personal_data(client, caplog):
    app = wf.submitted()
    gap = InstructeurFactory(departement_id="05", email="agent.gap@example.fr")
    porteur = wf.porteur_of(app)
    client.force_login(gap)
    with caplog.at_level("WARNING", logger="estampille.access"):
        client.get(reverse("workflows:application_detail", args=[app.pk]) + "?q=Martin")
        client.force_login(porteur)
        client.get(reverse("workflows:completeness", args=[app.pk]))
        Client().get(reverse("api:application-detail", args=[app.pk]))
        Client().get(reverse("onboarding:accept", args=["jeton-secret-inconnu"]))
        Client().get(reverse("workflows:queue"))  # sent to sign in: not a refusal
    everything = [r for r in caplog.records if r.name == "estampille.access"]
    records = [r for r in everything if hasattr(r, "access")]
    assert [(r.access["who"], r.access["what"], r.access["status"]) for r in records] == [
        (gap.pk, "workflows:application_detail", 404),
        (porteur.pk, "workflows:completeness", 403),
        (None, "api:application-detail", 401),
    ]
    # The invitation link refused is logged once, by its view (labelling.access.log_refusal).
    assert len(everything) == 4
    assert records[0].access["objects"] == {"application_id": str(app.pk)}
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", records[0].access["when"])
    text = "\n".join(r.getMessage() for r in everything)
    assert f"compte={gap.pk} url=workflows:application_detail objets=application_id=" in text
    for personal in (
        "agent.gap",
        gap.last_name,
        porteur.email,
        "Martin",
        "jeton-secret",
        "127.0.0.1",
    ):
        assert personal not in text


def test_refused_api_access_is_logged_with_the_token_user(client, caplog):
    from rest_framework.authtoken.models import Token

    app = wf.submitted()
    gap = InstructeurFactory(departement_id="05")
    token = Token.objects.create(user=gap)
    with caplog.at_level("WARNING", logger="estampille.access"):
        response = client.get(
            reverse("api:application-detail", args=[app.pk]),
            headers={"authorization": f"Token {token.key}"},
        )
    assert response.status_code == 404
    (record,) = [r for r in caplog.records if r.name == "estampille.access"]
    assert record.access["who"] == gap.pk
    assert record.access["objects"] == {"pk": str(app.pk)}
    assert token.key not in record.getMessage()
