"""French as an official document writes it: typography applied to the whole rendered HTML, and
the forms of names a sentence needs (article, « de », « à », elision).

`typeset_html` is applied to every document after its template is rendered (one filter, every
kind): narrow no-break spaces before ``; : ! ?`` and inside ``« »``, a no-break space after
``n°``, inside dates, between a number and its unit and in amounts, superscript ``1er``,
typographic apostrophes. Nothing here reads the database."""

from __future__ import annotations

import html
import re

# Re-exported: the fallback of document snapshots frozen without an article.
from labelling.names import infer_article as infer_article
from labelling.names import starts_with_vowel_sound as _starts_with_vowel_sound

# Espace fine insécable. Marianne has no U+202F glyph (PDF readers then see a plain space): a
# thin space (U+2009, in the font) held by word joiners (U+2060) breaks no line either.
NNBSP = "\u2060\u2009\u2060"
NBSP = "\u00a0"  # espace insécable

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip

_MONTHS = "|".join(MONTHS)
_UNITS = (
    r"heures?|h|minutes?|min|jours?|semaines?|mois|ans?|années?|€|euros?|%|km|m²|m2|ETP|"
    r"places?|agents?|opérateurs?|pages?|caractères|octets|Mo|Ko"
)

_RULES: tuple[tuple[re.Pattern, str], ...] = (
    # Straight apostrophes (and the « ' » HTML escaping gives) become typographic ones.
    (re.compile(r"'"), "\u2019"),
    # Guillemets: a narrow no-break space inside, whatever was typed.
    (re.compile(r"«[ \t\u00a0\u202f\u2009\u2060]*"), "«" + NNBSP),
    (re.compile(r"[ \t\u00a0\u202f\u2009\u2060]*»"), NNBSP + "»"),
    # Before ; ! ? : a narrow no-break space (for ; also when none was typed).
    (re.compile(r"[ \t\u00a0\u202f\u2009\u2060]+([;:!?])"), NNBSP + r"\1"),
    (re.compile(r"(?<=[\w»)\].])(;)"), NNBSP + r"\1"),
    # n° 2016-403, N° : the number stays with its sign.
    (re.compile(r"\b([nN]°|[nN]os|[nN]o)[ \t\u202f\u2009\u2060]+(?=\w)"), r"\1" + NBSP),
    # 1er juillet 2019, 4 avril 2016: one unbreakable unit.
    (
        re.compile(
            rf"\b(1er|\d{{1,2}})[ \t\u202f\u2009\u2060]+({_MONTHS})[ \t\u202f\u2009\u2060]+(\d{{4}})\b"
        ),
        r"\1" + NBSP + r"\2" + NBSP + r"\3",
    ),
    (re.compile(rf"\b(1er|\d{{1,2}})[ \t\u202f\u2009\u2060]+({_MONTHS})\b"), r"\1" + NBSP + r"\2"),
    # Thousands in amounts: 30 000 € (narrow no-break between groups).
    (re.compile(r"(?<=\d)[ \u00a0\u202f](?=\d{3}(?:\D|$))"), NNBSP),
    # A postal code stays with its city (63033 Clermont-Ferrand Cedex 1).
    (re.compile(r"\b(\d{5})[ \t\u202f\u2009\u2060]+(?=[A-ZÀ-ÖØ-Þ])"), r"\1" + NBSP),
    (re.compile(r"\b(Cedex|CEDEX)[ \t]+(?=\d)"), r"\1" + NBSP),
    # 18 heures, 15 jours, 30 000 €, 50 %.
    (re.compile(rf"(?<=\d)[ \t\u202f\u2009\u2060]+(?=(?:{_UNITS})(?!\w))"), NBSP),
    # Article 1er, M. Dupont, Mme Ferré: never alone at the end of a line.
    (re.compile(r"\b(Article|article|M\.|Mme|Me|Dr)[ \t]+(?=\w)"), r"\1" + NBSP),
)

_SUPERSCRIPT = re.compile(r"\b(1)(er|re|ère)\b")

# Compound names and references (Saint-Anthème, FS-63-2026-0042) never break at their hyphens.
_HYPHENATED = re.compile(r"(?<![\w/.-])(\w+(?:-\w+)+)(?![\w-])")

_TAG = re.compile(r"(<[^>]*>)")
_RAW_ELEMENTS = ("style", "script", "title")


