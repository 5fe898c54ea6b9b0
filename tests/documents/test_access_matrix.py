"""Who reads which document: every kind of document and piece a file produces, for every kind
of reader, on two départements and two porteurs. The audience is decided by the app that asks
for the document; downloads, pages and the public verification obey it."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from labelling.models import Operator
from tests.factories import (
    InstructeurFactory,
    OperateurUserFactory,
    PorteurUserFactory,
    SignataireFactory,
    UserFactory,
)
from tests.workflows import factories as wf
from workflows import services
from workflows.models import DocumentRole, Outcome

pytestmark = pytest.mark.django_db

ROLES = [
    "anonyme",
    "porteur A",
    "porteur B",
    "instructeur 63",
    "instructeur 05",
    "signataire 63",
    "opérateur consulté",
    "opérateur non consulté",
    "national",
]
PREFECTURE_63 = {"instructeur 63", "signataire 63", "national"}
PREFECTURE_05 = {"instructeur 05", "national"}

# Who downloads what: written by hand, from the rules of the issue.
EXPECTED = {
    ("A", "accuse_reception"): {"porteur A"} | PREFECTURE_63,
    # Shared by the instructor with the operator consulted, on its opinion request.
    ("A", "demande_complements"): {"porteur A", "opérateur consulté"} | PREFECTURE_63,
    ("A", "rapport_instruction"): PREFECTURE_63,  # never the porteur, never an operator
    ("A", "arrete_labellisation"): {"porteur A"} | PREFECTURE_63,
    ("A", "piece"): {"porteur A"} | PREFECTURE_63,
    ("A", "attachment"): {"porteur A"} | PREFECTURE_63,  # those who read the thread
    ("A", "convention"): {"porteur A"} | PREFECTURE_63,
    ("B", "accuse_reception"): {"porteur B"} | PREFECTURE_05,
    ("B", "rapport_instruction"): PREFECTURE_05,
    ("B", "refus"): {"porteur B"} | PREFECTURE_05,
}


def build(django_capture_on_commit_callbacks):
    """File A (porteur A, Puy-de-Dôme): asked for more, an opinion of the CAF with the request
    for more shared, a message with an attachment, a signed convention, labelled. File B
    (porteur B, Hautes-Alpes): refused."""
    users = {
        "porteur A": PorteurUserFactory(),
        "porteur B": PorteurUserFactory(),
        "instructeur 63": InstructeurFactory(departement_id="63"),
        "instructeur 05": InstructeurFactory(departement_id="05"),
        "signataire 63": SignataireFactory(departement_id="63"),
        "opérateur consulté": OperateurUserFactory(operator=Operator.objects.get(pk="caf")),
        "opérateur non consulté": OperateurUserFactory(operator=Operator.objects.get(pk="msa")),
        "national": UserFactory(),
    }
    instructor = users["instructeur 63"]
    with django_capture_on_commit_callbacks(execute=True):
        a = wf.drafted(users["porteur A"])
        services.add_supporting_document(
            user=users["porteur A"], application_id=a.pk, title="Bail", uploaded_file=wf.pdf()
        )
        services.submit_application(user=users["porteur A"], application_id=a.pk)
        services.request_completion(user=instructor, application_id=a.pk, message="Le plan ?")
        services.submit_application(user=users["porteur A"], application_id=a.pk)
        services.declare_complete(user=instructor, application_id=a.pk)
        services.post_message(
            user=users["porteur A"], application_id=a.pk, body="Ci-joint.", files=[wf.pdf()]
        )
        request = a.documents.get(kind="demande_complements")
        opinion = services.request_opinion(
            user=instructor,
            application_id=a.pk,
            kind="operateur",
            operator_code="caf",
            addressee="CAF du Puy-de-Dôme",
            addressee_email="caf63@example.fr",
            question="Une permanence est-elle prévue ?",
            shared_document_ids=[request.pk],
        )
        a.refresh_from_db()
        wf.review_all(a, instructor)
        services.record_opinion(
            user=users["opérateur consulté"],
            application_id=a.pk,
            opinion_id=opinion.pk,
            favourable=True,
            answer="Oui.",
        )
        services.finish_review(user=instructor, application_id=a.pk)
        services.close_opinions(user=instructor, application_id=a.pk)
        services.upload_convention(
            user=users["porteur A"],
            application_id=a.pk,
            operator_code="caf",
            signed_on=datetime.date.today(),
            uploaded_file=wf.pdf(),
        )
        services.set_convention_status(
            user=instructor, application_id=a.pk, operator_code="caf", status="signed"
        )
        for code in wf.NATIONAL[1:]:
            services.set_convention_status(
                user=instructor, application_id=a.pk, operator_code=code, status="national"
            )
        services.finish_conventions(user=instructor, application_id=a.pk)
        services.propose(
            user=instructor,
            application_id=a.pk,
            outcome=Outcome.LABEL,
            reasons="Conforme.",
            effective_on=datetime.date(2030, 1, 1),
        )
        services.sign_decision(user=users["signataire 63"], application_id=a.pk)

        b = wf.in_decision(
            users["instructeur 05"],
            porteur_user=users["porteur B"],
            commune_insee="05061",
            outcome=Outcome.REFUSE,
        )
        services.sign_decision(user=SignataireFactory(departement_id="05"), application_id=b.pk)
    return users, a, b, opinion


def document_urls(a, b) -> dict:
    urls = {}
    for name, app in (("A", a), ("B", b)):
        for row in app.documents.select_related("document", "piece"):
            if row.role == DocumentRole.GENERATED:
                key = (name, row.kind)
                urls[key] = reverse("documents:download", args=[row.document_id])
            else:
                key = (
                    name,
                    {"supporting": "piece", "message": "attachment"}.get(row.role, row.role),
                )
                urls[key] = reverse("documents:download_supporting", args=[row.piece_id])
    return urls


def test_documents_access_matrix(django_capture_on_commit_callbacks):
    users, a, b, _ = build(django_capture_on_commit_callbacks)
    urls = document_urls(a, b)
    assert set(urls) >= set(EXPECTED), set(EXPECTED) - set(urls)
    wrong = []
    for role in ROLES:
        client = Client()
        if role != "anonyme":
            client.force_login(users[role])
        for key, readers in EXPECTED.items():
            response = client.get(urls[key])
            if role == "anonyme":
                ok = response.status_code == 302 and "/connexion/" in response.url
            elif role in readers:
                ok = response.status_code == 200
                b"".join(response.streaming_content)
            else:
                ok = response.status_code == 404  # the same answer as a missing document
            if not ok:
                wrong.append(f"{role} × {key}: {response.status_code}")
    assert wrong == []


def test_every_official_document_is_publicly_verifiable_and_shows_no_content(
    django_capture_on_commit_callbacks,
):
    _, a, b, _ = build(django_capture_on_commit_callbacks)
    for app in (a, b):
        for row in app.documents.filter(role=DocumentRole.GENERATED).select_related("document"):
            page = Client().get(reverse("documents:verify", args=[row.document.verification_code]))
            assert page.status_code == 200, row.kind
            assert "Conforme." not in page.content.decode()


def test_place_documents_page_lists_only_what_each_reader_reads(
    django_capture_on_commit_callbacks,
):
    users, a, _, _ = build(django_capture_on_commit_callbacks)
    url = reverse("documents:place_documents", args=[a.place_id])
    pages = {}
    for role in ("porteur A", "instructeur 63", "opérateur non consulté", "opérateur consulté"):
        client = Client()
        client.force_login(users[role])
        response = client.get(url)
        assert response.status_code == 200, role  # every one of them sees the place
        pages[role] = response.content.decode()
    assert "Rapport d&#x27;instruction" in pages["instructeur 63"]
    assert "Rapport d&#x27;instruction" not in pages["porteur A"]
    # An operator present at the place reads no document of it, unless one is shared with it.
    operator = pages["opérateur non consulté"]
    for absent in ("Rapport", "Demande de compléments", "Bail", "Accusé", "Convention signée"):
        assert absent not in operator
    consulted = pages["opérateur consulté"]
    assert "Demande de compléments" in consulted and "Rapport" not in consulted


def test_operator_reads_the_declaration_and_what_is_shared_on_its_opinion_page(
    django_capture_on_commit_callbacks,
):
    users, a, _, opinion = build(django_capture_on_commit_callbacks)
    client = Client()
    client.force_login(users["opérateur consulté"])
    page = client.get(reverse("workflows:operator_opinion", args=[opinion.pk])).content.decode()
    assert "Ce que déclare le porteur" in page and "Claire Martin" in page
    shared = a.documents.get(kind="demande_complements")
    assert reverse("documents:download", args=[shared.document_id]) in page
    assert "Rapport" not in page
    client.force_login(users["opérateur non consulté"])
    assert client.get(reverse("workflows:operator_opinion", args=[opinion.pk])).status_code == 404


def test_the_rapport_cannot_be_shared_with_an_operator():
    instructor = InstructeurFactory(departement_id="63")
    app = wf.signed(instructor=instructor)
    services.reopen(
        user=SignataireFactory(departement_id="63"), application_id=app.pk, reason="Recours."
    )
    rapport = app.documents.get(kind="rapport_instruction")
    with pytest.raises(services.InvalidInput) as exc:
        services.request_opinion(
            user=instructor,
            application_id=app.pk,
            kind="operateur",
            operator_code="caf",
            addressee="CAF",
            addressee_email="caf@example.fr",
            question="?",
            shared_document_ids=[rapport.pk],
        )
    assert "shared" in exc.value.field_errors
    assert not app.opinions.exists()
