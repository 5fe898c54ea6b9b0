"""The steps of the application form and how each fills the declaration (declaration/1)."""

from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass

from labelling import opening_hours

DAYS: list[tuple[str, str]] = [
    ("mo", "Lundi"),
    ("tu", "Mardi"),
    ("we", "Mercredi"),
    ("th", "Jeudi"),
    ("fr", "Vendredi"),
    ("sa", "Samedi"),
    ("su", "Dimanche"),
]


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    help: str


STEPS: list[Step] = [
    Step("porteur", "Porteur", "La structure qui porte le lieu et dépose la candidature."),
    Step("lieu", "Lieu", "Le nom, l'adresse et la commune du lieu candidat."),
    Step("horaires", "Horaires d'ouverture", "Les plages d'ouverture au public, jour par jour."),
    Step("agents", "Agents et formations", "Les agents d'accueil, leur temps et leurs formations."),
    Step(
        "operateurs", "Opérateurs partenaires", "Les opérateurs et la façon dont ils sont présents."
    ),
    Step("locaux", "Locaux", "Les conditions d'accueil du public."),
    Step("pieces", "Pièces justificatives", "Les documents qui appuient la candidature."),
]
STEP_SLUGS = [s.slug for s in STEPS]
STEP_BY_SLUG = {s.slug: s for s in STEPS}


def empty_declaration(*, porteur) -> dict:
    porteur_part = {"kind": porteur.kind, "name": porteur.name}
    if porteur.siret:
        porteur_part["siret"] = porteur.siret
    return {
        "schema": "declaration/1",
        "site": {"name": "", "commune_insee": "", "porteur": porteur_part},
        "opening_hours": {},
        "agents": [],
        "operators": [],
        "premises": {},
    }


def apply_step(declaration: dict, *, step: str, data: dict) -> dict:
    """A copy of the declaration with the part of one step replaced by `data`."""
    result = copy.deepcopy(declaration) or {}
    result.setdefault("schema", "declaration/1")
    site = result.setdefault("site", {})
    if step == "porteur":
        site["porteur"] = data
    elif step == "lieu":
        porteur = site.get("porteur", {})
        result["site"] = {**data, "porteur": porteur}
    elif step == "horaires":
        result["opening_hours"] = data
    elif step == "agents":
        result["agents"] = data
    elif step == "operateurs":
        result["operators"] = data
    elif step == "locaux":
        result["premises"] = data
    elif step == "pieces":
        pass
    else:
        raise ValueError(f"Unknown step {step}")
    return result


def for_check(declaration: dict, *, on: datetime.date) -> dict:
    """The declaration as sent to the engine: dated of the day it is checked."""
    result = copy.deepcopy(declaration)
    result["reference_date"] = on.isoformat()
    return result


def get_path(declaration: dict, path: str):
    node = declaration
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def set_path(declaration: dict, path: str, value) -> dict:
    result = copy.deepcopy(declaration)
    node = result
    parts = path.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
    return result


def format_intervals(intervals: list) -> str:
    return opening_hours.format_day(intervals)


def parse_intervals(text: str) -> list[list[str]]:
    """Hours as people write them (`labelling.opening_hours.parse_day`); raises ValueError
    with a French message."""
    return opening_hours.parse_day(text)


PRESENCE_LABELS = {"on_site": "sur place", "remote": "à distance", "none": "absent"}
TRAINING_LABELS = {
    "primo_accueil": "primo-accueil",
    "france_services_initiale": "formation initiale France Services",
    "operateur": "formation d'un opérateur",
}


def describe(declaration: dict, *, operator_names: dict[str, str]) -> dict:
    """The declaration in French words, for the pages."""
    site = declaration.get("site") or {}
    hours = declaration.get("opening_hours") or {}
    premises = declaration.get("premises") or {}

    def yes_no(value) -> str:
        return {True: "oui", False: "non"}.get(value, "non renseigné")

    def date_fr(iso: str) -> str:
        try:
            return datetime.date.fromisoformat(iso).strftime("%d/%m/%Y")
        except (TypeError, ValueError):
            return str(iso)

    return {
        "site": site,
        "porteur": site.get("porteur") or {},
        "hours": [
            (label, format_intervals(hours.get(code)).replace("-", "–"))
            for code, label in DAYS
            if hours.get(code)
        ],
        "agents": [
            {
                "name": agent.get("name", ""),
                "fte": str(agent.get("fte", "")).replace(".", ","),
                "trainings": [
                    f"{TRAINING_LABELS.get(t.get('kind'), t.get('kind'))} le "
                    f"{date_fr(t.get('completed_on'))}"
                    for t in agent.get("trainings") or []
                ],
            }
            for agent in declaration.get("agents") or []
        ],
        "operators": [
            (
                item.get("label") or operator_names.get(item.get("code"), item.get("code")),
                PRESENCE_LABELS.get(item.get("presence"), item.get("presence")),
            )
            for item in declaration.get("operators") or []
        ],
        "premises": [
            ("Bureau de confidentialité", yes_no(premises.get("confidential_office"))),
            ("Espace numérique", yes_no(premises.get("digital_space"))),
            ("Accessible aux personnes à mobilité réduite", yes_no(premises.get("accessible_pmr"))),
        ],
    }


