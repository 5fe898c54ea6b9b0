"""French typography and French forms of names, on every kind read back from its PDF."""

import dataclasses
import re

import pytest

from documents import french
from documents.contexts import Opinion, Porteur
from documents.models import DocumentKind
from documents.rendering import render_pdf
from documents.samples import sample_context
from tests.documents.pdf_tools import pdf_characters, pdf_text

CODE = "7K3M-Q9PZ-2XHD"
URL = f"https://estampille.example.gouv.fr/verifier/{CODE}/"

_cache: dict[str, bytes] = {}


def awkward(kind: str):
    """A sample with what went wrong: an address that names its commune, a raw reason."""
    context = sample_context(kind)
    context = dataclasses.replace(
        context,
        place=dataclasses.replace(
            context.place,
            address="Place de l'Aubépin, 63660 Saint-Anthème",
            commune="Saint-Anthème",
        ),
    )
    if hasattr(context, "reasons"):
        context = dataclasses.replace(context, reasons="Dossier conforme ; avis favorables. ;")
    return context


def rendered(kind: str) -> bytes:
    if kind not in _cache:
        _cache[kind] = render_pdf(context=awkward(kind), verification_code=CODE, verify_url=URL)
    return _cache[kind]


@pytest.mark.parametrize("kind", DocumentKind.values)
def test_no_plain_space_before_high_punctuation_nor_straight_apostrophe(kind):
    text = pdf_characters(rendered(kind))
    bad = re.findall(r".{0,20}(?<!\u2009) [;:!?]", text)
    assert not bad, f"{kind}: espace ordinaire avant la ponctuation : {bad[:3]}"
    assert not re.findall(r"« |\S »", text.replace("\u2009»", "")), kind
    assert "'" not in text, f"{kind}: apostrophe droite"
    assert not re.search(r"n° +[^\s\xa0]", text), f"{kind}: espace sécable après n°"
    assert "\u2009;" in text or "\u2009:" in text


@pytest.mark.parametrize("kind", DocumentKind.values)
def test_names_read_as_french(kind):
    # Read as one text: each page's running footer (« … n° … — code de vérification … Page 1 /
    # 3 ») taken out, so that a sentence running onto the next page reads whole.
    text = re.sub(
        r"[A-ZÀ-Ý]\S*(?: [a-zà-ÿ]\S*){0,3} n° \S+ — code de vérification \S+ Page \d+ / \d+ ",
        "",
        pdf_text(rendered(kind)),
    )
    assert "Saint-Anthème à Saint-Anthème" not in text
    assert "situé Place" not in text
    assert "de Ambert" not in text
    assert re.search(r"(porté|présentée) par Communauté", text) is None
    if "porté par" in text:
        assert "porté par la Communauté de communes Ambert Livradois Forez" in text
    assert "prolonge le délai" not in text
    assert "version « france-services-2019 »" not in text


@pytest.mark.parametrize(
    "kind", ["arrete_labellisation", "refus", "arrete_abrogation", "mise_en_demeure"]
)
def test_decisions_and_letters_wording(kind):
    text = pdf_text(rendered(kind))
    if kind != "mise_en_demeure":
        assert "Considérant que l'instruction a relevé ce qui suit : « Dossier conforme" in text
        assert "Considérant Dossier" not in text
        assert "Sur proposition de la secrétaire générale de la préfecture du Puy-de-Dôme" in text
        assert "La secrétaire générale de la préfecture du Puy-de-Dôme est chargée" in text
        assert "décret n° 2016-403 du 4 avril 2016" in text
        assert "interrompt le délai de recours contentieux" in text
    if kind == "arrete_abrogation":
        assert "portant abrogation" in text and "est abrogé à compter du" in text
        assert "retiré à compter" not in text
    if kind == "mise_en_demeure":
        assert "L. 122-1" in text and "assister par un conseil" in text
        assert "publication" not in text


def test_accuse_de_reception_states_what_the_crpa_requires():
    text = pdf_text(rendered("accuse_reception"))
    for expected in (
        "À défaut de décision expresse notifiée au plus tard le 14 novembre 2026",
        "réputée rejetée",
        "L. 114-5",
        "L. 232-4",
        "tribunal administratif de Clermont-Ferrand",
        "nos salutations",
    ):
        assert expected in text, expected
    assert "mes salutations" not in text


