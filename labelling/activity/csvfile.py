"""The CSV file of monthly figures: its template and how a file is read, line by line, with
each fault named in French by its line number. Pure: no model, no database."""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from labelling.text import UndecodableText, decode_text

COLUMNS = ("lieu", "mois", "operateur", "personnes_accompagnees", "demandes")
COLUMN_HELP = {
    "lieu": "identifiant national du lieu (id_fs) ou son identifiant Estampille",
    "mois": "le mois, écrit AAAA-MM (par exemple 2026-01) ou MM/AAAA",
    "operateur": "code de l'opérateur (caf, dgfip…) ou son nom",
    "personnes_accompagnees": "nombre de personnes accompagnées (entier)",
    "demandes": "nombre de demandes traitées (entier)",
}
MAX_FIGURE = 1_000_000
MAX_LINES = 50_000


@dataclass(frozen=True)
class Row:
    line: int
    place: str
    month: datetime.date
    operator: str
    people_helped: int
    requests: int


@dataclass
class Parsed:
    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # « ligne N : … »
    fatal: str = ""  # the file cannot be read at all


def template(example_place: str = "fs-0001") -> str:
    """The template offered for download: the header and two example lines, `;`-separated."""
    return (
        ";".join(COLUMNS)
        + "\r\n"
        + f"{example_place};2026-01;caf;42;57\r\n"
        + f"{example_place};2026-01;dgfip;18;20\r\n"
    )


def parse_month(text: str) -> datetime.date | None:
    text = text.strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text) or re.fullmatch(r"(\d{1,2})/(\d{4})", text)
    if not match:
        return None
    first, second = match.groups()
    year, month = (int(first), int(second)) if len(first) == 4 else (int(second), int(first))
    if not 1 <= month <= 12 or year < 2000:
        return None
    return datetime.date(year, month, 1)


def _figure(text: str, column: str) -> tuple[int | None, str]:
    cleaned = text.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if cleaned == "":
        return 0, ""
    if not re.fullmatch(r"\d+", cleaned):
        return None, f"{column} : « {text.strip()} » n'est pas un nombre entier positif"
    value = int(cleaned)
    if value > MAX_FIGURE:
        return None, f"{column} : {value} dépasse {MAX_FIGURE} pour un mois"
    return value, ""


def read(data: bytes | str, *, today: datetime.date) -> Parsed:
    """Read the file: UTF-8 (with or without BOM) or UTF-16, `;` or `,` separated (the
    separator of the header line), a header naming the columns in any order."""
    parsed = Parsed()
    try:
        text = decode_text(data)
    except UndecodableText as exc:
        parsed.fatal = exc.message
        return parsed
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        parsed.fatal = "Le fichier est vide : téléchargez le modèle et remplissez-le."
        return parsed
    header_line = lines[0]
    delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        parsed.fatal = (
            "ligne 1 : colonne"
            + ("s " if len(missing) > 1 else " ")
            + ", ".join(f"« {c} »" for c in missing)
            + " absente"
            + ("s" if len(missing) > 1 else "")
            + " ; les colonnes attendues sont : "
            + ";".join(COLUMNS)
            + " (téléchargez le modèle)."
        )
        return parsed
    index = {name: header.index(name) for name in COLUMNS}
    seen: dict[tuple[str, datetime.date, str], int] = {}
    for number, cells in enumerate(reader, start=2):
        if number > MAX_LINES + 1:
            parsed.errors.append(f"ligne {number} : le fichier dépasse {MAX_LINES} lignes")
            break
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) < len(header):
            parsed.errors.append(
                f"ligne {number} : {len(cells)} colonne(s) au lieu de {len(header)} "
                f"(séparateur attendu : « {delimiter} »)"
            )
            continue
        problems = []
        place = cells[index["lieu"]].strip()
        if not place:
            problems.append("lieu : manquant")
        month_text = cells[index["mois"]]
        month = parse_month(month_text)
        if month is None:
            problems.append(f"mois : « {month_text.strip()} » n'est pas un mois AAAA-MM")
        elif month > today.replace(day=1):
            problems.append(f"mois : {month:%m/%Y} n'est pas encore passé")
        operator = cells[index["operateur"]].strip()
        if not operator:
            problems.append("operateur : manquant")
        people, fault = _figure(cells[index["personnes_accompagnees"]], "personnes_accompagnees")
        if fault:
            problems.append(fault)
        requests, fault = _figure(cells[index["demandes"]], "demandes")
        if fault:
            problems.append(fault)
        if problems:
            parsed.errors.append(f"ligne {number} : " + " ; ".join(problems))
            continue
        key = (place.lower(), month, operator.lower())
        if key in seen:
            parsed.errors.append(
                f"ligne {number} : même lieu, même mois et même opérateur que la ligne {seen[key]}"
            )
            continue
        seen[key] = number
        parsed.rows.append(Row(number, place, month, operator, people, requests))
    return parsed
