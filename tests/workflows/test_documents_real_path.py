"""The eight kinds of official document, each produced along the real path (the services a
person's click calls, the real conformity engine, the real préfecture data, rendering, PDF/A and
seal), then read back from the PDF: none may carry a fault a préfecture's legal officer would
refuse (see issue 11). Samples are checked in tests/documents/test_typography.py; these are the
documents people receive.

Run with ``--basetemp=DIR`` to keep the PDFs and look at them (``pdftoppm -r 60 -png``)."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine

from documents.models import Document, DocumentKind
from labelling.funding import services as rule_services
from labelling.models import Commune
from tests.documents.pdf_tools import pdf_characters, pdf_text, read_field
from tests.factories import (
    InstructeurFactory,
    PorteurFactory,
    PorteurUserFactory,
    SignataireFactory,
    UserFactory,
)
from tests.workflows import factories as wf
from tests.workflows.renewal.helpers import conform_place, porteur_user_of
from workflows import services
from workflows.funding import documents as funding_documents
from workflows.funding import services as funding
from workflows.funding.models import FundingFile
from workflows.models import OpinionKind, Outcome
from workflows.renewal import services as renewal
from workflows.renewal.models import Review

pytestmark = pytest.mark.django_db

SITE = "https://estampille.example.gouv.fr"
PORTEUR = "Communauté de communes Ambert Livradois Forez"


def _document(row) -> Document:
    document = Document.objects.get(pk=row.document_id)
    assert document.is_ready, document.error
    return document


def _applications(porteur):
    """Accusé de réception, demande de compléments, rapport, arrêté; and a refusal."""
    instructor = InstructeurFactory(departement_id="63", first_name="Julie", last_name="Marcel")
    signataire = SignataireFactory(departement_id="63", first_name="Claire", last_name="Fontanel")
    porteur_user = PorteurUserFactory(porteur=porteur)
    app = wf.drafted(porteur_user)
    services.submit_application(user=porteur_user, application_id=app.pk)
    services.request_completion(
        user=instructor,
        application_id=app.pk,
        message="Joignez l'attestation de formation d'Agnès Roux ; précisez les horaires.",
    )
    services.submit_application(user=porteur_user, application_id=app.pk)
    services.declare_complete(user=instructor, application_id=app.pk)
    opinion = services.request_opinion(
        user=instructor,
        application_id=app.pk,
        kind=OpinionKind.OPERATEUR,
        operator_code="caf",
        addressee="Caisse d'allocations familiales du Puy-de-Dôme",
        addressee_email="caf63@example.fr",
        question="Votre avis sur la permanence ?",
    )
    services.record_opinion(
        user=instructor,
        application_id=app.pk,
        opinion_id=opinion.pk,
        favourable=True,
        answer="Avis favorable.",
    )
    app.refresh_from_db()
    wf.review_all(app, instructor)
    services.finish_review(user=instructor, application_id=app.pk)
    services.close_opinions(user=instructor, application_id=app.pk)
    app.refresh_from_db()
    for tracking in app.convention_trackings.all():
        services.set_convention_status(
            user=instructor,
            application_id=app.pk,
            operator_code=tracking.operator_id,
            status="national",
        )
    services.finish_conventions(user=instructor, application_id=app.pk)
    services.propose(
        user=instructor,
        application_id=app.pk,
        outcome=Outcome.LABEL,
        reasons="Dossier conforme ; avis favorables. ;",
        effective_on=datetime.date.today(),
    )
    services.sign_decision(user=signataire, application_id=app.pk)
    refused = wf.in_decision(instructor=instructor, outcome=Outcome.REFUSE, conform=False)
    services.sign_decision(user=signataire, application_id=refused.pk)
    return app, refused


def _funding_file(app):
    """The funding file the labelling decision opened for the year its label takes effect,
    proposed and signed within the year's envelopes."""
    national = UserFactory(email="anct@example.fr")
    for funder in ("fnadt", "fonds_national_fs"):
        rule_services.set_envelope(
            user=national,
            departement_code="63",
            year=datetime.date.today().year,
            funder_code=funder,
            amount=100000,
        )
    file = FundingFile.objects.get(place=app.place_id)
    funding.propose(user=InstructeurFactory(departement_id="63"), file_id=file.pk)
    funding.sign(user=SignataireFactory(departement_id="63"), file_id=file.pk)
    return file


