"""Each kind rendered and read back: names, dates, amounts, articles, recours, fonts."""

import dataclasses
import datetime
import shutil
import subprocess

import pytest

from documents.contexts import (
    CahierDesCharges,
    FileReference,
    Person,
    Place,
    Porteur,
    Prefecture,
    Refus,
    load_context,
)
from documents.models import APPEALABLE_KINDS, DocumentKind
from documents.rendering import format_euros, render_html, render_pdf
from documents.samples import sample_context
from documents.templatetags.documents_tags import after_colon, clause
from tests.documents.pdf_tools import pdf_fonts, pdf_pages, pdf_text

CODE = "7K3M-Q9PZ-2XHD"
URL = f"https://estampille.example.gouv.fr/verifier/{CODE}/"

_cache: dict[str, bytes] = {}


def rendered(kind: str) -> bytes:
    if kind not in _cache:
        _cache[kind] = render_pdf(
            context=sample_context(kind), verification_code=CODE, verify_url=URL
        )
    return _cache[kind]


COMMON = [
    "RÉPUBLIQUE FRANÇAISE",
    "Liberté",
    "Égalité",
    "Fraternité",
    "Préfecture du Puy-de-Dôme",
    "France Services d'Ambert",
    CODE,
    URL.replace("/verifier/", "/verifier/ "),  # printed with a line break before the code
]

EXPECTED = {
    DocumentKind.ACCUSE_RECEPTION: [
        "Accusé de réception",
        "déposée le 14 septembre 2026",
        "FS-63-2026-0042",
        "réputée rejetée",
        "article L. 114-5",
        "Recours contre une décision implicite de rejet",
        "Le silence gardé pendant deux mois",
        "Fait à Clermont-Ferrand, le 14 septembre 2026",
    ],
    DocumentKind.DEMANDE_COMPLEMENTS: [
        "Demande de compléments",
        "l'attestation de formation France Services de Mme Sylvie Ferré",
        "la convention signée avec la Caisse d'allocations familiales du Puy-de-Dôme",
        "au plus tard le 30 octobre 2026",
        "Julien Marcellin",
    ],
    DocumentKind.RAPPORT_INSTRUCTION: [
        "Rapport d'instruction",
        "Résultat automatique",
        "Avis de l'instructeur",
        "Ouverture d'au moins 24 heures par semaine",  # the criterion's title, never its code
        "Non respecté",
        "L'imprimante de l'espace numérique était hors service.",
        "à compter du 1er janvier 2027",
    ],
    DocumentKind.ARRETE_LABELLISATION: [
        "ARRÊTÉ PRÉFECTORAL N°",
        "Le préfet du Puy-de-Dôme,",
        "Vu la circulaire n° 6094-SG du 1er juillet 2019",
        "Considérant",
        "ARRÊTE :",
        "Article 1er",
        "Article 2",
        "Article 4",
        "est labellisé « France Services » à compter du 1er janvier 2027",
        "Communauté de communes Ambert Livradois Forez",
        "Fait à Clermont-Ferrand, le 23 novembre 2026",
        "Claire Fontanel",
        "la secrétaire générale de la préfecture",
    ],
    DocumentKind.REFUS: [
        "portant refus de labellisation",
        "Ouverture d'au moins 24 heures par semaine",
        "Bureau fermé pour les entretiens confidentiels",
        "18 h d'ouverture par semaine, 24 h exigées : il manque 6 h (",
        "est rejetée",
        "Article 1er",
        "DÉCIDE :",
    ],
    DocumentKind.DECISION_FINANCEMENT: [
        "subvention de fonctionnement",
        "35 000,00 €",
        "17 500,00 €",
        "au titre de l'année 2027",
        "Programme 112",
        "FNADT",
        "Fonds national France Services",
        "SIREN 200070753",
        "Comptable assignataire : le directeur départemental des finances publiques du Puy-de-Dôme",
        "Vu la loi de finances pour 2027",
        "15 janvier 2027",
        "Article 1er",
    ],
    DocumentKind.MISE_EN_DEMEURE: [
        "Mise en demeure",
        "au plus tard le 31 janvier 2027",
        "Au moins deux agents ayant suivi la formation initiale France Services",
        "pourra être abrogé",
        "faire assister par un conseil",
    ],
    DocumentKind.ARRETE_ABROGATION: [
        "portant abrogation de l'arrêté de labellisation",
        "est abrogé à compter du 1er décembre 2026",
        "Vu la mise en demeure",
        "le 1er septembre 2026",
        "Ouverture d'au moins 24 heures par semaine",
        "Article 1er",
    ],
}


