"""Raw JSON → ``Declaration``: the JSON Schema (with formats enforced) plus the checks the
contract adds beyond it, every error named by its JSON path with a French message."""

from __future__ import annotations

import datetime
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from labelling.conformity.declaration import (
    WEEKDAYS,
    Agent,
    Declaration,
    OperatorEntry,
    Porteur,
    Premises,
    Site,
    Training,
)
from labelling.conformity.fastschema import Unsupported, compile_schema
from labelling.conformity.hours import parse_time
from labelling.text import UndecodableText, decode_text

SCHEMA_PATH = Path(__file__).with_name("declaration.schema.json")
ROOT_PATH = "$"
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")

_TYPE_NAMES = {
    "object": "objet",
    "array": "liste",
    "string": "texte",
    "number": "nombre",
    "integer": "nombre entier",
    "boolean": "booléen (true ou false)",
    "null": "null",
}


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem of a declaration: the JSON path of the field and a French message."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class InvalidDeclaration(ValueError):
    """The input is not a valid declaration; ``errors`` names each faulty field."""

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors: list[FieldError] = list(errors)
        super().__init__("; ".join(map(str, self.errors)))


@cache
def declaration_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(
        declaration_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


@cache
def _fast_check() -> Callable[[object], bool] | None:
    """The schema compiled to a yes/no check (``fastschema``), or None if it cannot be."""
    try:
        return compile_schema(
            declaration_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER
        )
    except Unsupported:
        return None


def _surely_valid(raw: object) -> bool:
    """True only when the schema certainly holds; on any doubt the full validator decides."""
    check = _fast_check()
    if check is None:
        return False
    try:
        return check(raw)
    except Exception:  # e.g. a comparison with a NaN Decimal: let jsonschema report it
        return False


# A declaration is 5 levels deep; anything much deeper is not one, and would exhaust Python's
# recursion (the parser's, then the validator's) before saying so.
MAX_DEPTH = 32


def parse_json(text: str | bytes | bytearray) -> object:
    """Parse JSON keeping every number with a fraction as a ``Decimal`` (0.1 stays 0.1).

    Bytes are UTF-8 with or without a byte order mark (`labelling.text.decode_text`); a
    document nested deeper than ``MAX_DEPTH`` is refused before it is parsed."""
    try:
        text = decode_text(text)
    except UndecodableText as exc:
        raise InvalidDeclaration(
            [FieldError(ROOT_PATH, f"JSON illisible : {exc.message}")]
        ) from None
    depth = _nesting(text)
    if depth > MAX_DEPTH:
        raise InvalidDeclaration(
            [
                FieldError(
                    ROOT_PATH,
                    f"JSON trop imbriqué : plus de {MAX_DEPTH} niveaux (une déclaration en compte 5)",
                )
            ]
        )
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise InvalidDeclaration(
            [
                FieldError(
                    ROOT_PATH,
                    f"JSON invalide : {_json_problem(exc.msg)} (ligne {exc.lineno}, "
                    f"colonne {exc.colno})",
                )
            ]
        ) from exc
    except RecursionError:  # pragma: no cover - the depth check comes first
        raise InvalidDeclaration([FieldError(ROOT_PATH, "JSON trop imbriqué")]) from None
    except ValueError as exc:
        raise InvalidDeclaration([FieldError(ROOT_PATH, f"JSON invalide : {exc}")]) from exc


_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _nesting(text: str) -> int:
    """How deep the brackets of a JSON text go (strings skipped); stops counting past the
    limit, so that a huge hostile document costs no more than a scan."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    return deepest
        elif token in "]}":
            depth -= 1
    return deepest


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} n'est pas un nombre JSON")


def _json_problem(message: str) -> str:
    return {
        "Expecting value": "valeur attendue",
        "Extra data": "données en trop après la fin",
        "Expecting ',' delimiter": "virgule attendue",
        "Expecting ':' delimiter": "deux-points attendus",
        "Expecting property name enclosed in double quotes": "nom de champ entre guillemets attendu",
        "Unterminated string starting at": "texte non terminé",
        "Invalid control character at": "caractère de contrôle interdit",
    }.get(message, message)


def validate_declaration(raw: object) -> Declaration:
    """Check a raw declaration (parsed JSON, or JSON text) and build its value objects.

    Raises ``InvalidDeclaration`` listing every faulty field."""
    if isinstance(raw, str | bytes | bytearray):
        raw = parse_json(raw)
    # Most declarations are valid: a compiled yes/no check answers for them in a fraction of
    # the time; the full validator runs only to name the faults, with its paths and messages.
    errors: set[FieldError | None] = set()
    if not _surely_valid(raw):
        errors = {_translate(error) for error in _validator().iter_errors(raw)}
    errors.update(_contract_errors(raw))
    errors.discard(None)
    if errors:
        raise InvalidDeclaration(sorted(errors, key=_error_order))  # type: ignore[arg-type]
    assert isinstance(raw, Mapping)
    return _build(raw)


# --- Errors -------------------------------------------------------------------------------


def format_path(parts: Iterable[str | int]) -> str:
    """("operators", 3, "presence") → "operators[3].presence"; the root is "$"."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out or ROOT_PATH


def _join(path: str, key: str) -> str:
    return key if path == ROOT_PATH else f"{path}.{key}"


def _error_order(error: FieldError) -> tuple:
    pieces = re.split(r"\[(\d+)\]", error.path)
    return (
        tuple((int(p), "") if i % 2 else (-1, p) for i, p in enumerate(pieces)),
        error.message,
    )


def _show(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return repr(value)


def _type_of(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return _TYPE_NAMES["boolean"]
    if isinstance(value, int | float | Decimal):
        return "nombre"
    if isinstance(value, str):
        return "texte"
    if isinstance(value, Mapping):
        return "objet"
    if isinstance(value, list | tuple):
        return "liste"
    return type(value).__name__


def _translate(error: ValidationError) -> FieldError | None:
    path = format_path(error.absolute_path)
    kind = error.validator
    expected = error.validator_value
    value = error.instance
    in_hours = bool(error.absolute_path) and error.absolute_path[0] == "opening_hours"
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        return FieldError(_join(path, missing), f"champ obligatoire manquant : {missing}")
    if kind == "additionalProperties":
        extras = sorted(
            key
            for key in value
            if key not in error.schema.get("properties", {})
            and not any(re.search(p, key) for p in error.schema.get("patternProperties", {}))
        )
        if not extras:
            return None
        if in_hours:
            days = ", ".join(WEEKDAYS)
            return FieldError(
                path, f"jour inconnu : {', '.join(extras)} ; jours possibles : {days}"
            )
        return FieldError(path, f"champ inconnu : {', '.join(extras)}")
    if kind == "type":
        names = [expected] if isinstance(expected, str) else list(expected)
        wanted = " ou ".join(_TYPE_NAMES.get(n, n) for n in names)
        return FieldError(path, f"type attendu : {wanted} ; reçu : {_type_of(value)}")
    if kind == "enum":
        allowed = ", ".join(_show(v) for v in expected)
        return FieldError(
            path, f"valeur « {_show(value)} » non autorisée ; valeurs possibles : {allowed}"
        )
    if kind == "const":
        return FieldError(
            path,
            f"valeur « {_show(value)} » non autorisée ; valeur attendue : {_show(expected)}",
        )
    if kind == "pattern":
        field = error.absolute_path[-1] if error.absolute_path else ""
        if in_hours:
            return FieldError(
                path, f"heure invalide : « {value} » (format HH:MM attendu, de 00:00 à 24:00)"
            )
        if field == "commune_insee":
            return FieldError(
                path,
                f"code INSEE invalide : « {value} » (5 caractères attendus, par exemple 09032 "
                "ou 2A004)",
            )
        if field == "siret":
            return FieldError(path, f"SIRET invalide : « {value} » (14 chiffres attendus)")
        return FieldError(path, f"valeur « {value} » invalide")
    if kind == "format":
        if expected == "date":
            return FieldError(path, f"date invalide : {value} (date réelle AAAA-MM-JJ attendue)")
        return FieldError(path, f"valeur « {_show(value)} » invalide (format {expected})")
    if kind == "minLength":
        if expected == 1:
            return FieldError(path, "valeur vide : ce champ doit être renseigné")
        return FieldError(path, f"trop court : au moins {expected} caractères")
    if kind == "maxLength":
        return FieldError(
            path, f"trop long : {len(value)} caractères, au plus {expected} autorisés"
        )
    if kind in ("minItems", "maxItems"):
        if in_hours and len(error.absolute_path) == 3:
            return FieldError(
                path, f"une plage est une paire [début, fin] ; reçu {len(value)} élément(s)"
            )
        bound = "au moins" if kind == "minItems" else "au plus"
        return FieldError(path, f"{bound} {expected} élément(s) attendu(s)")
    if kind == "minimum":
        return FieldError(path, f"valeur {_show(value)} inférieure au minimum {expected}")
    if kind == "maximum":
        return FieldError(path, f"valeur {_show(value)} supérieure au maximum {expected}")
    if kind == "exclusiveMinimum":
        return FieldError(
            path, f"valeur {_show(value)} : doit être strictement supérieure à {expected}"
        )
    if kind == "exclusiveMaximum":
        return FieldError(
            path, f"valeur {_show(value)} : doit être strictement inférieure à {expected}"
        )
    return FieldError(path, f"valeur invalide (règle {kind} du schéma)")


def _contract_errors(raw: object) -> Iterable[FieldError]:
    """The checks of the contract beyond the JSON Schema, tolerant of malformed input (the
    schema reports that)."""
    if not isinstance(raw, Mapping):
        return
    hours = raw.get("opening_hours")
    if isinstance(hours, Mapping):
        for day, intervals in hours.items():
            if day not in WEEKDAYS or not isinstance(intervals, list):
                continue
            for index, interval in enumerate(intervals):
                if (
                    isinstance(interval, list)
                    and len(interval) == 2
                    and all(isinstance(t, str) and _TIME.match(t) for t in interval)
                    and parse_time(interval[0]) >= parse_time(interval[1])
                ):
                    yield FieldError(
                        f"opening_hours.{day}[{index}]",
                        f"{interval[0]} ≥ {interval[1]} (le début doit précéder la fin)",
                    )
    operators = raw.get("operators")
    if isinstance(operators, list):
        first_seen: dict[str, int] = {}
        for index, entry in enumerate(operators):
            code = entry.get("code") if isinstance(entry, Mapping) else None
            if not isinstance(code, str) or code == "autre":
                continue
            if code in first_seen:
                yield FieldError(
                    f"operators[{index}].code",
                    f"opérateur « {code} » déjà déclaré en operators[{first_seen[code]}] ; "
                    "seul « autre » peut figurer plusieurs fois",
                )
            else:
                first_seen[code] = index
    yield from _non_finite_numbers(raw, ())


def _non_finite_numbers(value: object, path: tuple[str | int, ...]) -> Iterable[FieldError]:
    if isinstance(value, float | Decimal) and not math.isfinite(value):
        yield FieldError(format_path(path), f"nombre invalide : {value}")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _non_finite_numbers(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _non_finite_numbers(item, (*path, index))


# --- Building the value objects -----------------------------------------------------------


def to_decimal(value: object) -> Decimal:
    """A JSON number as the decimal written (0.1 → Decimal("0.1"), never 0.1000000000000000055)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    raise TypeError(f"not a number: {value!r}")


def _optional_decimal(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value)


def _optional_date(value: object) -> datetime.date | None:
    return None if value is None else datetime.date.fromisoformat(str(value))


def _build(raw: Mapping[str, Any]) -> Declaration:
    site = raw["site"]
    porteur = site["porteur"]
    hours = raw["opening_hours"]
    premises = raw["premises"]
    extra: dict[str, Any] = {}
    if "reference_date" in raw:
        extra["reference_date"] = datetime.date.fromisoformat(raw["reference_date"])
    return Declaration(
        site=Site(
            name=site["name"],
            commune_insee=site["commune_insee"],
            porteur=Porteur(kind=porteur["kind"], name=porteur["name"], siret=porteur.get("siret")),
            id_fs=site.get("id_fs"),
            address=site.get("address"),
            latitude=_optional_decimal(site.get("latitude")),
            longitude=_optional_decimal(site.get("longitude")),
            itinerant=site.get("itinerant"),
        ),
        opening_hours=tuple(
            tuple((parse_time(start), parse_time(end)) for start, end in hours.get(day, ()))
            for day in WEEKDAYS
        ),
        agents=tuple(
            Agent(
                name=agent["name"],
                fte=to_decimal(agent["fte"]),
                trainings=tuple(
                    Training(
                        kind=training["kind"],
                        completed_on=datetime.date.fromisoformat(training["completed_on"]),
                        operator=training.get("operator"),
                    )
                    for training in agent.get("trainings", ())
                ),
            )
            for agent in raw["agents"]
        ),
        operators=tuple(
            OperatorEntry(
                code=entry["code"],
                presence=entry["presence"],
                label=entry.get("label"),
                convention_signed_on=_optional_date(entry.get("convention_signed_on")),
            )
            for entry in raw["operators"]
        ),
        premises=Premises(
            confidential_office=premises.get("confidential_office"),
            digital_space=premises.get("digital_space"),
            accessible_pmr=premises.get("accessible_pmr"),
        ),
        **extra,
    )
