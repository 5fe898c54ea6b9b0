"""One rule for commune codes everywhere, from the official geography and its history.

Every input that names a commune (a declaration's ``site.commune_insee``, the national list's
``insee_com``, the application form, the admin) goes through this module, so that the
conformity check, the imports and the forms agree:

- ``resolve_commune(code)`` / ``resolve_commune_code(code)``: an INSEE code → its current
  commune. A municipal arrondissement is taken as its commune (13203 → Marseille 13055), a
  commune déléguée or associée as its chef-lieu (93059 → Saint-Denis 93066), the former code of
  a merged commune as the commune it merged into (source: INSEE Code officiel géographique, via
  ``@etalab/decoupage-administratif``; see ``data/territories/SOURCE.md``). Raises
  ``UnknownCommune`` with a French message that says what was expected.
- ``resolve_commune_codes(codes)``: the same for many codes in two queries (imports).
- ``find_commune(text)``: what a person types (a name, a postcode, an INSEE code, « Nom
  (CODE) » as the autocomplete writes it) → the commune, or ``UnknownCommune`` listing the
  communes to choose from.
- ``search_communes(query)``: suggestions by name prefix (accents and case ignored) or by
  postcode, for the autocomplete of the forms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet

from labelling.models import Commune, CommuneAlias, LabelStatus, Place
from labelling.territories_loader import search_key

#: What a commune code looks like (the declaration schema's pattern): 5 characters, the second
#: one A or B in Corsica.
INSEE_CODE = re.compile(r"^\d[0-9AB]\d{3}$")
EXPECTED = "code INSEE de commune à 5 caractères, par exemple 63003 (2A004 en Corse)"
_POSTCODE = re.compile(r"^\d{5}$")
_LABELLED_CODE = re.compile(r"^(?P<name>.*?)\s*\((?P<code>\d[0-9ABab]\d{3})\)\s*$")
_CODE_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{5})(?![0-9A-Za-z])")
SEARCH_LIMIT = 10
MAX_SEARCH_LIMIT = 20
MIN_QUERY_LENGTH = 2


class UnknownCommune(ValueError):
    """No single commune matches: ``message`` (French) says why and what was expected;
    ``choices`` lists the candidate communes when there are several."""

    def __init__(self, message: str, choices: Iterable[Commune] = ()) -> None:
        self.message = message
        self.choices: list[Commune] = list(choices)
        super().__init__(message)


@dataclass(frozen=True)
class ResolvedCommune:
    """A code resolved: its current ``commune``, and the ``alias`` (arrondissement, commune
    déléguée or associée, former code) when the code was not the commune's own."""

    commune: Commune
    alias: CommuneAlias | None = None

    @property
    def declared_code(self) -> str:
        """The code as given: the alias's when there is one."""
        return self.alias.code if self.alias is not None else self.commune.insee_code


def normalise_code(code: object) -> str:
    return str(code).strip().upper() if code is not None else ""


def code_error(code: object) -> str:
    """The French message for a code that designates no commune (malformed or unknown)."""
    text = normalise_code(code)
    if not INSEE_CODE.match(text):
        shown = f"« {text} »" if text else "valeur vide"
        return f"{shown} n'est pas un code INSEE ; attendu : {EXPECTED}"
    return (
        f"commune inconnue : {text} n'est le code INSEE d'aucune commune, d'aucun arrondissement "
        f"municipal ni d'aucune commune déléguée ; attendu : {EXPECTED}"
    )


def resolve_commune_codes(codes: Iterable[object]) -> dict[str, ResolvedCommune]:
    """Resolve many codes at once (two queries): normalised code → ``ResolvedCommune``.
    Codes that designate no commune are absent from the result (see ``code_error``)."""
    wanted = {normalise_code(c) for c in codes}
    wanted = {c for c in wanted if INSEE_CODE.match(c)}
    if not wanted:
        return {}
    resolved = {
        commune.insee_code: ResolvedCommune(commune)
        for commune in Commune.objects.filter(insee_code__in=wanted).select_related("departement")
    }
    missing = wanted - resolved.keys()
    if missing:
        for alias in CommuneAlias.objects.filter(code__in=missing).select_related(
            "commune__departement"
        ):
            resolved[alias.code] = ResolvedCommune(alias.commune, alias)
    return resolved


def resolve_commune_code(code: object) -> ResolvedCommune:
    """One INSEE code → its commune and the alias it was given by. Raises ``UnknownCommune``."""
    resolved = resolve_commune_codes([code]).get(normalise_code(code))
    if resolved is None:
        raise UnknownCommune(code_error(code))
    return resolved


def resolve_commune(code: object) -> Commune:
    """One INSEE code → its current commune (13203 → 13055, 93059 → 93066).

    Raises ``UnknownCommune`` (French message: « … attendu : code INSEE de commune à 5
    caractères, par exemple 63003 »)."""
    return resolve_commune_code(code).commune


