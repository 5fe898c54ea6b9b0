"""The kinds of criterion: pure functions ``(declaration, params) -> Outcome``.

A version of the cahier des charges is a list of criteria, each naming a kind and giving its
parameters and its messages. ``prepare`` checks and normalises the parameters once (French
``ValueError`` when they are wrong); ``evaluate`` runs for every declaration and returns the
facts its messages may quote (``{hours}``, ``{missing}``…)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from labelling.conformity.declaration import Declaration
from labelling.conformity.formatting import format_date, format_fte, plural
from labelling.conformity.hours import MINUTES_PER_WEEK, format_duration

TRAINING_KINDS = ("primo_accueil", "france_services_initiale", "operateur")
OPERATOR_CODES = (
    "caf",
    "assurance_maladie",
    "assurance_retraite",
    "msa",
    "france_travail",
    "la_poste",
    "dgfip",
    "justice",
    "interieur",
    "grdf",
    "autre",
)
#: Short French names used in messages.
OPERATOR_NAMES = {
    "caf": "CAF",
    "assurance_maladie": "Assurance maladie",
    "assurance_retraite": "Assurance retraite",
    "msa": "MSA",
    "france_travail": "France Travail",
    "la_poste": "La Poste",
    "dgfip": "DGFiP",
    "justice": "Justice",
    "interieur": "Intérieur",
    "grdf": "GRDF",
    "autre": "opérateur local",
}
PREMISES_FLAGS = {
    "confidential_office": "bureau de confidentialité",
    "digital_space": "espace numérique",
    "accessible_pmr": "accessibilité aux personnes à mobilité réduite",
}


class Outcome(NamedTuple):
    passed: bool
    facts: dict[str, Any]


def _outcome(passed: bool, facts: dict[str, Any]) -> Outcome:
    return tuple.__new__(Outcome, (passed, facts))  # what Outcome(...) does, without its overhead


@dataclass(frozen=True)
class CriterionKind:
    code: str
    #: What the rule checks, in French, for the people who edit versions.
    description: str
    #: Parameters the kind takes, with a French description of each.
    params: Mapping[str, str]
    #: Names a message template may quote.
    facts: tuple[str, ...]
    prepare: Callable[[Mapping[str, Any]], Any]
    evaluate: Callable[[Declaration, Any], Outcome]


# --- Parameter helpers --------------------------------------------------------------------


def _int(params: Mapping[str, Any], key: str, *, low: int, high: int) -> int:
    value = params.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise ValueError(f"paramètre « {key} » : nombre entier attendu")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"paramètre « {key} » : nombre entier attendu") from None
    if number != number.to_integral_value() or not low <= number <= high:
        raise ValueError(f"paramètre « {key} » : nombre entier entre {low} et {high} attendu")
    return int(number)


def _decimal(params: Mapping[str, Any], key: str) -> Decimal:
    value = params.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise ValueError(f"paramètre « {key} » : nombre décimal attendu (par exemple « 1.0 »)")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"paramètre « {key} » : nombre décimal attendu") from None
    if not number.is_finite() or number < 0:
        raise ValueError(f"paramètre « {key} » : nombre positif attendu")
    return number


def _codes(params: Mapping[str, Any], key: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    value = params.get(key)
    if not isinstance(value, list | tuple) or not value:
        raise ValueError(f"paramètre « {key} » : liste non vide attendue")
    unknown = [v for v in value if v not in allowed]
    if unknown:
        raise ValueError(
            f"paramètre « {key} » : valeur(s) inconnue(s) {', '.join(map(str, unknown))} ; "
            f"valeurs possibles : {', '.join(allowed)}"
        )
    return tuple(dict.fromkeys(value))


def _operator_names(entries: list[tuple[str, str | None]]) -> str:
    return ", ".join(label or OPERATOR_NAMES.get(code, code) for code, label in entries)


# --- Kinds ---------------------------------------------------------------------------------


def _prepare_weekly_hours(params: Mapping[str, Any]) -> int:
    return _int(params, "minutes", low=1, high=MINUTES_PER_WEEK)


def _weekly_hours(declaration: Declaration, required: int) -> Outcome:
    minutes = declaration.weekly_minutes
    return _outcome(
        minutes >= required,
        {
            "hours": format_duration(minutes),
            "required": format_duration(required),
            "missing": format_duration(max(required - minutes, 0)),
        },
    )


def _prepare_open_days(params: Mapping[str, Any]) -> int:
    return _int(params, "days", low=1, high=7)


def _open_days(declaration: Declaration, required: int) -> Outcome:
    days = declaration.open_days
    return _outcome(
        days >= required,
        {
            "days": plural(days, "jour", "jours"),
            "required": plural(required, "jour", "jours"),
        },
    )


def _prepare_trained_agents(params: Mapping[str, Any]) -> tuple[frozenset[str], int]:
    kinds = _codes(params, "training_kinds", TRAINING_KINDS)
    return frozenset(kinds), _int(params, "count", low=1, high=100)


def _trained_agents(declaration: Declaration, prepared: tuple[frozenset[str], int]) -> Outcome:
    kinds, required = prepared
    on = declaration.reference_date
    trained = 0
    for agent in declaration.agents:
        for training in agent.trainings:
            if training.kind in kinds and training.completed_on <= on:
                trained += 1
                break
    return _outcome(
        trained >= required,
        {
            "trained": plural(trained, "agent", "agents") if trained else "aucun agent",
            "required": plural(required, "agent", "agents"),
            "reference_date": format_date(on),
        },
    )


def _prepare_total_fte(params: Mapping[str, Any]) -> tuple[Decimal, bool]:
    strict = params.get("strict", False)
    if not isinstance(strict, bool):
        raise ValueError("paramètre « strict » : true ou false attendu")
    return _decimal(params, "fte"), strict


def _total_fte(declaration: Declaration, prepared: tuple[Decimal, bool]) -> Outcome:
    required, strict = prepared
    total = declaration.total_fte
    return _outcome(
        total > required if strict else total >= required,
        {
            "fte": format_fte(total),
            "required": format_fte(required),
            "comparison": "plus de" if strict else "au moins",
        },
    )


def _prepare_presence(params: Mapping[str, Any]) -> None:
    if params:
        raise ValueError("ce type de critère ne prend aucun paramètre")


def _presence(declaration: Declaration, _prepared: None) -> Outcome:
    absent = [(e.code, e.label) for e in declaration.operators if e.presence == "none"]
    return _outcome(
        not absent,
        {
            "absent": _operator_names(absent),
            "count": plural(len(declaration.operators), "opérateur", "opérateurs"),
        },
    )


def _prepare_partners(params: Mapping[str, Any]) -> tuple[str, ...]:
    return _codes(params, "partners", tuple(c for c in OPERATOR_CODES if c != "autre"))


def _partners(declaration: Declaration, partners: tuple[str, ...]) -> Outcome:
    present = {e.code for e in declaration.operators if e.presence != "none"}
    missing = [(code, None) for code in partners if code not in present]
    return _outcome(
        not missing,
        {
            "missing": _operator_names(missing),
            "required": plural(len(partners), "partenaire national", "partenaires nationaux"),
        },
    )


def _prepare_present_operators(params: Mapping[str, Any]) -> int:
    return _int(params, "count", low=1, high=100)


def _present_operators(declaration: Declaration, required: int) -> Outcome:
    present = sum(1 for e in declaration.operators if e.presence != "none")
    return _outcome(
        present >= required,
        {
            "present": plural(present, "opérateur", "opérateurs") if present else "aucun opérateur",
            "required": plural(required, "opérateur", "opérateurs"),
        },
    )


def _prepare_premises_flag(params: Mapping[str, Any]) -> str:
    flag = params.get("flag")
    if flag not in PREMISES_FLAGS:
        raise ValueError(f"paramètre « flag » : valeurs possibles : {', '.join(PREMISES_FLAGS)}")
    return flag


def _premises_flag(declaration: Declaration, flag: str) -> Outcome:
    value = getattr(declaration.premises, flag)
    declared = "non renseigné" if value is None else ("oui" if value else "non")
    return _outcome(value is True, {"declared": declared})


def _prepare_simultaneous(params: Mapping[str, Any]) -> tuple[int, Decimal]:
    """(agents present together, minutes of work a week of one FTE)."""
    return _int(params, "agents", low=1, high=20), _decimal(params, "hours_per_fte") * 60


def _simultaneous(declaration: Declaration, prepared: tuple[int, Decimal]) -> Outcome:
    agents, minutes_per_fte = prepared
    staff_minutes = declaration.total_fte * minutes_per_fte
    needed = agents * declaration.weekly_minutes
    return _outcome(
        staff_minutes >= needed,
        {
            "fte": format_fte(declaration.total_fte),
            "staff_hours": format_duration(int(staff_minutes)),
            "hours": format_duration(declaration.weekly_minutes),
            "required_hours": format_duration(needed),
            "agents": agents,
        },
    )


KINDS: dict[str, CriterionKind] = {
    kind.code: kind
    for kind in (
        CriterionKind(
            "min_weekly_hours",
            "Ouverture hebdomadaire minimale (plages d'un même jour fusionnées)",
            {"minutes": "minutes d'ouverture par semaine exigées (24 h = 1440)"},
            ("hours", "required", "missing"),
            _prepare_weekly_hours,
            _weekly_hours,
        ),
        CriterionKind(
            "min_open_days",
            "Nombre minimal de jours d'ouverture dans la semaine",
            {"days": "jours d'ouverture exigés (1 à 7)"},
            ("days", "required"),
            _prepare_open_days,
            _open_days,
        ),
        CriterionKind(
            "min_trained_agents",
            "Nombre minimal d'agents ayant suivi une formation avant la date de la déclaration",
            {
                "training_kinds": "formations qui comptent (" + ", ".join(TRAINING_KINDS) + ")",
                "count": "nombre d'agents formés exigé",
            },
            ("trained", "required", "reference_date"),
            _prepare_trained_agents,
            _trained_agents,
        ),
        CriterionKind(
            "min_total_fte",
            "Total minimal des équivalents temps plein (ETP) des agents",
            {"fte": "ETP exigés (nombre décimal)", "strict": "true : strictement plus"},
            ("fte", "required", "comparison"),
            _prepare_total_fte,
            _total_fte,
        ),
        CriterionKind(
            "operators_presence",
            "Chaque opérateur déclaré est présent, sur place ou à distance",
            {},
            ("absent", "count"),
            _prepare_presence,
            _presence,
        ),
        CriterionKind(
            "required_partners",
            "Partenaires obligatoires déclarés et présents",
            {"partners": "codes des partenaires obligatoires"},
            ("missing", "required"),
            _prepare_partners,
            _partners,
        ),
        CriterionKind(
            "min_present_operators",
            "Nombre minimal d'opérateurs présents (sur place ou à distance)",
            {"count": "nombre d'opérateurs présents exigé"},
            ("present", "required"),
            _prepare_present_operators,
            _present_operators,
        ),
        CriterionKind(
            "premises_flag",
            "Un équipement des locaux est déclaré",
            {"flag": "équipement : " + ", ".join(PREMISES_FLAGS)},
            ("declared",),
            _prepare_premises_flag,
            _premises_flag,
        ),
        CriterionKind(
            "simultaneous_presence",
            "Les ETP permettent la présence simultanée de plusieurs agents pendant l'ouverture",
            {
                "agents": "agents présents en même temps",
                "hours_per_fte": "heures de travail hebdomadaires d'un ETP (35)",
            },
            ("fte", "staff_hours", "hours", "required_hours", "agents"),
            _prepare_simultaneous,
            _simultaneous,
        ),
    )
}
