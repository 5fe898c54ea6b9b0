"""Bad input, generated (issue 16): every form of the site is posted with hostile values drawn
by hypothesis. Whatever comes in: never a 500; a refused form answers with the DSFR error
summary, in French, naming the field (or, for a button's form, a French message on the page
it goes back to); and a refused post writes nothing (the row count of every table is the same
before and after).

How it finds the forms (so that a new one is fuzzed without anyone remembering)
------------------------------------------------------------------------------
- Every URL of the site (the URL resolver, as tests/access/test_url_matrix.py walks it) is
  either in ``FORMS`` (posted here), in ``NO_FORM`` (it answers GET only) or in ``NOT_FUZZED``
  (it takes a post that cannot be fuzzed here, each with its reason). A new URL in none of
  them fails ``test_every_url_is_fuzzed_or_excluded``; a view class with a ``post`` method
  cannot be put in ``NO_FORM``.
- Every Django form class of the project (subclasses of ``forms.BaseForm`` defined in config,
  labelling, workflows and documents) must be bound by some post of the fuzz: the fuzz records
  the classes bound, and a form class that no entry reaches fails the test (or is named in
  ``FORM_CLASSES_NOT_POSTED`` with its reason).
- The fields posted are read from the page a user gets (``forms_html``): the page's form whose
  action is the URL fuzzed, with its inputs, selects, text areas and files.

What is judged, per example (``judge``): a 500 fails with its traceback; an answer 200/400
must carry the form's error summary (« Label : message », French, no field's message shown
without its field); a redirection with an error message only is a refusal; a redirection
that wrote nothing and said nothing fails (a post silently dropped); any refusal must leave
the row count of every table as it was. ``test_every_posted_form_with_text_cleans_it`` keeps
every posted form with text on ``CleanTextForm`` (control characters, length).

Each entry of ``FORMS`` names who posts (a role of ``World``) and the URL (``World`` builds the
objects of one département, the Puy-de-Dôme, in the state each form needs). Every example is
posted in a transaction rolled back after the answer, so every example starts from the same
data. Runs with ``make test`` (fixed derandomised examples: CI sees the same inputs).
"""

from __future__ import annotations

import datetime
import inspect
import os
import re
import time
import traceback
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django import forms as django_forms
from django.apps import apps
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labelling.models import Operator, Role, Version
from tests.access.test_url_matrix import url_names
from tests.badinput.forms_html import Form, english_in, error_summary, forms_of
from tests.factories import (
    InstructeurFactory,
    OperateurUserFactory,
    PorteurUserFactory,
    SignataireFactory,
    UserFactory,
    commune,
)
from tests.workflows import factories as wf

pytestmark = pytest.mark.django_db

# Examples per form: the whole module stays under 90 s on SQLite on one core.
# FORM_FUZZ_EXAMPLES=50 for a longer hunt, FORM_FUZZ_ONLY=renewal: a part, FORM_FUZZ_REPORT=1
# prints what each form answered (accepted, refused with its status…).
EXAMPLES = int(os.environ.get("FORM_FUZZ_EXAMPLES", "12"))


# --- the world: one département's objects, in the states the forms need -----------------------


