"""The complete path through the web pages with the Django client, and the other branches."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from labelling.models import Place, User
from labelling.models.network import LabelStatus
from tests.factories import InstructeurFactory, PorteurUserFactory, SignataireFactory
from tests.workflows import factories as wf
from workflows.models import Application, State, TrackingStatus

pytestmark = pytest.mark.django_db

HOURS = "09:00-12:00, 13:30-17:00"


def url(name, app=None, *args):
    return reverse(f"workflows:{name}", args=([app.pk] if app else []) + list(args))


def post_ok(client, path, data, *, follow_to=None):
    response = client.post(path, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def fill_draft_through_pages(client, app):
    step = lambda slug: url("draft_step", app, slug)  # noqa: E731
    post_ok(
        client,
        step("porteur"),
        {"kind": "commune", "name": "Commune d'Ambert", "siret": "", "suivant": "1"},
    )
    response = post_ok(
        client,
        step("lieu"),
        {
            "name": "France Services d'Ambert",
            "address": "1 place de la Mairie",
            "commune_insee": "63003",
            "suivant": "1",
        },
    )
    assert response.url == step("horaires")
    post_ok(client, step("horaires"), {d: HOURS for d in ("mo", "tu", "we", "th", "fr")})
    post_ok(
        client,
        step("agents"),
        {
            "agents-TOTAL_FORMS": "3",
            "agents-INITIAL_FORMS": "0",
            "agents-MIN_NUM_FORMS": "0",
            "agents-MAX_NUM_FORMS": "1000",
            "agents-0-name": "Claire Martin",
            "agents-0-fte": "1",
            "agents-0-france_services_initiale_on": "2021-03-01",
            "agents-1-name": "Paul Roux",
            "agents-1-fte": "0,8",
            "agents-1-france_services_initiale_on": "2022-05-10",
            "agents-1-primo_accueil_on": "2019-01-15",
        },
    )
    post_ok(client, step("operateurs"), {f"op_{code}": "remote" for code in wf.NATIONAL})
    post_ok(
        client,
        step("locaux"),
        {"confidential_office": "on", "digital_space": "on", "accessible_pmr": "on"},
    )
    post_ok(
        client,
        url("draft_upload", app),
        {"piece-title": "Délibération du conseil municipal", "piece-file": wf.pdf()},
    )
    post_ok(client, step("pieces"), {"suivant": "1"})


def test_complete_path_through_the_pages(client, django_capture_on_commit_callbacks, mailoutbox):
    porteur = PorteurUserFactory()
    instructor = InstructeurFactory(departement_id="63")
    signataire = SignataireFactory(departement_id="63")

    # 1. Brouillon, step by step, with the live check beside the form.
    client.force_login(porteur)
    response = client.post(url("application_start"))
    app = Application.objects.get()
    assert response.url == url("draft_step", app, "porteur")
    page = client.get(url("draft_step", app, "porteur")).content.decode()
    assert "Vérification du cahier des charges" in page
    fill_draft_through_pages(client, app)
    app.refresh_from_db()
    assert app.draft_declaration["agents"][1]["fte"] == 0.8
    page = client.get(url("draft_submit", app)).content.decode()
    assert "Conforme" in page

    # 2. Dépôt.
    with django_capture_on_commit_callbacks(execute=True):
        post_ok(client, url("draft_submit", app), {"justification": ""})
    app.refresh_from_db()
    assert app.state == State.SUBMITTED
    assert instructor.email in {r for m in mailoutbox for r in m.to}

    # 3. Complétude: asked for more, then completed.
    client.force_login(instructor)
    assert app.reference in client.get(url("queue")).content.decode()
    post_ok(client, url("take", app), {})
    response = client.post(url("completeness", app), {"decision": "incomplet", "message": ""})
    assert response.status_code == 200
    assert 'aria-describedby="id_message-messages"' in response.content.decode()
    post_ok(
        client,
        url("completeness", app),
        {"decision": "incomplet", "message": "Joignez le bail des locaux."},
    )
    app.refresh_from_db()
    assert app.state == State.INCOMPLETE

    client.force_login(porteur)
    detail = client.get(url("application_detail", app)).content.decode()
    assert "Joignez le bail des locaux." in detail
    post_ok(
        client, url("draft_upload", app), {"piece-title": "Bail", "piece-file": wf.pdf("bail.pdf")}
    )
    post_ok(client, url("draft_submit", app), {"justification": ""})
    app.refresh_from_db()
    assert app.state == State.SUBMITTED
    assert len(app.submitted_snapshot["documents"]) == 2

    client.force_login(instructor)
    post_ok(client, url("completeness", app), {"decision": "complet", "message": ""})
    app.refresh_from_db()
    assert app.state == State.INSTRUCTION

    # 4. Instruction: per-criterion review, an opinion, a private note.
    post_ok(
        client,
        url("opinion_request", app),
        {
            "kind": "conseil_departemental",
            "addressee": "Conseil départemental du Puy-de-Dôme",
            "addressee_email": "cd63@example.fr",
            "question": "Ce lieu figure-t-il au SDAASP ?",
            "due_on": (datetime.date.today() + datetime.timedelta(days=10)).isoformat(),
        },
    )
    opinion = app.opinions.get()
    post_ok(
        client,
        url("opinion_answer", app, opinion.pk),
        {"favourable": "oui", "answer": "Oui, prioritaire."},
    )
    post_ok(client, url("close_opinions", app), {})
    post_ok(client, url("add_note", app), {"body": "Maire très motivé."})
    criteria = client.get(url("review", app)).context["rows"]
    data = {}
    for row in criteria:
        code = row["criterion"]["code"]
        data[f"{code}-verdict"] = row["criterion"]["status"]
        data[f"{code}-comment"] = "Vérifié sur place."
    data["terminer"] = "1"
    post_ok(client, url("review", app), data)
    app.refresh_from_db()
    assert app.state == State.CONVENTIONS

    # 5. Conventions: the porteur uploads one signed convention, the instructor validates it,
    #    the others are covered by national agreements.
    client.force_login(porteur)
    detail = client.get(url("application_detail", app)).content.decode()
    assert "Maire très motivé." not in detail  # private notes never reach the porteur
    post_ok(
        client,
        url("convention_upload", app, "caf"),
        {"signed_on": datetime.date.today().isoformat(), "file": wf.pdf("caf.pdf")},
    )
    client.force_login(instructor)
    post_ok(client, url("convention_status", app, "caf"), {"status": "signed", "comment": ""})
    for code in wf.NATIONAL[1:]:
        post_ok(client, url("convention_status", app, code), {"status": "national"})
    post_ok(client, url("finish_conventions", app), {})
    app.refresh_from_db()
    assert app.state == State.PROPOSAL
    assert app.convention_trackings.get(operator_id="caf").status == TrackingStatus.SIGNED

    # 6. Proposition.
    post_ok(
        client,
        url("proposal", app),
        {
            "outcome": "label",
            "reasons": "Tous les critères sont remplis.",
            "effective_on": "2030-01-01",
        },
    )
    app.refresh_from_db()
    assert app.state == State.DECISION

    # 7. Décision by a signataire.
    client.force_login(signataire)
    post_ok(
        client,
        url("decision", app),
        {"decided_on": datetime.date.today().isoformat(), "effective_on": "", "reasons": ""},
    )
    app.refresh_from_db()
    place = Place.objects.get(pk=app.place_id)
    assert app.state == State.LABELLED
    assert place.label_status == LabelStatus.LABELLED
    assert place.labelled_on == datetime.date.today()
    assert place.label_effective_on == datetime.date(2030, 1, 1)
    detail = client.get(url("application_detail", app)).content.decode()
    assert "Arrêté de labellisation" in detail


def test_forms_keep_what_was_typed_and_link_errors(client):
    app = wf.drafted()
    client.force_login(wf.porteur_of(app))
    response = client.post(
        url("draft_step", app, "horaires"), {"mo": "09:00-12:00", "tu": "18:00-12:00"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="18:00-12:00"' in page
    assert 'aria-describedby="id_tu-messages"' in page
    assert "l&#x27;heure de fin doit suivre l&#x27;heure de début" in page


def test_unknown_commune_is_an_error_on_its_field(client):
    app = wf.services.start_application(user=PorteurUserFactory())
    client.force_login(app.created_by)
    response = client.post(
        url("draft_step", app, "lieu"), {"name": "Lieu", "commune_insee": "99999"}
    )
    assert response.status_code == 200
    assert 'aria-describedby="id_commune_insee-messages"' in response.content.decode()


def test_non_conform_submission_through_the_page_needs_a_justification(client):
    app = wf.drafted(conform=False)
    client.force_login(wf.porteur_of(app))
    response = client.post(url("draft_submit", app), {"justification": ""})
    assert response.status_code == 200
    assert 'aria-describedby="id_justification-messages"' in response.content.decode()
    post_ok(client, url("draft_submit", app), {"justification": "Travaux en mars."})
    app.refresh_from_db()
    assert app.state == State.SUBMITTED


def test_refusal_through_the_pages(client):
    instructor = InstructeurFactory(departement_id="63")
    app = wf.in_proposal(instructor=instructor)
    client.force_login(instructor)
    response = client.post(url("proposal", app), {"outcome": "refuse", "reasons": "Non."})
    assert response.status_code == 200
    assert "Un refus nomme les critères non remplis." in response.content.decode()
    post_ok(
        client,
        url("proposal", app),
        {
            "outcome": "refuse",
            "reasons": "Pas d'espace numérique.",
            "failed_criteria": ["premises.digital_space"],
        },
    )
    client.force_login(SignataireFactory(departement_id="63"))
    post_ok(client, url("decision", app), {"decided_on": datetime.date.today().isoformat()})
    app.refresh_from_db()
    assert app.state == State.REFUSED
    assert app.place.label_status == LabelStatus.CANDIDATE


def test_withdrawal_and_closing_through_the_pages(client):
    app = wf.submitted()
    client.force_login(wf.porteur_of(app))
    assert client.post(url("withdraw", app), {"reason": ""}).status_code == 200
    post_ok(client, url("withdraw", app), {"reason": "Nous renonçons."})
    app.refresh_from_db()
    assert app.state == State.WITHDRAWN

    instructor = InstructeurFactory(departement_id="63")
    other = wf.submitted()
    client.force_login(instructor)
    post_ok(client, url("close", other), {"reason": "Aucune réponse."})
    other.refresh_from_db()
    assert other.state == State.CLOSED


def test_reopen_and_correct_through_the_pages(client):
    app = wf.signed()
    client.force_login(SignataireFactory(departement_id="63"))
    post_ok(client, url("reopen", app), {"reason": "Recours gracieux."})
    app.refresh_from_db()
    assert (app.state, app.revision) == (State.INSTRUCTION, 2)
    instructor = InstructeurFactory(departement_id="63")
    client.force_login(instructor)
    response = client.post(
        url("correct", app),
        {"path": "premises.digital_space", "value": "peut-être", "reason": "Visite"},
    )
    assert response.status_code == 200
    assert 'value="peut-être"' in response.content.decode()
    post_ok(
        client,
        url("correct", app),
        {"path": "premises.digital_space", "value": "non", "reason": "Visite du 3 mars."},
    )
    detail = client.get(url("application_detail", app)).content.decode()
    assert "Visite du 3 mars." in detail


def test_messages_thread_with_attachment_and_email(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    app = wf.submitted()
    instructor = InstructeurFactory(departement_id="63")
    client.force_login(instructor)
    with django_capture_on_commit_callbacks(execute=True):
        post_ok(
            client,
            url("post_message", app),
            {
                "body": "Pouvez-vous préciser les horaires du samedi ?",
                "attachment": wf.pdf("q.pdf"),
            },
        )
    assert app.messages.get().attachments.count() == 1
    porteur = wf.porteur_of(app)
    assert [m for m in mailoutbox if porteur.email in m.to and "nouveau message" in m.subject]
    client.force_login(porteur)
    detail = client.get(url("application_detail", app)).content.decode()
    assert "préciser les horaires du samedi" in detail


def test_help_page_describes_the_stages(client):
    page = client.get(reverse("workflows:help_stages")).content.decode()
    for stage in (
        "Brouillon",
        "Dépôt",
        "Complétude",
        "Instruction",
        "Conventions",
        "Proposition",
        "Décision",
    ):
        assert stage in page


def test_documents_are_linked_from_the_file_page(client):
    app = wf.submitted()  # its accusé not produced yet (nothing ran on commit)
    client.force_login(wf.porteur_of(app))
    page = client.get(url("application_detail", app)).content.decode()
    assert "Accusé de réception du dépôt n° 1" in page
    receipt = app.documents.get(kind="accuse_reception")
    download = reverse("documents:download", args=[receipt.document_id])
    assert "Document en préparation" in page and download not in page
    from documents.services import produce_document

    produce_document(document_id=receipt.document_id)
    page = client.get(url("application_detail", app)).content.decode()
    assert download in page and "Document en préparation" not in page


def test_review_page_links_the_missing_justification_to_its_field(client):
    instructor = InstructeurFactory(departement_id="63")
    app = wf.in_instruction(instructor=instructor)
    client.force_login(instructor)
    rows = client.get(url("review", app)).context["rows"]
    data = {f"{r['criterion']['code']}-verdict": r["criterion"]["status"] for r in rows}
    data["premises.digital_space-verdict"] = "fail"
    data["premises.digital_space-comment"] = "Pas d'imprimante."
    response = client.post(url("review", app), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'aria-describedby="id_premises.digital_space-justification-messages"' in page
    assert "Pas d&#x27;imprimante." in page
    assert not app.reviews.exists()


def test_a_partner_operator_gives_its_opinion_on_its_own_page(client):
    from tests.factories import OperateurUserFactory

    instructor = InstructeurFactory(departement_id="63")
    app = wf.in_instruction(instructor=instructor)
    opinion = wf.services.request_opinion(
        user=instructor,
        application_id=app.pk,
        kind="operateur",
        operator_code="caf",
        addressee="CAF du Puy-de-Dôme",
        addressee_email="caf63@example.fr",
        question="Une permanence est-elle prévue ?",
    )
    client.force_login(OperateurUserFactory(operator_id="msa"))
    assert client.get(reverse("workflows:operator_opinion", args=[opinion.pk])).status_code == 404
    caf = OperateurUserFactory(operator_id="caf")
    client.force_login(caf)
    listing = client.get(reverse("workflows:operator_opinions")).content.decode()
    assert "France Services d&#x27;Ambert" in listing
    page = reverse("workflows:operator_opinion", args=[opinion.pk])
    assert client.post(page, {"favourable": "oui", "answer": ""}).status_code == 200
    post_ok(client, page, {"favourable": "oui", "answer": "Oui, le mardi matin."})
    opinion.refresh_from_db()
    assert opinion.favourable is True
    assert opinion.recorded_by == caf
    # The operator sees neither the file nor the queue.
    assert client.get(url("application_detail", app)).status_code == 404
    assert client.get(reverse("workflows:queue")).status_code == 404


def test_declaration_is_shown_in_french_words(client):
    app = wf.submitted()
    client.force_login(wf.porteur_of(app))
    page = client.get(url("application_detail", app)).content.decode()
    assert "Lundi : 09:00–12:00, 13:30–17:00" in page
    assert "Caisse" in page or "CAF" in page
    assert "à distance" in page
    assert "formation initiale France Services le 01/03/2021" in page
    assert "remote" not in page


def test_porteur_applies_for_one_of_its_places_in_project(client):
    call_command("seed_demo", stdout=io.StringIO())
    porteur = User.objects.get(email="porteur-05@estampille.test")
    place = Place.objects.create(
        name="Projet de France Services de Névache",
        commune_id="05093",
        porteur=porteur.porteur,
        confidential_office=True,
    )
    other = Place.objects.filter(id_fs__startswith="DEMO-63", label_status="candidate").first()
    client.force_login(porteur)

    listing = client.get(reverse("workflows:porteur_applications")).content.decode()
    assert "Projet de France Services de Névache" in listing
    assert other.name not in listing

    response = client.post(reverse("workflows:application_start"), {"place": str(other.pk)})
    assert response.status_code == 302
    assert not Application.objects.filter(place=other).exists()

    response = client.post(reverse("workflows:application_start"), {"place": str(place.pk)})
    app = Application.objects.get(place=place)
    assert app.draft_declaration["site"]["name"] == "Projet de France Services de Névache"
    assert app.draft_declaration["premises"] == {"confidential_office": True}
    lieu = client.get(reverse("workflows:draft_step", args=[app.pk, "lieu"])).content.decode()
    assert 'value="Projet de France Services de Névache"' in lieu
    listing = client.get(reverse("workflows:porteur_applications")).content.decode()
    assert '<option value="' + str(place.pk) not in listing


def test_next_is_followed_only_within_the_site(client):
    instructor = InstructeurFactory(departement_id="63")
    client.force_login(instructor)
    app = wf.submitted()
    response = client.post(url("take", app), {"next": "https://exemple.invalid/"})
    assert response.url == url("application_detail", app)
    other = wf.submitted()
    response = client.post(url("take", other), {"next": "/instruction/?tri=depot"})
    assert response.url == "/instruction/?tri=depot"
    response = client.post(
        reverse("workflows:queue_take"), {"dossiers": [str(app.pk)], "next": "//exemple.invalid"}
    )
    assert response.url == reverse("workflows:queue")


def test_a_form_page_keeps_what_was_typed_when_the_service_refuses(client):
    instructor = InstructeurFactory(departement_id="63")
    app = wf.in_proposal(instructor=instructor)
    client.force_login(instructor)
    response = client.post(
        url("proposal", app), {"outcome": "label", "reasons": "Tout est conforme."}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Indiquez la date d&#x27;effet proposée." in page
    assert 'aria-describedby="id_effective_on-messages"' in page
    assert "Tout est conforme." in page
    app.refresh_from_db()
    assert app.state == State.PROPOSAL
