"""Each kind rendered and read back: names, dates, amounts, articles, recours, fonts."""

import shutil
import subprocess

import pytest

from documents.models import APPEALABLE_KINDS, DocumentKind
from documents.rendering import format_euros, render_html, render_pdf
from documents.samples import sample_context
from tests.documents.pdf_tools import pdf_fonts, pdf_pages, pdf_text

CODE = "7K3M-Q9PZ-2XHD"
URL = f"https://estampille.example.gouv.fr/verifier/{CODE}/"

_cache: dict[str, bytes] = {}


def rendered(kind: str) -> bytes:
    if kind not in _cache:
        _cache[kind] = render_pdf(
            kind=kind, context=sample_context(kind), verification_code=CODE, verify_url=URL
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
    URL,
]

EXPECTED = {
    DocumentKind.ACCUSE_RECEPTION: [
        "Accusé de réception",
        "déposée le 14 septembre 2026",
        "FS-63-2026-0042",
        "Examen de la complétude",
        "dans un délai de 15 jours",
        "dans un délai de 60 jours",
        "Fait à Clermont-Ferrand, le 14 septembre 2026",
    ],
    DocumentKind.DEMANDE_COMPLEMENTS: [
        "Demande de compléments",
        "l'attestation de formation France Services de Mme Sylvie Ferré",
        "la convention signée avec la Caisse d'allocations familiales du Puy-de-Dôme",
        "avant le 30 octobre 2026",
        "Julien Marcellin",
    ],
    DocumentKind.RAPPORT_INSTRUCTION: [
        "Rapport d'instruction",
        "Résultat automatique",
        "Avis de l'instructeur",
        "formation.initiale",
        "Non respecté",
        "Attestation CNFPT du 12 mars 2026 produite après le dépôt.",
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
        "Deux agents formés présents en permanence",
        "Le lieu est ouvert 18 heures par semaine.",
        "est rejetée",
        "Article 1er",
        "DÉCIDE :",
    ],
    DocumentKind.DECISION_FINANCEMENT: [
        "subvention de fonctionnement",
        "30 000 €",
        "15 000 €",
        "au titre de l'année 2027",
        "programme 112",
        "FNADT",
        "Fonds national France services",
        "versée en une seule fois",
        "Article 1er",
    ],
    DocumentKind.MISE_EN_DEMEURE: [
        "Mise en demeure",
        "avant le 31 janvier 2027",
        "Deux agents formés présents en permanence",
        "pourra être retiré",
    ],
    DocumentKind.ARRETE_RETRAIT: [
        "portant retrait du label",
        "est retiré à compter du 1er décembre 2026",
        "Vu la mise en demeure",
        "le 1er septembre 2026",
        "Ouverture d'au moins 24 heures par semaine",
        "Article 1er",
    ],
}


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
        kind="arrete_labellisation",
        context=sample_context("arrete_labellisation"),
        verification_code=CODE,
        verify_url=URL,
    )
    assert "data:image/svg+xml;base64," in html
    assert "http://" not in html.replace(URL, "") and "https://" not in html.replace(URL, "")


def test_same_snapshot_same_text():
    context = sample_context("refus")
    first = render_pdf(kind="refus", context=context, verification_code=CODE, verify_url=URL)
    assert pdf_text(first) == pdf_text(rendered("refus"))


def test_departement_data_and_defaults():
    context = sample_context(
        "arrete_labellisation", departement="05", commune="Gap", place_name="France Services de Gap"
    )
    del context["signataire"]
    text = pdf_text(
        render_pdf(
            kind="arrete_labellisation", context=context, verification_code=CODE, verify_url=URL
        )
    )
    assert "Préfecture des Hautes-Alpes" in text
    assert "Fait à Gap" in text
    assert "le tribunal administratif territorialement compétent" in text
    assert "Pour le préfet et par délégation" in text


def test_context_overrides_text_by_version():
    context = sample_context("arrete_labellisation")
    context["cahier_des_charges"] = {
        "title": "référentiel France services",
        "visa": "l'arrêté du 16 juin 2025 portant approbation du référentiel France services",
    }
    context["prefecture"] = {"tribunal": "le tribunal administratif de Lyon"}
    text = pdf_text(
        render_pdf(
            kind="arrete_labellisation", context=context, verification_code=CODE, verify_url=URL
        )
    )
    assert "Vu l'arrêté du 16 juin 2025 portant approbation du référentiel France services" in text
    assert "le tribunal administratif de Lyon" in text


def test_workflow_shaped_context_renders():
    """The snapshot the workflows app takes (criteria as codes, person as name/email)."""
    context = {
        "application": {"reference": "A-2026-7", "submitted_at": "2026-10-01T09:00:00+02:00"},
        "place": {"name": "Lieu X", "commune": "Thiers", "departement": "63"},
        "porteur": {"name": "Commune de Thiers", "kind": "Commune"},
        "conformity": {
            "criteria": [
                {"code": "hours", "label": "Ouverture hebdomadaire", "status": "fail",
                 "message": "20 h par semaine."},
            ]
        },
        "decision": {"outcome": "refusal", "decided_on": "2026-11-02", "failed_criteria": ["hours"]},
        "signataire": {"name": "Paul Durand", "email": "paul@example.fr"},
    }  # fmt: skip
    text = pdf_text(
        render_pdf(kind="refus", context=context, verification_code=CODE, verify_url=URL)
    )
    assert "Ouverture hebdomadaire" in text and "20 h par semaine." in text
    assert "Paul Durand" in text and "paul@example.fr" not in text
    assert "le 2 novembre 2026" in text


@pytest.mark.parametrize(
    ("value", "expected"),
    [(30000, "30 000 €"), ("15000.00", "15 000 €"), ("1234.5", "1 234,50 €"), (0, "0 €"),
     (1250000, "1 250 000 €")],
)  # fmt: skip
def test_format_euros(value, expected):
    assert format_euros(value) == expected


def test_unknown_kind_refused():
    with pytest.raises(ValueError):
        render_html(kind="attestation", context={}, verification_code=CODE, verify_url=URL)


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
