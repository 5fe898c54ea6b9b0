"""Nothing with history is deleted: every link between our tables says what a deletion does,
written down below (a new link without its line fails), and deleting a file, a place, a
porteur, an account, a document or a piece that has a history is refused — by the model
(PROTECT) and in the admin (its « impossible de supprimer » page, never an error).

The rule for a new foreign key: PROTECT, unless the row is a part of its parent with no life of
its own (an opening interval of a place, a criterion of a version…): CASCADE, with the reason
written here. SET_NULL only for reference data that may be reorganised (a commune's EPCI).
DO_NOTHING never (the database would refuse with an error instead of a French refusal)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.test import Client
from django.urls import reverse

from labelling.models import Role
from tests.factories import InstructeurFactory, UserFactory
from tests.workflows import factories as wf
from workflows import services

PROJECT_APPS = {
    "labelling",
    "workflows",
    "documents",
    "onboarding",
    "funding",
    "renewal",
    "config",
    "idempotency",
}
PROTECT, CASCADE, SET_NULL = "PROTECT", "CASCADE", "SET_NULL"

ON_DELETE = {
    # --- parts of their parent, no life of their own ---------------------------------------
    "labelling.Agent.place": CASCADE,  # the declaration of a place: its agents…
    "labelling.Training.agent": CASCADE,  # …their trainings…
    "labelling.OpeningInterval.place": CASCADE,  # …its opening hours…
    "labelling.OperatorPresence.place": CASCADE,  # …and who is present there
    "labelling.PlaceIdentifier.place": CASCADE,  # the place's public identifier
    "labelling.CommuneAlias.commune": CASCADE,  # former codes of a commune (reference data)
    "labelling.Criterion.version": CASCADE,  # a draft's criteria (a used version is protected)
    "labelling.ImpactRun.version": CASCADE,  # a study of a draft version
    "labelling.FundingRateShare.rate": CASCADE,  # the split of one rate between funders
    "funding.FundingPart.file": CASCADE,  # the split of a funding file (protected by its journal)
    # The parts of a file: the file itself is protected by its journal, which never empties.
    "workflows.CriterionReview.application": CASCADE,
    "workflows.PrivateNote.application": CASCADE,
    "workflows.Opinion.application": CASCADE,
    "workflows.ConventionTracking.application": CASCADE,
    "workflows.Message.application": CASCADE,
    "workflows.ApplicationDocument.application": CASCADE,
    "workflows.DeclarationCorrection.application": CASCADE,
    # The parts of a yearly review (protected by its journal).
    "renewal.ReviewMessage.review": CASCADE,
    "renewal.ReviewDocument.review": CASCADE,
    # django-guardian's per-object grants go with their document.
    "documents.DocumentGroupObjectPermission.content_object": CASCADE,
    "documents.DocumentGroupObjectPermission.group": CASCADE,
    "documents.DocumentGroupObjectPermission.permission": CASCADE,
    "documents.SupportingDocumentGroupObjectPermission.content_object": CASCADE,
    "documents.SupportingDocumentGroupObjectPermission.group": CASCADE,
    "documents.SupportingDocumentGroupObjectPermission.permission": CASCADE,
    # A form's one-time key is a dedup record, purged after days (idempotency/keys.py).
    "idempotency.SubmittedForm.user": CASCADE,
    # Reference data reorganised by the official geography.
    "labelling.Commune.epci": SET_NULL,
    # The network coverage is a cache recomputed every hour (labelling/network_status.py).
    "labelling.CommuneCoverage.commune": CASCADE,
    "labelling.CommuneCoverage.departement": CASCADE,
    "labelling.CommuneCoverage.epci": CASCADE,
    "labelling.CommuneCoverage.nearest_place": SET_NULL,
}


def links():
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.ForeignKey) and field.model is model:
                yield f"{model._meta.label}.{field.name}", field.remote_field.on_delete.__name__


def test_every_link_says_what_a_deletion_does():
    wrong = [
        f"{name}: {actual}, attendu {ON_DELETE.get(name, PROTECT)}"
        for name, actual in links()
        if actual != ON_DELETE.get(name, PROTECT)
    ]
    assert wrong == [], "\n".join(wrong)
    stale = set(ON_DELETE) - {name for name, _ in links()}
    assert stale == set()


@pytest.mark.django_db
def test_nothing_with_history_can_be_deleted(django_capture_on_commit_callbacks):
    """A labelled file with its messages, notes, pieces and signed documents: deleting any of
    the things it involves is refused and leaves every row in place."""
    instructor = InstructeurFactory(departement_id="63")
    with django_capture_on_commit_callbacks(execute=True):
        app = wf.in_instruction(instructor=instructor)
        porteur = wf.porteur_of(app)
        services.post_message(user=porteur, application_id=app.pk, body="Bonjour.")
        services.add_private_note(user=instructor, application_id=app.pk, body="À suivre.")
    app.refresh_from_db()
    document = app.documents.filter(role="generated").first().document
    message = app.messages.first()
    things = {
        "le dossier": app,
        "le lieu": app.place,
        "le porteur": app.porteur,
        "le compte du porteur": porteur,
        "le compte de l'instructeur": instructor,
        "l'accusé de réception": document,
        "le message": message,
        "une entrée du journal": app.journal.first(),
        "le rapport de conformité": app.conformity_report,
        "la version du cahier des charges": app.conformity_report.version,
    }
    counts = {model: model.objects.count() for model in apps.get_models()}
    deleted = []
    for label, thing in things.items():
        try:
            with transaction.atomic():
                thing.delete()
        except (ProtectedError, RestrictedError):
            continue
        except Exception as error:
            deleted.append(f"{label}: {type(error).__name__} au lieu d'un refus")
        else:
            deleted.append(f"{label}: supprimé")
    assert deleted == []
    assert {model: model.objects.count() for model in apps.get_models()} == counts


@pytest.mark.django_db
def test_the_admin_refuses_with_its_page_never_an_error():
    instructor = InstructeurFactory(departement_id="63")
    app = wf.in_instruction(instructor=instructor)
    admin = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    for model, pk in (
        ("labelling_user", instructor.pk),
        ("labelling_place", app.place_id),
        ("labelling_porteur", app.porteur_id),
    ):
        url = reverse(f"admin:{model}_delete", args=[pk])
        page = client.get(url)
        assert page.status_code == 200, model
        assert "Impossible de supprimer" in page.content.decode() or "impossible" in (
            page.content.decode().lower()
        ), model
        client.post(url, {"post": "yes"})
    instructor.refresh_from_db()
    app.refresh_from_db()
    assert app.place and app.porteur