class World:
    """Users and objects of the Puy-de-Dôme, each built on first use (within the test)."""

    def __init__(self):
        self._cache: dict[str, object] = {}

    def _once(self, key: str, build: Callable[[], object]):
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    # users
    @property
    def porteur(self):
        return self._once("porteur", PorteurUserFactory)

    @property
    def instructor(self):
        return self._once("instructor", lambda: InstructeurFactory(departement_id="63"))

    @property
    def signataire(self):
        return self._once("signataire", lambda: SignataireFactory(departement_id="63"))

    @property
    def operator(self):
        caf = Operator.objects.get(pk="caf")
        return self._once("operator", lambda: OperateurUserFactory(operator=caf))

    @property
    def national(self):
        return self._once("national", UserFactory)

    @property
    def admin(self):
        return self._once(
            "admin", lambda: UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
        )

    @property
    def anonymous(self):
        return None

    # files of the porteur, one per stage
    @property
    def draft(self):
        return self._once("draft", lambda: wf.drafted(self.porteur))

    @property
    def instruction(self):
        return self._once(
            "instruction", lambda: wf.in_instruction(self.instructor, porteur_user=self.porteur)
        )

    @property
    def submitted(self):
        return self._once("submitted", lambda: wf.submitted(porteur_user=self.porteur))

    @property
    def reviewed(self):
        """In instruction, every criterion reviewed: the review can be finished."""

        def build():
            app = wf.in_instruction(self.instructor, porteur_user=self.porteur)
            wf.review_all(app, self.instructor)
            return app

        return self._once("reviewed", build)

    @property
    def review_finished(self):
        """The review finished, the consultation still open."""
        from workflows import services

        def build():
            app = wf.in_instruction(self.instructor, porteur_user=self.porteur)
            wf.review_all(app, self.instructor)
            services.finish_review(user=self.instructor, application_id=app.pk)
            return app

        return self._once("review_finished", build)

    @property
    def with_piece(self):
        """A draft with one piece."""
        from workflows import services
        from workflows.models import DocumentRole

        def build():
            app = wf.drafted(self.porteur)
            services.add_supporting_document(
                user=self.porteur, application_id=app.pk, title="Bail", uploaded_file=wf.pdf()
            )
            return app.documents.get(role=DocumentRole.SUPPORTING)

        return self._once("with_piece", build)

    @property
    def tracked_operator(self):
        return self.conventions.convention_trackings.first().operator_id

    @property
    def conventions(self):
        return self._once(
            "conventions", lambda: wf.in_conventions(self.instructor, porteur_user=self.porteur)
        )

    @property
    def proposal(self):
        return self._once(
            "proposal", lambda: wf.in_proposal(self.instructor, porteur_user=self.porteur)
        )

    @property
    def decision(self):
        return self._once(
            "decision", lambda: wf.in_decision(self.instructor, porteur_user=self.porteur)
        )

    @property
    def signed(self):
        return self._once("signed", lambda: wf.signed(porteur_user=self.porteur))

    @property
    def draft_version(self):
        from labelling.versions import publishing

        return self._once(
            "draft_version",
            lambda: publishing.create_draft_version(
                user=self.national,
                copy_from=Version.objects.get(code="france-services-2019"),
                code="projet-essai",
                title="Projet d'essai",
            ),
        )

    @property
    def draft_criterion(self):
        return self.draft_version.criteria.first()

    def _document(self, app, status: str):
        from django.core.files.base import ContentFile

        from documents.models import Document
        from workflows.models import DocumentRole

        document = app.documents.filter(role=DocumentRole.GENERATED).first().document
        if status == "ready":
            document.file.save("accuse.pdf", ContentFile(wf.pdf().read()), save=False)
        Document.objects.filter(pk=document.pk).update(
            status=status, file=document.file.name, sha256="0" * 64, ready_at=timezone.now()
        )
        document.refresh_from_db()
        return document

    @property
    def failed_document(self):
        """The accusé of the file in instruction, whose production failed."""
        return self._once("failed_document", lambda: self._document(self.instruction, "failed"))

    @property
    def ready_document(self):
        return self._once("ready_document", lambda: self._document(self.submitted, "ready"))

    @property
    def reset_link(self):
        """The password-reset link of the porteur, as the e-mail gives it."""
        from django.contrib.auth.tokens import default_token_generator
        from django.utils.encoding import force_bytes
        from django.utils.http import urlsafe_base64_encode

        user = self.porteur
        return reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )

    # --- funding (a labelled place of the porteur, the envelopes of 2020 and 2021) -------------

    def _funded_place(self, key: str):
        from labelling.funding import services as rules
        from tests.factories import LabelledPlaceFactory

        def build():
            place = LabelledPlaceFactory(
                porteur=self.porteur.porteur,
                commune=commune("63003"),
                labelled_on=datetime.date(2020, 1, 1),
                label_effective_on=datetime.date(2020, 1, 1),
            )
            if "envelopes" not in self._cache:
                for year in (2020, 2021):
                    for funder in ("fnadt", "fonds_national_fs"):
                        rules.set_envelope(
                            user=self.national,
                            departement_code="63",
                            year=year,
                            funder_code=funder,
                            amount=Decimal("1000000"),
                        )
                self._cache["envelopes"] = True
            return place

        return self._once(key, build)

    def _funding_file(self, key: str, *, year: int, steps: tuple[str, ...] = ()):
        from workflows.funding import services as funding
        from workflows.funding.models import FundingCause

        def build():
            place = self._funded_place(f"{key} place")
            file = funding.open_funding_file(place=place, year=year, cause=FundingCause.LABELLING)
            if "propose" in steps:
                funding.propose(user=self.instructor, file_id=file.pk)
            if "sign" in steps:
                funding.sign(user=self.signataire, file_id=file.pk)
            if "order" in steps:
                funding.order_payment(
                    user=self.instructor, file_id=file.pk, payment_id=file.payments.first().pk
                )
            file.refresh_from_db()
            return file

        return self._once(key, build)

    @property
    def funding_open(self):
        return self._funding_file("funding_open", year=2021)

    @property
    def funding_proposed(self):
        return self._funding_file("funding_proposed", year=2021, steps=("propose",))

    @property
    def funding_signed(self):
        return self._funding_file("funding_signed", year=2020, steps=("propose", "sign"))

    @property
    def funding_ordered(self):
        return self._funding_file("funding_ordered", year=2020, steps=("propose", "sign", "order"))

    @property
    def planned_payment(self):
        return self.funding_signed.payments.first()

    @property
    def ordered_payment(self):
        return self.funding_ordered.payments.first()

    # --- yearly reviews of labelled places -----------------------------------------------

    def _review(self, key: str, state: str, **fields):
        from tests.factories import LabelledPlaceFactory
        from workflows.renewal.models import Review

        def build():
            if state == "a_remplir":  # a place labelled by a decision: its declaration is known
                place = wf.signed(porteur_user=self.porteur).place
            else:
                place = LabelledPlaceFactory(porteur=self.porteur.porteur, commune=commune("63003"))
            review = Review.objects.create(
                place=place,
                year=2026,
                departement_id="63",
                review_date=datetime.date.today(),
                version_code="france-services-2019",
                stage_deadline=datetime.date.today() + datetime.timedelta(days=45),
            )
            Review.objects.filter(pk=review.pk).update(state=state, **fields)
            review.refresh_from_db()
            return review

        return self._once(key, build)

    @property
    def review_open(self):
        return self._review("review_open", "a_remplir")

    @property
    def review_submitted(self):
        return self._review("review_submitted", "deposee")

    @property
    def review_notice(self):
        return self._review(
            "review_notice",
            "mise_en_demeure",
            notice_deadline=datetime.date.today() + datetime.timedelta(days=30),
            notice_by=self.instructor,
            notice_reasons="Les horaires ne couvrent pas 24 heures.",
        )

    @property
    def review_to_sign(self):
        return self._review(
            "review_to_sign",
            "abrogation_a_signer",
            proposed_by=self.instructor,
            abrogation_reasons="Le lieu est fermé depuis six mois.",
        )

    # --- onboarding of an imported place ---------------------------------------------------

    def _invitation(self, key: str, *, accepted: bool = False):
        from django.contrib.auth.models import AnonymousUser

        from tests.workflows.onboarding.test_onboarding import (
            NEW_SIRET,
            imported_place,
            new_account_data,
        )
        from workflows.onboarding import services as onboarding
        from workflows.onboarding.tokens import token_for

        def build():
            place = imported_place("63003", name=f"France Services {key}", id_fs=key, email="")
            invitation = onboarding.invite(
                user=self.instructor, place_id=place.pk, email=f"{key}@example.fr"
            )
            invitation.token = token_for(invitation.pk)
            if accepted:
                data = new_account_data(siret=NEW_SIRET)
                data.pop("password_again")
                onboarding.accept(token=invitation.token, user=AnonymousUser(), **data)
            return invitation

        return self._once(key, build)

    @property
    def invitation(self):
        return self._invitation("invitation-envoyee")

    @property
    def invitation_accepted(self):
        return self._invitation("invitation-acceptee", accepted=True)

    @property
    def invitee(self):
        """The account of the invited address, signed in when it opens the link."""
        email = self._invitation("invitation-compte").email
        return self._once("invitee", lambda: PorteurUserFactory(email=email))

    @property
    def imported_place(self):
        from tests.workflows.onboarding.test_onboarding import imported_place

        return self._once(
            "imported_place",
            lambda: imported_place("63003", name="France Services importée", id_fs="fs-i"),
        )

    @property
    def opinion(self):
        from workflows import services

        return self._once(
            "opinion",
            lambda: services.request_opinion(
                user=self.instructor,
                application_id=self.instruction.pk,
                kind="operateur",
                operator_code="caf",
                addressee="Caisse",
                addressee_email="caisse@example.fr",
                question="Une permanence est-elle prévue ?",
            ),
        )


