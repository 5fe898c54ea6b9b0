"""From the real services to the PDF a person reads: the workflows app builds each document's
typed context from the file (the real conformity engine's criteria, the configured deadlines),
the documents app freezes and renders it; pdftotext reads it back."""

import datetime

import pytest
from django.urls import reverse

from documents.contexts import AccuseReception, Refus, load_context
from documents.models import Document
from documents.services import regenerate_document
from documents.templatetags.documents_tags import after_colon, clause, date_long
from tests.documents.pdf_tools import pdf_text, read_field
from tests.factories import (
    InstructeurFactory,
    PorteurFactory,
    PorteurUserFactory,
    SignataireFactory,
)
from tests.workflows import factories as wf
from workflows import selectors, services
from workflows.deadlines import today
from workflows.models import Outcome

pytestmark = pytest.mark.django_db


def text_of(app, kind: str) -> str:
    row = app.documents.select_related("document").get(kind=kind)
    document = Document.objects.get(pk=row.document_id)
    assert document.is_ready, document.error
    return pdf_text(read_field(document.file))


def test_the_receipt_of_a_real_submission_freezes_the_deadlines_and_states_the_two_month_rule(
    settings, django_capture_on_commit_callbacks
):
    settings.WORKFLOW_DEADLINES = {"completeness": 20, "instruction": 45}
    app = wf.drafted()
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_application(user=wf.porteur_of(app), application_id=app.pk)
    app.refresh_from_db()
    document = Document.objects.get(pk=app.documents.get(kind="accuse_reception").document_id)
    context = load_context(document.context)
    assert isinstance(context, AccuseReception)
    assert (context.completeness_days, context.instruction_days) == (20, 45)
    text = pdf_text(read_field(document.file))
    for expected in (
        "Accusé de réception",
        "France Services d'Ambert",
        app.reference,
        "dépôt n° 1",
        f"déposée le {date_long(today())}",
        "Le silence gardé pendant deux mois",
        "Préfecture du Puy-de-Dôme",
        document.verification_code,
    ):
        assert expected in text, expected
    # The internal stage deadlines are frozen but not promised to the applicant: only the
    # two-month rule and the implicit decision's date are.
    assert "20 jours" not in text and "45 jours" not in text
    assert "15 jours" not in text and "60 jours" not in text


def test_a_real_signature_gives_the_arrete_with_its_date_of_effect_and_signer(
    django_capture_on_commit_callbacks,
):
    instructor = InstructeurFactory(departement_id="63", first_name="Julie", last_name="Marcel")
    with django_capture_on_commit_callbacks(execute=True):
        app = wf.in_decision(instructor=instructor)
        signataire = SignataireFactory(
            departement_id="63", first_name="Claire", last_name="Fontanel"
        )
        services.sign_decision(user=signataire, application_id=app.pk)
    app.refresh_from_db()
    text = text_of(app, "arrete_labellisation")
    for expected in (
        "ARRÊTÉ PRÉFECTORAL",
        "France Services d'Ambert",
        app.porteur.name,
        "est labellisé « France Services » à compter du 1er janvier 2030",
        f"le {date_long(today())}",
        "Claire Fontanel",
        "Voies et délais de recours",
    ):
        assert expected in text, expected
    rapport = text_of(app, "rapport_instruction")
    for criterion in selectors.current_criteria(app):
        assert criterion["label"] in rapport  # the engine's own criteria, by their titles
    assert "Julie Marcel" in rapport


def test_a_real_refusal_names_the_criteria_as_the_engine_reported_them(
    django_capture_on_commit_callbacks,
):
    instructor = InstructeurFactory(departement_id="63")
    with django_capture_on_commit_callbacks(execute=True):
        app = wf.in_decision(
            instructor=instructor, outcome=Outcome.REFUSE, conform=False
        )  # no closed office
        services.sign_decision(user=SignataireFactory(departement_id="63"), application_id=app.pk)
    app.refresh_from_db()
    document = Document.objects.get(pk=app.documents.get(kind="refus").document_id)
    context = load_context(document.context)
    assert isinstance(context, Refus)
    engine = {c["code"]: c for c in selectors.current_criteria(app)}
    (failed,) = context.failed
    assert failed.code == "premises.confidential_office"
    assert (failed.label, failed.message) == (
        engine[failed.code]["label"],
        engine[failed.code]["message"],
    )
    text = pdf_text(read_field(document.file))
    # The engine's message, as a decision words it (no echo of the raw answer).
    assert failed.label in text and after_colon(clause(failed.message)) in text
    assert " : aucun bureau fermé pour les entretiens confidentiels n'est déclaré (" in text
    assert "Pas de bureau de confidentialité." in text  # the reasons of the proposal


def test_a_regenerated_revision_shows_on_the_file_page(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        app = wf.submitted()
    first = Document.objects.get(pk=app.documents.get(kind="accuse_reception").document_id)
    with django_capture_on_commit_callbacks(execute=True):
        second = regenerate_document(document=first, requested_by=None)
    assert second.revision == 2
    client.force_login(wf.porteur_of(app))
    page = client.get(reverse("workflows:application_detail", args=[app.pk])).content.decode()
    assert reverse("documents:download", args=[second.pk]) in page
    assert reverse("documents:download", args=[first.pk]) not in page
    # The new revision has the readers of the first.
    response = client.get(reverse("documents:download", args=[second.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    response.close()


def test_documents_of_a_file_are_typed_snapshots():
    app = wf.signed()
    for row in app.documents.filter(role="generated"):
        snapshot = Document.objects.get(pk=row.document_id).context
        assert snapshot["schema"] == f"{row.kind}/1"
        context = load_context(snapshot)
        assert context.application.reference == app.reference
        assert context.place.departement == "63"
        assert context.issued_on == today()
        assert isinstance(context.issued_on, datetime.date)


@pytest.mark.parametrize(
    ("name", "article", "presented_by", "notified_to"),
    [
        # « Amicale » is no word the guess knows: it would write « présentée par Amicale ».
        ("Amicale laïque d'Ambert", "l'", "par l'Amicale laïque d'Ambert", "notifié à l'Amicale"),
        # « Point » would be guessed masculine: « le Point Virgule ».
        ("Point Virgule", "-", "par Point Virgule", "notifié à Point Virgule"),
        ("Les Herbiers", "-", "par Les Herbiers", "notifié aux Herbiers"),
    ],
)
def test_the_arrete_writes_the_porteur_with_the_article_it_carries(
    name, article, presented_by, notified_to, django_capture_on_commit_callbacks
):
    porteur = PorteurFactory(name=name, kind="association", article=article)
    with django_capture_on_commit_callbacks(execute=True):
        app = wf.in_decision(porteur_user=PorteurUserFactory(porteur=porteur))
        services.sign_decision(user=SignataireFactory(departement_id="63"), application_id=app.pk)
    app.refresh_from_db()
    text = text_of(app, "arrete_labellisation")
    assert f"présentée {presented_by}" in text
    assert notified_to in text
    document = Document.objects.get(pk=app.documents.get(kind="arrete_labellisation").document_id)
    assert load_context(document.context).porteur.article == article