def _reviews(app) -> tuple[Review, Review]:
    """The yearly review of the place labelled above, up to its abrogation (mise en demeure,
    the porteur's observations, suspension, then after the deadline the arrêté); and a mise en
    demeure to La Poste for a place whose address names its commune."""
    other = conform_place(
        name="France Services de Saint-Anthème",
        address="Place de l'Aubépin, 63660 Saint-Anthème",
        commune=Commune.objects.get(pk="63319"),
        porteur=PorteurFactory(name="La Poste", kind="la_poste"),
    )
    renewal.open_campaign(year=datetime.date.today().year, notify=False)
    instructor = InstructeurFactory(departement_id="63")
    reviews = []
    for place in (app.place, other):
        review = Review.objects.get(place=place)
        renewal.confirm_unchanged(
            user=porteur_user_of(place), review_id=review.pk, activity_confirmed=True
        )
        renewal.issue_notice(
            user=instructor,
            review_id=review.pk,
            reasons="Ouvrir le samedi matin ; afficher les horaires.",
            deadline=datetime.date.today() + datetime.timedelta(days=60),
        )
        reviews.append(review)
    review = reviews[0]
    renewal.post_message(
        user=porteur_user_of(app.place),
        review_id=review.pk,
        body="Nous ouvrirons le samedi à partir de septembre",
    )
    renewal.suspend(user=instructor, review_id=review.pk, reasons="Aucune correction.")
    # The abrogation comes once the mise en demeure's deadline has passed.
    after = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=61)
    with time_machine.travel(after, tick=False):
        renewal.propose_abrogation(user=instructor, review_id=review.pk, reasons="Toujours rien.")
        renewal.sign_abrogation(user=SignataireFactory(departement_id="63"), review_id=review.pk)
    return reviews[0], reviews[1]


# What no document may say, as (pattern, what it means).
FAULTS_IN_WORDS = (
    (r"127\.0\.0\.1|localhost", "adresse de développement"),
    (r"\b[a-z]+(?:-[a-z]+)*-\d{4}\b", "identifiant technique (slug)"),
    (r"\b[a-z]+(?:_[a-z]+)+\b", "code interne"),
    (r"\b(?:par|à|de) Communauté\b", "article manquant devant le nom du porteur"),
    (r"\b[Dd]e [AEIOUYÂÉÈÊÎÔaeiouyâéèêîô]", "« de » sans élision"),
    (r"\bprolonge", "« prolonge » (un recours interrompt le délai)"),
    (r"\bretrait\b|label (?:est |sera )?retiré", "« retrait » (fin pour l'avenir : abrogation)"),
    (r"clos sans suite", "« clos sans suite » (classé sans suite)"),
    (r"\{\{|\}\}|\{%|%\}|\bNone\b", "variable de gabarit non remplacée"),
    (r"Considérant(?: que)?\s*[;.,]", "« Considérant » vide"),
    (r"\(\s*\)|\s,", "mention vide"),
    (r"\.\)\.|\.\s*[.;]|\(réponse\s*:", "ponctuation doublée ou réponse brute"),
    (r"\)\)", "parenthèses imbriquées"),
    (r"Fait à [^.]{0,40}\d{4} Le service instructeur", "signé « Le service instructeur »"),
    (r":\s+(?:Considérant|Sur proposition|A R R Ê T E|En conséquence)", "liste vide après « : »"),
)