# --- what is posted where ----------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Who posts, to which URL; ``page`` when the form is shown on another page (a button of
    the file's page); ``answers_in_page`` for a form whose accepted answer is a page (200);
    ``silent`` when an accepted post may write nothing and say nothing."""

    role: str
    url: Callable[[World], str]
    page: Callable[[World], str] | None = None
    answers_in_page: bool = False
    silent: bool = False  # an accepted post may change nothing and say nothing


def at(name: str, **objects: str) -> Callable[[World], str]:
    """The URL ``name`` with each keyword argument read from the world (``"draft.pk"``)."""

    def build(world: World) -> str:
        kwargs = {}
        for key, path in objects.items():
            if path.startswith("="):  # a constant
                kwargs[key] = path[1:]
                continue
            value = world
            for part in path.split("."):
                value = getattr(value, part)
            kwargs[key] = value
        return reverse(name, kwargs=kwargs)

    return build


def file_page(stage: str) -> Callable[[World], str]:
    return at("workflows:application_detail", application_id=f"{stage}.pk")


FORMS: dict[str, Target] = {
    # --- account -------------------------------------------------------------------------------
    "login": Target("anonymous", at("login")),
    # Accepted, both lead to a page that says what was done (and write no row: an e-mail, a
    # password).
    "password_reset": Target("anonymous", at("password_reset"), silent=True),
    # the link of the e-mail leads to the page of the new password (its URL ends in
    # « set-password »: the token is kept in the session)
    "password_reset_confirm": Target(
        "anonymous",
        lambda world: world.reset_link.rsplit("/", 2)[0] + "/set-password/",
        page=lambda world: world.reset_link,
        silent=True,
    ),
    "api_token": Target("instructor", at("api_token"), answers_in_page=True),
    # --- the cahier des charges (the national agency) ---------------------------------------
    "labelling:selfcheck": Target("anonymous", at("labelling:selfcheck"), answers_in_page=True),
    "labelling:version_list": Target("national", at("labelling:version_list")),
    "labelling:criterion_edit": Target(
        "national",
        at("labelling:criterion_edit", code="draft_version.code", pk="draft_criterion.pk"),
    ),
    "labelling:version_publish": Target(
        "national",
        at("labelling:version_publish", code="draft_version.code"),
        page=at("labelling:version_detail", code="draft_version.code"),
    ),
    "labelling:impact_start": Target(
        "national",
        at("labelling:impact_start", code="draft_version.code"),
        page=at("labelling:version_detail", code="draft_version.code"),
    ),
    "network:refresh_coverage": Target(
        "national", at("network:refresh_coverage"), page=at("network:status")
    ),
    # --- activity figures ------------------------------------------------------------------
    "activity:import": Target("porteur", at("activity:import")),
    "activity:month": Target(
        "porteur",
        at("activity:month", place_id="instruction.place_id", year="=2025", month="=3"),
    ),
    # --- documents --------------------------------------------------------------------------
    # --- funding decisions -----------------------------------------------------------------
    "funding:open_year": Target("instructor", at("funding:open_year"), page=at("funding:queue")),
    "funding:rates": Target("national", at("funding:rates")),
    "funding:envelopes": Target("national", at("funding:envelopes")),
    "funding:adjust": Target("instructor", at("funding:adjust", file_id="funding_open.pk")),
    "funding:recompute": Target(
        "instructor",
        at("funding:recompute", file_id="funding_open.pk"),
        page=at("funding:detail", file_id="funding_open.pk"),
    ),
    "funding:propose": Target(
        "instructor",
        at("funding:propose", file_id="funding_open.pk"),
        page=at("funding:detail", file_id="funding_open.pk"),
    ),
    "funding:override": Target("national", at("funding:override", file_id="funding_proposed.pk")),
    "funding:return": Target("signataire", at("funding:return", file_id="funding_proposed.pk")),
    "funding:sign": Target("signataire", at("funding:sign", file_id="funding_proposed.pk")),
    "funding:engage": Target("instructor", at("funding:engage", file_id="funding_signed.pk")),
    "funding:close": Target("instructor", at("funding:close", file_id="funding_open.pk")),
    "funding:order": Target(
        "instructor",
        at("funding:order", file_id="funding_signed.pk", payment_id="planned_payment.pk"),
        page=at("funding:detail", file_id="funding_signed.pk"),
    ),
    "funding:pay": Target(
        "instructor",
        at("funding:pay", file_id="funding_ordered.pk", payment_id="ordered_payment.pk"),
        page=at("funding:detail", file_id="funding_ordered.pk"),
    ),
    # --- yearly reviews --------------------------------------------------------------------
    **{
        f"renewal:edit {section}": Target(
            "porteur", at("renewal:edit", review_id="review_open.pk", section=f"={section}")
        )
        for section in ("horaires", "agents", "operateurs", "locaux")
    },
    "renewal:confirm": Target("porteur", at("renewal:confirm", review_id="review_open.pk")),
    "renewal:submit": Target("porteur", at("renewal:submit", review_id="review_open.pk")),
    "renewal:comply": Target("porteur", at("renewal:comply", review_id="review_notice.pk")),
    "renewal:message": Target(
        "porteur",
        at("renewal:message", review_id="review_open.pk"),
        page=at("renewal:detail", review_id="review_open.pk"),
    ),
    "renewal:assign": Target(
        "instructor",
        at("renewal:assign", review_id="review_open.pk"),
        page=at("renewal:detail", review_id="review_open.pk"),
    ),
    **{
        f"renewal:{name}": Target(
            "instructor", at(f"renewal:{name}", review_id="review_submitted.pk")
        )
        for name in ("renew", "notice", "suspend", "propose_abrogation")
    },
    **{
        f"renewal:{name}": Target(
            "signataire", at(f"renewal:{name}", review_id="review_to_sign.pk")
        )
        for name in ("sign_abrogation", "return_abrogation")
    },
    # --- onboarding of the places of the national list ------------------------------------
    "onboarding:invite": Target(
        "instructor", at("onboarding:invite", place_id="imported_place.pk")
    ),
    "onboarding:revoke": Target(
        "instructor",
        at("onboarding:revoke", invitation_id="invitation.pk"),
        page=at("onboarding:detail", invitation_id="invitation.pk"),
    ),
    "onboarding:confirm": Target(
        "instructor",
        at("onboarding:confirm", invitation_id="invitation_accepted.pk"),
        page=at("onboarding:detail", invitation_id="invitation_accepted.pk"),
    ),
    "onboarding:refuse": Target(
        "instructor", at("onboarding:refuse", invitation_id="invitation_accepted.pk")
    ),
    "onboarding:accept new account": Target(
        "anonymous", at("onboarding:accept", token="invitation.token")
    ),
    "onboarding:accept signed in": Target(
        "invitee",
        lambda world: reverse(
            "onboarding:accept", args=[world._invitation("invitation-compte").token]
        ),
    ),
    "documents:retry": Target(
        "instructor",
        at("documents:retry", document_id="failed_document.pk"),
        page=at("documents:place_documents", place_id="instruction.place_id"),
    ),
    "documents:regenerate": Target(
        "instructor",
        at("documents:regenerate", document_id="ready_document.pk"),
        page=at("documents:place_documents", place_id="submitted.place_id"),
    ),
    "documents:verify": Target(
        "anonymous",
        at("documents:verify", code="ready_document.verification_code"),
        answers_in_page=True,
    ),
    # --- the porteur's application --------------------------------------------------------
    "workflows:application_start": Target(
        "porteur", at("workflows:application_start"), page=at("workflows:porteur_applications")
    ),
    **{
        f"workflows:draft_step {step}": Target(
            "porteur", at("workflows:draft_step", application_id="draft.pk", step=f"={step}")
        )
        for step in ("porteur", "lieu", "horaires", "agents", "operateurs", "locaux", "pieces")
    },
    "workflows:draft_upload": Target(
        "porteur",
        at("workflows:draft_upload", application_id="draft.pk"),
        page=at("workflows:draft_step", application_id="draft.pk", step="=pieces"),
    ),
    "workflows:draft_piece_remove": Target(
        "porteur",
        at(
            "workflows:draft_piece_remove",
            application_id="with_piece.application_id",
            document_id="with_piece.pk",
        ),
        page=at("workflows:draft_step", application_id="with_piece.application_id", step="=pieces"),
    ),
    "workflows:draft_submit": Target(
        "porteur", at("workflows:draft_submit", application_id="draft.pk")
    ),
    "workflows:withdraw": Target(
        "porteur", at("workflows:withdraw", application_id="instruction.pk")
    ),
    # --- the préfecture's file ----------------------------------------------------------------
    "workflows:queue_take": Target(
        "instructor", at("workflows:queue_take"), page=at("workflows:queue")
    ),
    "workflows:take": Target(
        "instructor",
        at("workflows:take", application_id="submitted.pk"),
        page=file_page("submitted"),
    ),
    "workflows:assign": Target(
        "instructor", at("workflows:assign", application_id="instruction.pk")
    ),
    "workflows:completeness": Target(
        "instructor", at("workflows:completeness", application_id="submitted.pk")
    ),
    "workflows:review": Target(
        "instructor", at("workflows:review", application_id="instruction.pk")
    ),
    "workflows:finish_review": Target(
        "instructor",
        at("workflows:finish_review", application_id="reviewed.pk"),
        page=file_page("reviewed"),
    ),
    "workflows:close_opinions": Target(
        "instructor",
        at("workflows:close_opinions", application_id="review_finished.pk"),
        page=file_page("review_finished"),
    ),
    "workflows:opinion_answer": Target(
        "instructor",
        at("workflows:opinion_answer", application_id="instruction.pk", opinion_id="opinion.pk"),
    ),
    "workflows:convention_status": Target(
        "instructor",
        at(
            "workflows:convention_status",
            application_id="conventions.pk",
            operator_code="tracked_operator",
        ),
    ),
    "workflows:finish_conventions": Target(
        "instructor",
        at("workflows:finish_conventions", application_id="conventions.pk"),
        page=file_page("conventions"),
    ),
    "workflows:convention_upload": Target(
        "porteur",
        at(
            "workflows:convention_upload",
            application_id="conventions.pk",
            operator_code="tracked_operator",
        ),
    ),
    "workflows:close": Target("instructor", at("workflows:close", application_id="instruction.pk")),
    "workflows:reopen": Target("signataire", at("workflows:reopen", application_id="signed.pk")),
    "workflows:add_note": Target(
        "instructor",
        at("workflows:add_note", application_id="instruction.pk"),
        page=file_page("instruction"),
    ),
    "workflows:post_message": Target(
        "porteur",
        at("workflows:post_message", application_id="instruction.pk"),
        page=file_page("instruction"),
    ),
    "workflows:opinion_request": Target(
        "instructor", at("workflows:opinion_request", application_id="instruction.pk")
    ),
    "workflows:correct": Target(
        "instructor", at("workflows:correct", application_id="instruction.pk")
    ),
    "workflows:proposal": Target(
        "instructor", at("workflows:proposal", application_id="proposal.pk")
    ),
    "workflows:decision": Target(
        "signataire", at("workflows:decision", application_id="decision.pk")
    ),
    "workflows:return_proposal": Target(
        "signataire", at("workflows:return_proposal", application_id="decision.pk")
    ),
    "workflows:operator_opinion": Target(
        "operator", at("workflows:operator_opinion", opinion_id="opinion.pk")
    ),
}

# URLs that answer GET only (a post is read as a GET, refused with 405, or has no effect).
NO_FORM: set[str] = {
    "home",
    "accessibility",
    "public:directory",
    "public:map_data",
    "public:place",
    "public:opendata",
    "public:opendata_download",
    "proconnect_login",
    "proconnect_callback",
    "password_reset_done",
    "password_reset_complete",
    "labelling:place_list",
    "labelling:place_detail",
    "labelling:commune_search",
    "labelling:version_detail",
    "labelling:impact_detail",
    "labelling:impact_export_csv",
    "labelling:impact_export_xlsx",
    "activity:overview",
    "activity:export",
    "activity:template",
    "activity:place",
    "workflows:help_stages",
    "workflows:porteur_applications",
    "workflows:draft_resume",
    "workflows:operator_opinions",
    "workflows:queue",
    "workflows:queue_export",
    "workflows:application_detail",
    "onboarding:list",
    "onboarding:export",
    "onboarding:detail",
    "funding:queue",
    "funding:export_decisions",
    "funding:export_payments",
    "funding:detail",
    "funding:porteur_list",
    "funding:help",
    "network:status",
    "network:map_data",
    "network:export",
    "renewal:list",
    "renewal:export",
    "renewal:detail",
    "documents:verify_form",
    "documents:download",
    "documents:status",
    "documents:batch",
    "documents:batch_status",
    "documents:place_documents",
    "documents:download_supporting",
}

# URLs that take a post this module does not fuzz, and why.
NOT_FUZZED: dict[str, str] = {
    "logout": "signs out: no field, nothing written",
    "onboarding:leave": "signs out (like logout) and goes back to the link: no field",
}

# Form classes that no page posts (with the reason), or bases of others.
FORM_CLASSES_NOT_POSTED: dict[str, str] = {
    "labelling.forms.CleanTextForm": "a base class",
    "labelling.forms.CleanTextModelForm": "a base class",
    "workflows.forms.StepForm": "a base class",
    "labelling.activity.forms.FilterForm": "the activity filters: a GET form (query string)",
    "workflows.renewal.forms.QueueForm": "the reviews' filters: a GET form (query string)",
    "documents.forms.VerifyCodeForm": "the verification code: a GET form (query string)",
}

# Tables written on purpose by a refused post: a failed sign-in is counted (django-axes).
BOOKKEEPING = {"axes_accessattempt", "axes_accesslog", "axes_accessfailurelog", "django_session"}


# --- hostile values ----------------------------------------------------------------------------

HOSTILE_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x07\x1b[31m\x7f",
    "\u202eeciffo\u202c",
    "\u200b\u200c\u200d\ufeff",
    "😀🇫🇷👩🏽‍💻",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "' OR 1=1 --",
    "'; DROP TABLE workflows_application; --",
    "{{ 7*7 }}{% debug %}",
    "%00%0d%0a",
    "../../../etc/passwd",
    "x" * 100_000,
    "é" * 5_001,
    "\r\n" * 300,
    "1e999",
    "-1e999",
    "NaN",
    "Infinity",
    "-0",
    "9" * 400,
    "-99999999999999999999",
    "0x1F",
    "1,5",
    "1 000,00",
    "0000-00-00",
    "31/02/2026",
    "2026-02-31",
    "29/02/2025",
    "9999-12-31",
    "0001-01-01",
    "2026-13-01",
    "00/00/0000",
    "25:61",
    "True",
    "null",
    "[]",
    "{}",
    str(uuid.uuid4()),
    "00000000-0000-0000-0000-000000000000",
]

text_values = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.dates(min_value=datetime.date(1, 1, 1)).map(lambda d: d.strftime("%d/%m/%Y")),
)

HOSTILE_FILES = [
    ("piece.pdf", b"", "application/pdf"),
    ("piece.pdf", b"Ceci n'est pas un PDF.", "application/pdf"),
    ("piece.pdf", b"<html><body><script>alert(1)</script></body></html>", "text/html"),
    ("piece.pdf", b"%PDF-1.7\n" + b"\x00" * 64, "application/pdf"),
    ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
    ("script.exe", b"MZ\x90\x00", "application/octet-stream"),
    ("a\u202egpj.pdf", b"%PDF-1.4\n%%EOF", "application/pdf"),
    ("x" * 300 + ".pdf", b"%PDF-1.4\n%%EOF", "application/pdf"),
    ("nul\x00.pdf", b"%PDF-1.4\n%%EOF", "application/pdf"),
    ("chiffres.csv", b"mois;demandes\n2025-13;1e999\n\x00;\n", "text/csv"),
    ("chiffres.csv", b"\xff\xfe\x00\x00garbage", "text/csv"),
    ("chiffres.csv", b"", "text/csv"),
]


def file_values():
    return st.sampled_from(HOSTILE_FILES).map(
        lambda spec: SimpleUploadedFile(spec[0].replace("\x00", ""), spec[1], spec[2])
    )


@st.composite
def posted_data(draw, form: Form) -> dict:
    """One post of ``form``: each field omitted, sent once or twice, with a value the page
    offers or a hostile one; sometimes keys the form does not know; a fresh one-time key."""
    data: dict[str, list] = {}
    for name, field in form.fields.items():
        if name in ("csrfmiddlewaretoken",):
            continue
        if name == "request_key":
            data[name] = [
                draw(
                    st.one_of(
                        st.uuids().map(str),
                        st.uuids().map(str),
                        st.uuids().map(str),
                        st.sampled_from(["", "pas-une-clé", "\x00"]),
                    )
                )
            ]
            continue
        presence = draw(st.sampled_from(["one", "one", "one", "missing", "twice"]))
        if presence == "missing":
            continue
        if field.kind == "file":
            value = file_values()
        else:
            offered = [v for v in field.values if v is not None]
            value = st.one_of(st.sampled_from(offered), text_values) if offered else text_values
        count = 2 if presence == "twice" else 1
        data[name] = [draw(value) for _ in range(count)]
    for extra in draw(st.lists(st.sampled_from(["id", "pk", "state", "is_superuser", "\x00"]))):
        data[extra] = [draw(text_values)]
    return {key: values[0] if len(values) == 1 else values for key, values in data.items()}


# --- what is checked after each post ----------------------------------------------------------


def tables() -> list[str]:
    names = sorted({model._meta.db_table for model in apps.get_models()})
    return [name for name in names if name not in BOOKKEEPING]


# The tables of what the forms change (files, reviews, funding, invitations, the cahier des
# charges): their whole content is compared too, so that a refused post that changed a row
# (not only added one) is seen.
WATCHED = (
    "workflows.Application",
    "renewal.Review",
    "funding.FundingFile",
    "funding.Payment",
    "onboarding.Invitation",
    "labelling.Criterion",
    "labelling.Version",
    "labelling.Place",
    "labelling.Porteur",
)


def snapshot(names: list[str]) -> dict[str, object]:
    """The row count of every table (one query), and the content of the watched tables."""
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(name)})" for name in names)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        found: dict[str, object] = dict(zip(names, cursor.fetchone(), strict=True))
        for label in WATCHED:
            table = apps.get_model(label)._meta.db_table
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY 1")
            found[f"{table} (contenu)"] = hash(repr(cursor.fetchall()))
    return found


LEAD_IN = "Corrigez les champs suivants :"
# Django's messages of one field: shown without the field's label, they name nothing.
GENERIC = re.compile(
    r"^(Ce champ est obligatoire|Saisissez une? |Sélectionnez un choix valide|Assurez-vous que|"
    r"Le fichier soumis est vide|Aucun fichier n’a été soumis)"
)


class Refusal(AssertionError):
    pass


def judge(target: Target, form: Form, response, before, after, data) -> str:
    """What the answer was (``ok``, ``refused``, ``404``…); raises when it is not acceptable."""
    status = response.status_code
    if status >= 500:
        exc = getattr(response, "exc_info", None)
        trace = "".join(traceback.format_exception(*exc)) if exc else ""
        raise Refusal(f"{status} for {data!r}\n{trace}")
    written = {name: (before[name], after[name]) for name in before if before[name] != after[name]}
    if status in (301, 302, 303):
        said = list(get_messages(response.wsgi_request))
        errors = [str(m) for m in said if m.level == message_levels.ERROR]
        done = [m for m in said if m.level == message_levels.SUCCESS]
        if errors and not done:  # refused (a partial success, e.g. some files taken, writes)
            if written:
                raise Refusal(f"refused ({errors}) but wrote {written} for {data!r}")
            for message in errors:
                if english_in(message):
                    raise Refusal(f"message not in French: {message!r} for {data!r}")
            return "refusé (message)"
        if not said and not written and not target.silent:
            raise Refusal(f"nothing done and nothing said for {data!r}")
        return "accepté"
    if status in (200, 400):
        html = response.content.decode()
        summary = error_summary(html)
        if summary is None:
            if target.answers_in_page:
                if written:
                    raise Refusal(f"answered in page but wrote {written} for {data!r}")
                return "réponse"
            raise Refusal(f"{status} without an error summary for {data!r}")
        if written:
            raise Refusal(f"refused but wrote {written} for {data!r}: {summary.text}")
        items = [item for item in summary.items if item != LEAD_IN]
        for item in items:
            word = english_in(item)
            if word:
                raise Refusal(f"error not in French ({word!r}): {item!r} for {data!r}")
        for item in items:
            if any(item == text for _, text in summary.links):  # « Label : message »
                if item.startswith(":") or " : " not in item:
                    raise Refusal(f"an error that names no field: {item!r} for {data!r}")
            elif GENERIC.match(item):  # a field's message shown without its field
                raise Refusal(f"an error that names no field: {item!r} for {data!r}")
        return f"refusé ({status})"
    if status in (403, 404, 413, 429):  # 429: a public form's rate limit (its cache is kept)
        if written:
            raise Refusal(f"{status} but wrote {written} for {data!r}")
        return str(status)
    raise Refusal(f"unexpected {status} for {data!r}")


# --- the tests ---------------------------------------------------------------------------------


def project_form_classes() -> dict[str, type]:
    """Every form class of the project: the modules of the pages (the URLconf) and every
    ``forms`` module are imported first, so that none is missed."""
    import importlib
    import pkgutil

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view, hence every form it uses
    for package in ("config", "labelling", "workflows", "documents"):
        root = importlib.import_module(package)
        for module in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
            if module.name.rsplit(".", 1)[-1] == "forms":
                importlib.import_module(module.name)
    found: dict[str, type] = {}

    def walk(cls):
        for sub in cls.__subclasses__():
            module = sub.__module__
            if module.split(".")[0] in ("config", "labelling", "workflows", "documents") and (
                ".admin" not in module and not module.endswith("admin")
            ):
                found[f"{module}.{sub.__qualname__}"] = sub
            walk(sub)

    walk(django_forms.BaseForm)
    return found


def test_every_url_is_fuzzed_or_excluded():
    from django.urls import get_resolver

    names = {name for name in url_names() if not name.startswith(("admin:", "api:"))}
    listed = {key.split(" ")[0] for key in FORMS} | NO_FORM | set(NOT_FUZZED)
    missing = sorted(names - listed)
    stale = sorted(listed - names)
    assert missing == [], f"URLs in none of FORMS, NO_FORM, NOT_FUZZED (tests/badinput): {missing}"
    assert stale == [], f"entries for URLs that no longer exist: {stale}"
    fuzzed = {key.split(" ")[0] for key in FORMS}
    both = (fuzzed & NO_FORM) | (fuzzed & set(NOT_FUZZED)) | (NO_FORM & set(NOT_FUZZED))
    assert both == set()
    # A view class that takes a post is not a page without a form.
    callbacks = {}

    def walk(patterns, prefix=""):
        from django.urls import URLPattern, URLResolver

        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = f"{pattern.namespace}:" if pattern.namespace else ""
                walk(pattern.url_patterns, prefix + ns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                callbacks[prefix + pattern.name] = pattern.callback

    walk(get_resolver().url_patterns)
    for name in NO_FORM:
        view = getattr(callbacks[name], "view_class", None)
        assert view is None or not hasattr(view, "post"), f"{name} takes a post: fuzz it"
        source = inspect.getsource(inspect.unwrap(callbacks[name]))
        assert "request.POST" not in source, f"{name} reads a post: fuzz it"


def post_page(client: Client, world: World, target: Target, url: str) -> Form:
    """The form that posts to ``url``, as a user gets it on its page."""
    page_url = target.page(world) if target.page else url
    response = client.get(page_url, follow=True)
    assert response.status_code == 200, f"{page_url} answers {response.status_code}"
    shown_at = response.request["PATH_INFO"]  # after the redirections, if any
    candidates = [
        form for form in forms_of(response.content.decode()) if (form.path or shown_at) == url
    ]
    assert candidates, f"no form posting to {url} on {shown_at}"
    return candidates[0]


def fuzz_one(name: str, target: Target, world: World, stats: dict) -> None:
    user = getattr(world, target.role)
    url = target.url(world)
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    form = post_page(client, world, target, url)
    names = tables()
    counts: Counter = Counter()
    stats[name] = counts

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=posted_data(form))
    def post(data):
        for value in data.values():  # a file is read again by the next example
            for item in value if isinstance(value, list) else [value]:
                if hasattr(item, "seek"):
                    item.seek(0)
        client.cookies.pop("messages", None)  # only this post's messages are read
        with transaction.atomic():
            before = snapshot(names)
            response = client.post(url, data)
            after = snapshot(names) if response.status_code < 500 else before
            try:
                counts[judge(target, form, response, before, after, data)] += 1
            finally:
                transaction.set_rollback(True)

    post()


def test_every_form_refuses_hostile_input_in_french_and_writes_nothing(
    monkeypatch, settings, capsys
):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    bound: set[str] = set()
    original = django_forms.BaseForm.__init__

    def recording_init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if self.is_bound:
            cls = type(self)
            bound.add(f"{cls.__module__}.{cls.__qualname__}")

    monkeypatch.setattr(django_forms.BaseForm, "__init__", recording_init)
    world = World()
    stats: dict[str, Counter] = {}
    failures: list[str] = []
    started = time.perf_counter()
    only = os.environ.get("FORM_FUZZ_ONLY", "")
    for name, target in FORMS.items():
        if only and only not in name:
            continue
        built = set(world._cache)
        try:
            with transaction.atomic():  # a failure leaves the next entries a usable database
                fuzz_one(name, target, world, stats)
        except Exception as error:  # every form is fuzzed; the failures are listed together
            for key in set(world._cache) - built:  # rolled back with the entry
                del world._cache[key]
            errors = getattr(error, "exceptions", None) or [error]
            failures += [f"--- {name}: {type(e).__name__}: {e}" for e in errors]
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        if not os.environ.get("FORM_FUZZ_REPORT"):  # what each form answered, on demand
            stats = {}
        print(f"\nfuzz of {len(FORMS)} forms, {EXAMPLES} examples each: {elapsed:.1f} s")
        for name, counts in stats.items():
            print(f"  {name}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    assert not failures, "\n".join(failures)
    if only:
        return  # a part of the fuzz (FORM_FUZZ_ONLY): the classes are checked on a whole run
    unposted = sorted(set(project_form_classes()) - bound - set(FORM_CLASSES_NOT_POSTED))
    assert unposted == [], f"form classes no entry of FORMS posts: {unposted}"


# Forms whose text is not cleaned by `CleanTextForm`, and why.
NOT_CLEAN_TEXT = {
    "labelling.forms.EmailAuthenticationForm": "Django's sign-in: an address and a password",
    "labelling.activity.forms.FilterForm": "a GET form: the query string is cleaned (middleware)",
    "workflows.renewal.forms.QueueForm": "a GET form: the query string is cleaned (middleware)",
}


def test_every_posted_form_with_text_cleans_it():
    """Text typed or pasted in a posted form is cleaned of control characters (NUL, escape,
    bidirectional overrides) and its text areas are limited: `labelling.forms.CleanTextForm`
    (the renewal forms were plain Django forms, and stored 100,000 characters of anything)."""
    from labelling.forms import CleanTextForm, CleanTextModelForm

    plain = []
    for name, cls in project_form_classes().items():
        if issubclass(cls, (CleanTextForm, CleanTextModelForm)) or name in NOT_CLEAN_TEXT:
            continue
        if any(
            isinstance(field, django_forms.CharField)
            and not isinstance(field.widget, django_forms.PasswordInput)
            for field in cls.base_fields.values()
        ):
            plain.append(name)
    assert plain == [], f"forms with text not cleaned (make them CleanTextForm): {plain}"