def test_samples_carry_what_the_engine_reports():
    """No invented criterion: every one a sample shows is one the engine gave, word for word."""
    from documents.samples import engine_results

    engine = {(r.code, r.label, r.message) for r in engine_results()}
    for kind in ("refus", "mise_en_demeure", "arrete_abrogation"):
        failed = sample_context(kind).failed
        assert failed and {(c.code, c.label, c.message) for c in failed} <= engine
        text = pdf_text(rendered(kind))
        for criterion in failed:
            assert criterion.label in text and after_colon(clause(criterion.message)) in text
    reviews = sample_context("rapport_instruction").reviews
    assert {(r.code, r.label) for r in reviews} == {(code, label) for code, label, _ in engine}


@pytest.mark.parametrize("kind", DocumentKind.values)
def test_each_kind_reads_back(kind):
    text = pdf_text(rendered(kind))
    for expected in COMMON + EXPECTED[DocumentKind(kind)]:
        assert expected in text, f"{kind}: « {expected} » absent"
    pages = pdf_pages(rendered(kind))
    assert f"Page 1 / {pages}" in text and f"Page {pages} / {pages}" in text


@pytest.mark.parametrize("kind", DocumentKind.values)
def test_recours_only_on_decisions(kind):
    text = pdf_text(rendered(kind))
    if kind in APPEALABLE_KINDS:
        assert "Voies et délais de recours" in text
        assert "tribunal administratif de Clermont-Ferrand" in text
        assert "recours gracieux" in text
        assert "deux mois" in text
    else:
        assert "Voies et délais de recours" not in text


@pytest.mark.parametrize("kind", ["arrete_labellisation", "rapport_instruction"])
def test_fonts_are_marianne_and_embedded(kind):
    fonts = pdf_fonts(rendered(kind))
    assert fonts, "aucune police"
    assert all(f["emb"] == "yes" for f in fonts), fonts
    assert all("Marianne" in f["name"] for f in fonts), fonts


def test_qr_code_and_no_network_resource():
    html = render_html(
        context=sample_context("arrete_labellisation"),
        verification_code=CODE,
        verify_url=URL,
    )
    assert "data:image/svg+xml;base64," in html
    # The link's target, and its text printed with a break before the code: nothing else.
    others = html.replace(URL, "").replace(URL.replace(f"{CODE}/", "<wbr>"), "")
    assert "http://" not in others and "https://" not in others


def test_same_snapshot_same_text():
    context = sample_context("refus")
    first = render_pdf(context=context, verification_code=CODE, verify_url=URL)
    again = load_context(context.to_snapshot())
    assert again == context
    assert pdf_text(render_pdf(context=again, verification_code=CODE, verify_url=URL)) == (
        pdf_text(first)
    )
    assert pdf_text(first) == pdf_text(rendered("refus"))


def test_departement_data_and_defaults():
    context = sample_context(
        "arrete_labellisation", departement="05", commune="Gap", place_name="France Services de Gap"
    )
    context = dataclasses.replace(context, signataire=None)
    text = pdf_text(render_pdf(context=context, verification_code=CODE, verify_url=URL))
    assert "Préfecture des Hautes-Alpes" in text
    assert "Fait à Gap" in text
    assert "le tribunal administratif territorialement compétent" in text
    assert "Pour le préfet et par délégation" in text


def test_context_overrides_text_by_version():
    context = sample_context("arrete_labellisation")
    context = dataclasses.replace(
        context,
        cahier=CahierDesCharges(
            title="référentiel France services",
            visa="l'arrêté du 16 juin 2025 portant approbation du référentiel France services",
        ),
        prefecture=Prefecture(tribunal="le tribunal administratif de Lyon"),
    )
    text = pdf_text(render_pdf(context=context, verification_code=CODE, verify_url=URL))
    assert "Vu l'arrêté du 16 juin 2025 portant approbation du référentiel France services" in text
    assert "le tribunal administratif de Lyon" in text