def commune_label(commune: Commune, alias: CommuneAlias | None = None) -> str:
    """How a commune is written in a form field: « Clermont-Ferrand (63113) »; through an alias
    « Marseille 3e Arrondissement (13203) »."""
    if alias is not None and alias.name:
        return f"{alias.name} ({alias.code})"
    return f"{commune.name} ({commune.insee_code})"


def label_for_code(code: str) -> str:
    """The form label of a stored code, or the code itself when it designates no commune."""
    resolved = resolve_commune_codes([code]).get(normalise_code(code))
    if resolved is None:
        return code or ""
    return commune_label(resolved.commune, resolved.alias)


def _choices_message(text: str, choices: list[ResolvedCommune], more: bool) -> str:
    listed = " ; ".join(
        f"{commune_label(r.commune, r.alias)}, {r.commune.departement.name}" for r in choices
    )
    suffix = " ; et d'autres" if more else ""
    return (
        f"Plusieurs communes correspondent à « {text} » : {listed}{suffix}. Précisez en saisissant "
        "le nom suivi du code INSEE entre parenthèses, tel qu'il est écrit dans cette liste."
    )


def find_commune(text: str) -> ResolvedCommune:
    """What a person typed → one commune. Accepted: « Nom (CODE) » (the code decides), an INSEE
    code, a postcode, a name (accents, case, hyphens ignored, « St » for « Saint »), a name
    with its postcode (« 63000 Clermont-Ferrand »).

    Raises ``UnknownCommune``: nothing matches (the message says what to type), or several
    communes do (the message and ``choices`` list them)."""
    text = " ".join((text or "").split())
    if not text:
        raise UnknownCommune(f"Saisissez le nom, le code postal ou le {EXPECTED}.")
    labelled = _LABELLED_CODE.match(text)
    if labelled:
        return resolve_commune_code(labelled["code"])
    code = text.upper()
    if INSEE_CODE.match(code) or _POSTCODE.match(code):
        candidates = _by_code_or_postcode(code)
        return _one(text, candidates, nothing=_nothing_for_code(code))
    postcode = _CODE_IN_TEXT.search(text)
    if postcode:
        name_key = search_key(text[: postcode.start()] + " " + text[postcode.end() :])
        candidates = [
            r for r in _by_postcode(postcode[1]) if _matches_name(r, name_key, prefix=True)
        ]
        return _one(
            text,
            candidates,
            nothing=f"Aucune commune « {text} » : vérifiez le nom et le code postal, ou saisissez "
            f"le {EXPECTED}.",
        )
    key = search_key(text)
    if len(key) < MIN_QUERY_LENGTH:
        raise UnknownCommune(
            f"« {text} » est trop court : saisissez le nom, le code postal ou le {EXPECTED}."
        )
    exact = _by_name(key, exact=True)
    if exact:
        return _one(text, exact, nothing="")
    suggestions = _by_name(key, exact=False, limit=6)
    if len(suggestions) == 1:
        return suggestions[0]
    if suggestions:
        raise UnknownCommune(
            _choices_message(text, suggestions[:5], len(suggestions) > 5),
            [r.commune for r in suggestions],
        )
    raise UnknownCommune(
        f"Aucune commune ne s'appelle « {text} » : vérifiez l'orthographe, ou saisissez le code "
        f"postal ou le {EXPECTED}."
    )


def _nothing_for_code(code: str) -> str:
    return (
        f"Aucune commune n'a le code postal ou le code INSEE {code} : vérifiez-le, ou saisissez "
        "le nom de la commune."
    )


def _one(text: str, candidates: list[ResolvedCommune], *, nothing: str) -> ResolvedCommune:
    distinct: dict[str, ResolvedCommune] = {}
    for candidate in candidates:
        distinct.setdefault(candidate.commune.insee_code, candidate)
    if len(distinct) == 1:
        return next(iter(distinct.values()))
    if not distinct:
        raise UnknownCommune(nothing)
    choices = list(distinct.values())
    raise UnknownCommune(
        _choices_message(text, choices[:8], len(choices) > 8), [r.commune for r in choices]
    )


def _matches_name(resolved: ResolvedCommune, key: str, *, prefix: bool) -> bool:
    names = [resolved.commune.search_name]
    if resolved.alias is not None:
        names.append(resolved.alias.search_name)
    if not key:
        return True
    return any(n == key or (prefix and n.startswith(key)) for n in names)


def _communes() -> QuerySet[Commune]:
    return Commune.objects.select_related("departement").order_by(
        F("population").desc(nulls_last=True), "name"
    )