def faults_of(pdf: bytes) -> list[str]:
    text = pdf_text(pdf)
    found = [
        f"{meaning} : « {m.group(0)} » dans « …{text[max(0, m.start() - 40) : m.end() + 20]}… »"
        for pattern, meaning in FAULTS_IN_WORDS
        for m in re.finditer(pattern, text)
    ]
    visas = [visa[:50] for visa in re.findall(r"\bVu [^;]+;", text)]
    found += [f"visa répété : « {visa}… »" for visa in sorted(set(visas)) if visas.count(visa) > 1]
    characters = pdf_characters(pdf)
    for m in re.finditer(r"(?<![\u2009\u202f\u00a0]) [;:!?]|« | »", characters):
        context = characters[max(0, m.start() - 30) : m.end() + 10]
        found.append(f"espace ordinaire dans la ponctuation : « {context} »")
    if "'" in characters:
        found.append("apostrophe droite")
    return found


def _pages(pdf: bytes) -> list[str]:
    import io

    import pypdf

    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def layout_faults(pdf: bytes) -> list[str]:
    """The signature and the verification box sit on one page, after some of the text they
    close (never alone on a page)."""
    pages = _pages(pdf)
    signed = [n for n, text in enumerate(pages) if "Fait à" in text]
    if len(signed) != 1:
        return [f"« Fait à » sur {len(signed)} pages"]
    page = pages[signed[0]]
    found = []
    if "Code de vérification" not in page:
        found.append("le code de vérification n'est pas sur la page de la signature")
    # The box comes first: what precedes it is the text the signature closes.
    ends = [page.index(mark) for mark in ("Fait à", "Vérifiez") if mark in page]
    before = page[: min(ends)]
    body = [
        line
        for line in before.splitlines()
        if line.strip() and "code de vérification" not in line and not line.startswith("Page ")
    ]
    if sum(len(line) for line in body) < 150:
        found.append(f"la signature est presque seule sur la page {signed[0] + 1}")
    return found