def test_a_refusal_shaped_like_the_workflows_one_renders():
    """Criteria as the engine reports them, the signer by name only."""
    from documents.samples import failed_criteria

    context = Refus(
        place=Place(name="Lieu X", commune="Thiers", departement="63"),
        porteur=Porteur(name="Commune de Thiers", kind="Commune"),
        application=FileReference(reference="A-2026-7", submitted_on=datetime.date(2026, 10, 1)),
        issued_on=datetime.date(2026, 11, 2),
        signataire=Person("Paul Durand"),
        decided_on=datetime.date(2026, 11, 2),
        reasons="le lieu n'ouvre que quatre jours",
        failed=failed_criteria()[:1],
    )
    text = pdf_text(render_pdf(context=context, verification_code=CODE, verify_url=URL))
    criterion = failed_criteria()[0]
    assert criterion.label in text and clause(criterion.message) in text
    assert "Paul Durand" in text and "@" not in text.replace(URL, "")
    assert "le 2 novembre 2026" in text


def test_a_proposal_to_refuse_lists_the_criteria_in_the_rapport():
    from documents.samples import failed_criteria

    context = dataclasses.replace(
        sample_context("rapport_instruction"),
        outcome="refuse",
        effective_on=None,
        failed=failed_criteria(),
    )
    text = pdf_text(render_pdf(context=context, verification_code=CODE, verify_url=URL))
    assert "propose de refuser" in text
    assert all(c.label in text for c in failed_criteria())


@pytest.mark.parametrize(
    ("value", "expected"),
    [(30000, "30 000 €"), ("15000.00", "15 000 €"), ("1234.5", "1 234,50 €"), (0, "0 €"),
     (1250000, "1 250 000 €")],
)  # fmt: skip
def test_format_euros(value, expected):
    assert format_euros(value) == expected


def test_unknown_kind_refused():
    with pytest.raises(ValueError):
        load_context({"schema": "attestation/1"})


@pytest.mark.skipif(not shutil.which("zbarimg"), reason="zbarimg (zbar-tools) absent")
def test_qr_code_decodes_to_the_verification_url(tmp_path):
    (tmp_path / "doc.pdf").write_bytes(rendered("arrete_labellisation"))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", str(tmp_path / "doc.pdf"), str(tmp_path / "page")],
        check=True,
    )
    decoded = [
        subprocess.run(["zbarimg", "-q", "--raw", str(page)], capture_output=True, text=True).stdout
        for page in sorted(tmp_path.glob("page*.png"))
    ]
    assert URL in "".join(decoded)


def test_fonts_are_decoded_once_per_thread_and_still_embedded_in_every_document():
    """The thread's WeasyPrint font configuration is kept between documents: the second render
    decodes no font again, and its PDF still embeds Marianne (subset per document)."""
    import threading

    from documents.rendering import font_configuration, render_pdf

    def fonts_in(folder):
        return sorted(path.name for path in folder.iterdir())

    first = render_pdf(
        context=sample_context(DocumentKind.REFUS), verification_code=CODE, verify_url=URL
    )
    config = font_configuration()
    decoded = fonts_in(config._folder)
    second = render_pdf(
        context=sample_context(DocumentKind.ACCUSE_RECEPTION),
        verification_code=CODE,
        verify_url=URL,
    )
    assert font_configuration() is config
    assert fonts_in(config._folder) == decoded and len(decoded) >= 2
    for pdf in (first, second):
        fonts = pdf_fonts(pdf)
        assert {font["name"].split("+")[-1] for font in fonts} >= {"Marianne", "Marianne-Bold"}
        assert all(font["emb"] == "yes" for font in fonts)

    other = []
    thread = threading.Thread(target=lambda: other.append(font_configuration()))
    thread.start()
    thread.join()
    assert other[0] is not config


def test_a_forked_process_makes_its_own_font_configuration_and_leaves_the_parents_fonts():
    """A worker forked after a render (Celery's prefork pool) renders with its own configuration;
    dropping the inherited one does not delete the parent's decoded fonts."""
    import os

    from documents.rendering import font_configuration

    render_pdf(context=sample_context(DocumentKind.REFUS), verification_code=CODE, verify_url=URL)
    parent = font_configuration()
    folder = parent._folder
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: render, drop the inherited configuration, report
        status = 1
        try:
            import gc

            pdf = render_pdf(
                context=sample_context(DocumentKind.REFUS), verification_code=CODE, verify_url=URL
            )
            own = font_configuration()
            del parent
            gc.collect()
            status = 0 if (own.pid == os.getpid() and pdf.startswith(b"%PDF")) else 2
        finally:
            os.write(write, bytes([status]))
            os._exit(0)
    os.close(write)
    status = os.read(read, 1)
    os.waitpid(pid, 0)
    assert status == b"\x00"
    assert folder.exists() and any(folder.iterdir())
    assert font_configuration() is parent