def _by_postcode(postcode: str, limit: int | None = None) -> list[ResolvedCommune]:
    """Communes with a postcode that starts with ``postcode`` (5 digits: that postcode), then
    the arrondissements that have it (Marseille 3e for 13003)."""
    found = [
        ResolvedCommune(c)
        for c in _communes().filter(
            Q(postal_codes__startswith=postcode) | Q(postal_codes__contains=f" {postcode}")
        )[:limit]
    ]
    if len(postcode) == 5:
        seen = {r.commune.insee_code for r in found}
        found += [
            ResolvedCommune(a.commune, a)
            for a in CommuneAlias.objects.filter(postal_codes__contains=postcode)
            .exclude(name="")
            .select_related("commune__departement")
            .order_by("code")
            if a.commune.insee_code not in seen
        ]
    return found


def _by_code_or_postcode(code: str) -> list[ResolvedCommune]:
    found = []
    resolved = resolve_commune_codes([code]).get(code)
    if resolved is not None:
        found.append(resolved)
    if _POSTCODE.match(code):
        found += _by_postcode(code)
    return found


def _by_name(key: str, *, exact: bool, limit: int | None = None) -> list[ResolvedCommune]:
    """Communes (then aliases with a name) whose search name is ``key`` (``exact``) or starts
    with it (exact names first: « Saint-Denis » before « Saint-Denis-de-Jouhet »), the most
    populous first."""
    if not exact:
        found = _by_name(key, exact=True, limit=limit)
        seen = {r.commune.insee_code for r in found}
        return found + [
            r
            for r in _named(key, "search_name__startswith", limit)
            if r.commune.insee_code not in seen
        ]
    return _named(key, "search_name", limit)


def _named(key: str, lookup: str, limit: int | None) -> list[ResolvedCommune]:
    found = [ResolvedCommune(c) for c in _communes().filter(**{lookup: key})[:limit]]
    seen = {r.commune.insee_code for r in found}
    aliases = (
        CommuneAlias.objects.filter(**{lookup: key})
        .exclude(name="")
        .select_related("commune__departement")
        .order_by(F("commune__population").desc(nulls_last=True), "name")[:limit]
    )
    for alias in aliases:
        if alias.commune.insee_code not in seen:
            seen.add(alias.commune.insee_code)
            found.append(ResolvedCommune(alias.commune, alias))
    return found


@dataclass(frozen=True)
class CommuneSuggestion:
    """One suggestion of the commune search: the commune, the alias it was found by (if any),
    and the labelled places already in the commune."""

    resolved: ResolvedCommune
    labelled_places: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        commune = self.resolved.commune
        alias = self.resolved.alias
        return {
            "insee": commune.insee_code,
            "name": commune.name,
            "label": commune_label(commune, alias),
            "postal_codes": commune.postal_code_list,
            "departement": {"code": commune.departement_id, "name": commune.departement.name},
            "via": (
                {"code": alias.code, "name": alias.name, "kind": alias.get_kind_display()}
                if alias is not None
                else None
            ),
            "labelled_places": self.labelled_places,
        }


def search_communes(*, query: str, limit: int = SEARCH_LIMIT) -> list[CommuneSuggestion]:
    """Suggestions for what a person is typing: by INSEE code or postcode (digits) or by name
    prefix (accents and case ignored; indexed column ``search_name``), the most populous first,
    at most ``limit`` (≤ 20). Fewer than 2 characters give nothing. A bounded number of queries
    (at most five)."""
    limit = max(1, min(limit, MAX_SEARCH_LIMIT))
    text = " ".join((query or "").split())
    code = text.upper()
    labelled = _LABELLED_CODE.match(text)
    if labelled:
        found = _by_code_or_postcode(labelled["code"].upper())
    elif INSEE_CODE.match(code) or (code.isdigit() and len(code) == 5):
        found = _by_code_or_postcode(code)
    elif code.isdigit() and MIN_QUERY_LENGTH <= len(code) < 5:
        found = _by_postcode(code, limit)
    else:
        key = search_key(text)
        if len(key) < MIN_QUERY_LENGTH:
            return []
        found = _by_name(key, exact=False, limit=limit)
    distinct: dict[str, ResolvedCommune] = {}
    for resolved in found:
        distinct.setdefault(resolved.commune.insee_code, resolved)
    kept = list(distinct.values())[:limit]
    places = _labelled_places([r.commune.insee_code for r in kept])
    return [CommuneSuggestion(r, places.get(r.commune.insee_code, [])) for r in kept]


def labelled_places_in(*, commune_codes: Iterable[str]) -> dict[str, list[str]]:
    """Names of the labelled places of these communes (public information: the national list
    is open data): commune code → names, alphabetical."""
    return _labelled_places(list(commune_codes))


def _labelled_places(codes: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if not codes:
        return out
    for commune_id, name in (
        Place.objects.filter(commune_id__in=codes, label_status=LabelStatus.LABELLED)
        .order_by("name")
        .values_list("commune_id", "name")
    ):
        out.setdefault(commune_id, []).append(name)
    return out