def test_the_eight_kinds_along_the_real_path_read_right(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.SITE_URL = SITE
    porteur = PorteurFactory(name=PORTEUR, kind="epci", siret="20007075300014", article="la")
    with django_capture_on_commit_callbacks(execute=True):
        app, refused = _applications(porteur)
        file = _funding_file(app)
        abrogated, noticed = _reviews(app)
    documents = {row.kind: _document(row) for row in app.documents.filter(role="generated")}
    documents["refus"] = _document(refused.documents.get(kind="refus"))
    file.refresh_from_db()
    documents["decision_financement"] = funding_documents.decision_document(file)
    documents["arrete_abrogation"] = _document(abrogated.documents.get(kind="arrete_abrogation"))
    documents["mise_en_demeure"] = _document(noticed.documents.get())
    documents["mise_en_demeure (lieu labellisé ici)"] = _document(
        abrogated.documents.get(kind="mise_en_demeure")
    )
    assert {key.split(" ")[0] for key in documents} == set(DocumentKind.values)
    # Decisions are numbered in the préfecture's register; the funding decision cites the
    # labelling arrêté by that number.
    year = datetime.date.today().year
    assert documents["arrete_labellisation"].register_number == f"63-{year}-LAB-0001"
    funding_text = pdf_text(read_field(documents["decision_financement"].file))
    assert f"ARRÊTÉ PRÉFECTORAL N° 63-{year}-FIN-0001" in funding_text
    assert f"Dossier n° {file.reference}" in funding_text
    assert f"Vu l'arrêté préfectoral n° 63-{year}-LAB-0001 du " in funding_text
    # It grants to the porteur (not to the place), names the comptable with its article and
    # the département after « du », dates in words, and is only notified (no publication).
    funding_flat = " ".join(funding_text.split())
    assert f"au titre de l'année {year} à la {PORTEUR} pour le fonctionnement de l'espace" in (
        funding_flat
    )
    assert "le directeur départemental des finances publiques du Puy-de-Dôme" in funding_flat
    assert not re.search(r"\d{2}/\d{2}/\d{4}", funding_flat)
    assert "de sa publication" not in funding_flat
    # The abrogation cites the arrêté it ends by its number and date, the mise en demeure, and
    # what the porteur answered to it.
    abrogation = pdf_text(read_field(documents["arrete_abrogation"].file))
    assert f"Vu l'arrêté préfectoral n° 63-{year}-LAB-0001 du " in abrogation
    assert f"L'arrêté préfectoral n° 63-{year}-LAB-0001 du " in abrogation
    notice_number = documents["mise_en_demeure (lieu labellisé ici)"].register_number
    assert notice_number
    assert f"Vu la mise en demeure n° {notice_number} du " in abrogation
    assert f"adressée à la {PORTEUR}" in abrogation
    assert "« Nous ouvrirons le samedi à partir de septembre »" in abrogation
    assert "n'en a pas présenté" not in abrogation
    # Its legal ground: the conditions the label's maintenance depended on are no longer met
    # (CRPA L. 242-2 1°), after the contradictory procedure (L. 121-1 with L. 122-1); the
    # observations are dated; it takes effect on notification.
    flat = " ".join(abrogation.split())
    assert "L. 121-1, L. 122-1" in flat
    assert "L. 242-2" in flat and "L. 242-1" not in flat
    assert "1° de l'article L. 242-2" in flat
    assert re.search(r"Vu les observations présentées par le porteur le \d", flat)
    assert "auxquelles son maintien est subordonné" in flat
    assert "à compter de la notification du présent arrêté" in flat
    # The mise en demeure names the arrêté that may be abrogated.
    labelled_notice = " ".join(
        pdf_text(read_field(documents["mise_en_demeure (lieu labellisé ici)"].file)).split()
    )
    assert f"l'arrêté préfectoral n° 63-{year}-LAB-0001 du " in labelled_notice
    # The accusé de réception announces the two-month rule and the implicit decision's date,
    # not internal stage deadlines that would add up to more than those two months.
    receipt = " ".join(pdf_text(read_field(documents["accuse_reception"].file)).split())
    assert "Le silence gardé pendant deux mois" in receipt
    assert "réputée rejetée" in receipt
    assert not re.search(r"délai de \d+ jours", receipt)
    # A refusal's criteria list sits inside a considérant: no capital after « : », each item
    # ends with « ; ».
    refusal = " ".join(pdf_text(read_field(documents["refus"].file)).split())
    listed = refusal[refusal.index("ne sont pas remplies :") + 22 : refusal.index("en conséquence")]
    assert "•" in listed, listed
    assert not re.search(r"[a-z] : [A-Z][a-zé]", listed), listed
    assert not re.search(r"[\w)]\.\s*(?:•|Considérant)", listed), listed
    # A letter of the service gives its author's title under the name.
    for kind in ("demande_complements", "rapport_instruction"):
        letter = " ".join(pdf_text(read_field(documents[kind].file)).split())
        assert "Julie Marcel Chef du bureau France Services" in letter, kind
    # A porteur without a postal address of its own is written to at its place's.
    notice = pdf_text(read_field(documents["mise_en_demeure"].file))
    addressee = notice[: notice.index("MISE EN DEMEURE")]
    assert "La Poste France Services de Saint-Anthème Place de l'Aubépin, 63660 Saint-Anthème" in (
        addressee
    )

    faults = {}
    for kind, document in sorted(documents.items()):
        pdf = read_field(document.file)
        # The letterhead breaks before the postal code, which stays with its city.
        lines = [" ".join(line.split()) for line in _pages(pdf)[0].splitlines()]
        if "63033 Clermont-Ferrand Cedex 1" not in lines:
            faults.setdefault(kind, []).append("code postal séparé de sa ville dans l'en-tête")
        (tmp_path / f"{kind}.pdf").write_bytes(pdf)
        assert f"{SITE}/" in pdf_text(pdf), f"{kind} : lien de vérification absent"
        if found := faults_of(pdf) + layout_faults(pdf):
            faults.setdefault(kind, []).extend(found)
    assert not faults, "\n".join(f"{k} : {f}" for k, fs in faults.items() for f in fs)