def test_accuse_de_reception_may_say_silence_accepts(settings):
    settings.DOCUMENTS_IMPLICIT_DECISION = "acceptation"
    pdf = render_pdf(
        context=sample_context("accuse_reception"), verification_code=CODE, verify_url=URL
    )
    text = pdf_text(pdf)
    assert "réputée acceptée" in text and "L. 232-3" in text
    assert "réputée rejetée" not in text


def test_demande_de_complements_wording():
    text = pdf_text(rendered("demande_complements"))
    assert "ne court qu'à compter de la réception" in text
    assert "classée sans suite" in text
    assert "suspendu" not in text and "clos sans suite" not in text


def test_typeset_html_rules():
    html = french.typeset_html(
        "<style>a:b{}</style><p>Objet : l'arrêté n° 12 du 1er juillet 2019 ; « France  Services » "
        "ouvert 18 heures, 30 000 €. Article 1er &amp; <strong>X</strong> :</p>"
    )
    assert html.startswith("<style>a:b{}</style>")
    assert "Objet\u2060\u2009\u2060:" in html
    assert "l\u2019arrêté" in html
    assert "n°\u00a012" in html
    assert "1<sup>er</sup>\u00a0juillet\u00a02019" in html
    assert "«\u2060\u2009\u2060France" in html and "Services\u2060\u2009\u2060»" in html
    assert "18\u00a0heures" in html
    assert "30\u2060\u2009\u2060000\u00a0€" in html
    assert "Article\u00a01<sup>er</sup>" in html
    assert "&amp;" in html
    assert "</strong>\u2060\u2009\u2060:" in html


def test_a_postal_code_stays_with_its_city():
    html = french.typeset_html("<p>18 boulevard Desaix, 63033 Clermont-Ferrand Cedex 1</p>")
    assert "63033\u00a0" in html and "Cedex\u00a01" in html


@pytest.mark.parametrize(
    ("name", "article", "sentence", "of", "to"),
    [
        ("Communauté de communes Ambert Livradois Forez", "", "la Communauté de communes Ambert Livradois Forez", "de la Communauté de communes Ambert Livradois Forez", "à la Communauté de communes Ambert Livradois Forez"),
        ("Association Familles Rurales", "", "l’Association Familles Rurales", "de l’Association Familles Rurales", "à l’Association Familles Rurales"),
        ("Syndicat mixte du Pays", "", "le Syndicat mixte du Pays", "du Syndicat mixte du Pays", "au Syndicat mixte du Pays"),
        ("La Poste", "", "La Poste", "de La Poste", "à La Poste"),
        ("Ambert", "", "Ambert", "d’Ambert", "à Ambert"),
        ("Maison des services", "-", "Maison des services", "de Maison des services", "à Maison des services"),
    ],
)  # fmt: skip
def test_porteur_forms(name, article, sentence, of, to):
    porteur = Porteur(name=name, article=article)
    assert (porteur.in_sentence, porteur.of_name, porteur.to_name) == (sentence, of, to)


def test_commune_forms():
    assert french.de("Le Mans") == "du Mans"
    assert french.a("Le Puy-en-Velay") == "au Puy-en-Velay"
    assert french.a("Les Abymes") == "aux Abymes"
    assert french.de("Ambert") == "d’Ambert"
    assert french.de("Hérouville-Saint-Clair") == "d’Hérouville-Saint-Clair"
    assert french.de("Saint-Anthème") == "de Saint-Anthème"
    assert Opinion("Caisse d'allocations familiales", "favorable").author_of.startswith("de la")


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("que le lieu est ouvert.", "Considérant que le lieu est ouvert ;"),
        ("Considérant que tout va bien ;", "Considérant que tout va bien ;"),
        (
            "Pas de bureau. ",
            "Considérant que l’instruction a relevé ce qui suit : « Pas de bureau. » ;",
        ),
        ("  ; ", ""),
    ],
)
def test_considerant(reason, expected):
    assert french.considerant(reason) == expected