# --- what people read instead of a declaration's paths ----------------------------------------

_DAY_NAMES = {code: label.lower() for code, label in DAYS}
_FIELD_TITLES = {
    "site": ("lieu", "le lieu"),
    "site.name": ("lieu", "le nom du lieu"),
    "site.address": ("lieu", "l'adresse du lieu"),
    "site.commune_insee": ("lieu", "la commune du lieu"),
    "site.itinerant": ("lieu", "le caractère itinérant du lieu"),
    "site.id_fs": ("lieu", "l'identifiant national du lieu"),
    "site.porteur": ("porteur", "le porteur"),
    "site.porteur.name": ("porteur", "le nom du porteur"),
    "site.porteur.kind": ("porteur", "la nature du porteur"),
    "site.porteur.siret": ("porteur", "le SIRET du porteur"),
    "opening_hours": ("horaires", "les horaires d'ouverture"),
    "agents": ("agents", "les agents d'accueil"),
    "operators": ("operateurs", "les opérateurs partenaires"),
    "premises": ("locaux", "les locaux"),
    "premises.confidential_office": ("locaux", "le bureau de confidentialité"),
    "premises.digital_space": ("locaux", "l'espace numérique"),
    "premises.accessible_pmr": ("locaux", "l'accessibilité aux personnes à mobilité réduite"),
    "reference_date": ("pieces", "la date de la déclaration"),
    "schema": ("porteur", "la version du formulaire"),
}
_AGENT_PARTS = {
    "name": "nom",
    "fte": "temps de travail",
    "trainings": "formations",
    "kind": "type de formation",
    "completed_on": "date de formation",
    "operator": "opérateur de la formation",
}
_OPERATOR_PARTS = {"code": "nom", "presence": "présence", "label": "nom"}


def describe_path(path: str) -> tuple[str, str]:
    """A declaration's path (``agents[1].fte``, ``opening_hours.mo[0]``) → (the step where it
    is filled, what people call it: « agent n° 2 : temps de travail »)."""
    path = (path or "").removeprefix("$.").removeprefix("$")
    if path in _FIELD_TITLES:
        return _FIELD_TITLES[path]
    import re

    if match := re.match(r"opening_hours\.(\w\w)", path):
        return "horaires", f"les horaires du {_DAY_NAMES.get(match[1], match[1])}"
    if match := re.match(r"agents\[(\d+)\](?:\.(\w+))?(?:\[\d+\]\.(\w+))?", path):
        part = _AGENT_PARTS.get(match[3] or match[2] or "", "")
        return "agents", f"l'agent n° {int(match[1]) + 1}" + (f" : {part}" if part else "")
    if match := re.match(r"operators\[(\d+)\](?:\.(\w+))?", path):
        part = _OPERATOR_PARTS.get(match[2] or "", "")
        return "operateurs", f"l'opérateur n° {int(match[1]) + 1}" + (f" : {part}" if part else "")
    head = path.split(".")[0].split("[")[0]
    for key in (path.rsplit(".", 1)[0], head):
        if key in _FIELD_TITLES:
            return _FIELD_TITLES[key]
    return "porteur", "la déclaration"


def field_title(path: str) -> str:
    return describe_path(path)[1]


def todo(errors, *, completed=()) -> list[tuple[Step, list[str]]]:
    """What is still to fill in or to correct, step by step (in the steps' order): the
    engine's field errors in words (without the paths), and the steps not saved yet."""
    order = list(_FIELD_TITLES)
    paths = sorted(
        (getattr(error, "path", "") or "" for error in errors),
        key=lambda path: (order.index(path) if path in order else len(order), path),
    )
    by_step: dict[str, list[str]] = {}
    for path in paths:
        slug, title = describe_path(path)
        titles = by_step.setdefault(slug, [])
        if title not in titles:
            titles.append(title)
    for step in STEPS:
        if step.slug not in completed and step.slug not in by_step:
            by_step[step.slug] = ["étape à remplir"]
    return [(step, by_step[step.slug]) for step in STEPS if step.slug in by_step]
