"""How a porteur's name reads in a French sentence: the article it takes (« la Communauté de
communes du Livradois-Forez », « l'Association … », « La Poste » with none).

The article is data of each porteur (`labelling.models.Porteur.article`), chosen by a person;
`infer_article` only proposes it when a porteur is created without one (an import, an
invitation) and fills it for the porteurs that existed before the field. Pure functions, no
Django: the documents use them as the fallback of an old snapshot without an article."""

from __future__ import annotations

import unicodedata

# The stored value of « no article »: the name carries its own (« La Poste », « Le Mans
# Métropole ») or is a proper name (« Emmaüs Ambert »).
NO_ARTICLE = "-"


def starts_with_vowel_sound(word: str) -> bool:
    if not word:
        return False
    first = unicodedata.normalize("NFD", word[0])[0].lower()
    if first in "aeiouy":
        return True
    # h muet for the usual names (Hauteville, Hérault…); h aspiré ones are rare in place names.
    return first == "h" and not word.lower().startswith(("haut", "hau", "hai", "ham", "han"))


_FEMININE = {
    "communauté", "commune", "association", "métropole", "ville", "fédération", "mairie",
    "maison", "mutualité", "caisse", "régie", "préfecture", "sous-préfecture", "collectivité",
    "union", "agglomération", "mission", "chambre", "structure", "fondation", "société",
    "coopérative", "direction", "agence", "poste", "mutuelle", "ligue", "entente", "cité",
}  # fmt: skip
_MASCULINE = {
    "syndicat", "centre", "conseil", "département", "groupement", "pôle", "établissement",
    "office", "pays", "groupe", "point", "relais", "comité", "foyer", "gip", "ccas", "cias",
    "petr", "sivom", "sivu", "district", "territoire", "secours", "bureau",
}  # fmt: skip
_PLURAL = {"amis", "restos"}


def infer_article(name: str) -> str:
    """The article a porteur's name takes in a sentence, guessed from its first word:
    « la Communauté de communes … », « le Syndicat … », « l'Association … »; names that carry
    their own article (« La Poste ») or are proper names take none (``""``)."""
    words = (name or "").strip().split()
    if not words:
        return ""
    first = words[0]
    lower = first.lower()
    if lower in ("le", "la", "les") or lower.startswith(("l'", "l\u2019")):
        return ""
    if lower in _PLURAL:
        return "les"
    if lower in _FEMININE or lower in _MASCULINE:
        if starts_with_vowel_sound(lower):
            return "l'"
        return "la" if lower in _FEMININE else "le"
    return ""


def proposed_article(name: str) -> str:
    """The value `Porteur.article` gets when nobody chose one: the guess, or `NO_ARTICLE`."""
    return infer_article(name) or NO_ARTICLE