def typeset_text(text: str) -> str:
    """Plain text with French typography (no markup added): for attributes, CSS, titles."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def _superscripts(escaped: str) -> str:
    return _SUPERSCRIPT.sub(r"\1<sup>\2</sup>", escaped)


def typeset_html(document: str) -> str:
    """The rendered HTML of a document with French typography in its text (never in tags,
    attributes, styles or scripts)."""
    parts = _TAG.split(document)
    out: list[str] = []
    raw_until: str | None = None
    for part in parts:
        if part.startswith("<"):
            out.append(part)
            name = part[1:].split(None, 1)[0].rstrip(">/").lower() if len(part) > 2 else ""
            if raw_until is None and name in _RAW_ELEMENTS:
                raw_until = f"/{name}"
            elif raw_until is not None and name == raw_until:
                raw_until = None
            continue
        if raw_until is not None or not part.strip():
            out.append(part)
            continue
        text = typeset_text(html.unescape(part))
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        out.append(_HYPHENATED.sub(r'<span class="nowrap">\1</span>', _superscripts(escaped)))
    return "".join(out)


# --- names in a sentence --------------------------------------------------------------------

ARTICLES = ("le", "la", "l'", "les", "")  # "" : the name is used as it is


def with_article(name: str, article: str) -> str:
    """« la Communauté de communes X », « l'Association Y », « La Poste »."""
    name = (name or "").strip()
    if article == "l'":
        return f"l\u2019{name}"
    if article in ("le", "la", "les"):
        return f"{article} {name}"
    return name


def _contract(preposition: str, article: str, rest: str) -> str:
    forms = {
        ("de", "le"): "du ",
        ("de", "les"): "des ",
        ("de", "la"): "de la ",
        ("de", "l'"): "de l\u2019",
        ("à", "le"): "au ",
        ("à", "les"): "aux ",
        ("à", "la"): "à la ",
        ("à", "l'"): "à l\u2019",
    }
    return forms[(preposition, article)] + rest


def preposition_form(preposition: str, name: str, article: str = "") -> str:
    """« de » or « à » before a name with its article: du Syndicat, de l'Association,
    au Mans, d'Ambert, à Ambert, de La Poste."""
    name = (name or "").strip()
    if article in ("le", "la", "l'", "les"):
        return _contract(preposition, article, name)
    # The name carries its article (a commune « Le Mans », « Les Abymes »).
    match = re.match(r"^(Le|Les)\s+(.*)$", name)
    if match:
        return _contract(preposition, match.group(1).lower(), match.group(2))
    if preposition == "de" and _starts_with_vowel_sound(name):
        return f"d\u2019{name}"
    return f"{preposition} {name}"


def de(name: str, article: str = "") -> str:
    return preposition_form("de", name, article)


def a(name: str, article: str = "") -> str:
    return preposition_form("à", name, article)


_STREET_WORDS = (
    "place", "rue", "avenue", "boulevard", "chemin", "route", "allée", "allées", "impasse",
    "quai", "cours", "square", "passage", "esplanade", "promenade", "rond-point", "faubourg",
    "parvis", "sentier", "montée", "voie", "lieu-dit", "hameau", "résidence", "zone", "espace",
)  # fmt: skip


def address_in_sentence(address: str, commune: str = "") -> str:
    """An address as it reads after « situé » : the street word in lower case (« place de
    l'Aubépin ») and the commune not repeated when the address already ends with it."""
    text = (address or "").strip().rstrip(",")
    if not text:
        return ""
    words = text.split(" ", 1)
    if words[0].lower() in _STREET_WORDS:
        text = words[0].lower() + (" " + words[1] if len(words) > 1 else "")
    return text


def address_names_commune(address: str, commune: str) -> bool:
    """Whether the address already says the commune (« …, 63660 Saint-Anthème »)."""
    if not address or not commune:
        return False
    return commune.strip().lower() in address.lower()


def considerant(reason: str, *, lead: str = "l\u2019instruction a relevé") -> str:
    """An instructor's free reason as a recital ending with « ; ». A reason written as a clause
    (« que … », « Considérant que … ») is kept as one: « Considérant que … ; ». Any other text is
    quoted as typed, so that it stays grammatical: « Considérant que l'instruction a relevé ce
    qui suit : « Dossier conforme ; avis favorables. » ; ». Trailing « ; » and spaces go."""
    text = re.sub(r"[\s;,]+$", "", (reason or "").strip())
    text = re.sub(r"\s+", " ", text)
    if not text.strip(" ."):
        return ""
    lower = text.lower()
    if lower.startswith("considérant "):
        text = text[len("considérant ") :]
        lower = text.lower()
    if lower.startswith(("que ", "qu'", "qu\u2019")):
        return f"Considérant {text.rstrip(' .')} ;"
    return f"Considérant que {lead} ce qui suit : « {text} » ;"
