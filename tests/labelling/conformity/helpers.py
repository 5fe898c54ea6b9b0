"""Declarations for the tests: the public examples and a conform France Services base."""

import copy
import json
from pathlib import Path

EXAMPLES = Path(__file__).with_name("examples")


def example_text(name: str) -> str:
    return (EXAMPLES / f"{name}.json").read_text(encoding="utf-8")


def example(name: str) -> dict:
    return json.loads(example_text(name))


def conform_fs() -> dict:
    """A France Services declaration that passes every criterion (warning aside)."""
    return copy.deepcopy(example("france-services-conform"))


def msap() -> dict:
    return copy.deepcopy(example("msap-non-conform"))


def _with(change) -> dict:
    raw = conform_fs()
    change(raw)
    return raw


def _set(path: list, value) -> dict:
    def change(raw):
        target = raw
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return _with(change)


def _drop(path: list) -> dict:
    def change(raw):
        target = raw
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return _with(change)


#: (case id, invalid declaration, faulty field path, words the message must contain)
INVALID_CASES = [
    (
        "interval-reversed",
        _set(["opening_hours", "mo", 0], ["18:00", "12:00"]),
        "opening_hours.mo[0]",
        "18:00 ≥ 12:00",
    ),
    (
        "interval-empty",
        _set(["opening_hours", "tu", 1], ["13:30", "13:30"]),
        "opening_hours.tu[1]",
        "13:30 ≥ 13:30",
    ),
    (
        "time-25h",
        _set(["opening_hours", "we", 0], ["08:30", "25:00"]),
        "opening_hours.we[0][1]",
        "heure invalide",
    ),
    (
        "interval-triple",
        _set(["opening_hours", "th", 0], ["08:30", "12:00", "14:00"]),
        "opening_hours.th[0]",
        "paire",
    ),
    (
        "unknown-day",
        _set(["opening_hours", "lu"], [["08:30", "12:00"]]),
        "opening_hours",
        "jour inconnu : lu",
    ),
    (
        "presence-partielle",
        _set(["operators", 3, "presence"], "partielle"),
        "operators[3].presence",
        "valeur « partielle » non autorisée ; valeurs possibles : on_site",
    ),
    (
        "duplicate-operator",
        _with(lambda r: r["operators"].append({"code": "caf", "presence": "remote"})),
        "operators[9].code",
        "déjà déclaré",
    ),
    (
        "autre-without-label",
        _with(lambda r: r["operators"].append({"code": "autre", "presence": "remote"})),
        "operators[9].label",
        "champ obligatoire manquant : label",
    ),
    ("missing-name", _drop(["site", "name"]), "site.name", "champ obligatoire manquant : name"),
    ("missing-agents", _drop(["agents"]), "agents", "champ obligatoire manquant : agents"),
    (
        "bad-siret",
        _set(["site", "porteur", "siret"], "1234"),
        "site.porteur.siret",
        "SIRET invalide",
    ),
    (
        "bad-insee",
        _set(["site", "commune_insee"], "9032"),
        "site.commune_insee",
        "code INSEE invalide",
    ),
    (
        "impossible-date",
        _set(["reference_date"], "2023-02-30"),
        "reference_date",
        "date invalide : 2023-02-30",
    ),
    (
        "non-iso-date",
        _set(["agents", 0, "trainings", 0, "completed_on"], "08/04/2022"),
        "agents[0].trainings[0].completed_on",
        "date invalide",
    ),
    ("fte-zero", _set(["agents", 0, "fte"], 0), "agents[0].fte", "strictement supérieure à 0"),
    ("fte-above-one", _set(["agents", 1, "fte"], 1.5), "agents[1].fte", "supérieure au maximum 1"),
    ("fte-string", _set(["agents", 0, "fte"], "1"), "agents[0].fte", "type attendu : nombre"),
    (
        "unknown-field",
        _set(["site", "telephone"], "05 61 00 00 00"),
        "site",
        "champ inconnu : telephone",
    ),
    ("bad-schema", _set(["schema"], "declaration/2"), "schema", "valeur attendue : declaration/1"),
    (
        "premises-string",
        _set(["premises", "digital_space"], "oui"),
        "premises.digital_space",
        "type attendu : booléen",
    ),
    (
        "bad-porteur-kind",
        _set(["site", "porteur", "kind"], "mairie"),
        "site.porteur.kind",
        "valeur « mairie » non autorisée",
    ),
    ("empty-name", _set(["agents", 2, "name"], ""), "agents[2].name", "valeur vide"),
    ("not-an-object", ["declaration/1"], "$", "type attendu : objet"),
]
