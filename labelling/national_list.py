"""The national list of France Services places (ANCT, Licence Ouverte) → places.

- ``read_national_list(data)``: the bytes of the CSV file as the ANCT publishes it (columns
  ``id_fs`` … ``labellisation_fs``, quoted cells, cells over several lines, UTF-8 with or without
  BOM) → a ``NationalList``: one ``ListedPlace`` per valid row, one ``RowError`` per fault of the
  others (each named by the physical line where its record starts and by its column). Raises
  ``UnreadableList`` when the file is not this format at all (not UTF-8, not CSV, columns
  missing): nothing may be imported from it. Reads no database.
- ``import_national_list(listed=…)``: creates or updates one place per ``id_fs``, in batches,
  idempotently; ``dry_run`` computes the same summary and writes nothing.

What a row becomes (source: the file's README, ``shared/data/README.md``, and DOMAIN.md):
a place labelled (date of effect from « Espace labellisé JJ/MM/AAAA »), its type, format, group,
coordinates, address, contacts, appointment flag and comment, and its weekly opening: for each
day the union of the listed intervals (« 00:00 - 00:00 » is nothing; intervals repeated or
overlapping count once), merged with the conformity engine's arithmetic. The commune is
resolved by ``labelling.territories`` (an arrondissement is its commune, a commune déléguée its
chef-lieu). The file names no porteur: a new place waits for its porteur (« porteur à
rattacher »); agents, trainings and operators stay unknown. The list does not override a label
that Estampille itself decided (a place with a decision date keeps its status and dates), nor
the porteur of a place.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from labelling import text as free_text
from labelling.bulk import insert_rows
from labelling.conformity.hours import MINUTES_PER_DAY, Interval, merge_intervals
from labelling.models import LabelStatus, OpeningInterval, Place, PlaceFormat, PlaceKind
from labelling.territories import code_error, resolve_commune_codes

COLUMNS: tuple[str, ...] = (
    "id_fs",
    "insee_dep",
    "lib_fs",
    "adresse",
    "complement_adresse",
    "insee_com",
    "code_postal",
    "lib_com",
    "latitude",
    "longitude",
    "mail",
    "telephone",
    "h_lundi",
    "h_mardi",
    "h_mercredi",
    "h_jeudi",
    "h_vendredi",
    "h_samedi",
    "prise_rdv",
    "commentaire",
    "type_fs",
    "format_fs",
    "groupe_fs",
    "labellisation_fs",
)
#: Monday first, as ``OpeningInterval.weekday`` (the list has no Sunday).
DAY_COLUMNS: tuple[str, ...] = COLUMNS[12:18]

#: Values of the list (compared in lower case) → stored choices, and back for an export.
KIND_FROM_LIST = {"principal": PlaceKind.PRINCIPAL, "antenne": PlaceKind.ANTENNE}
FORMAT_FROM_LIST = {
    "fixe": PlaceFormat.FIXE,
    "multisites": PlaceFormat.MULTISITES,
    "bus_équivalent": PlaceFormat.BUS,
    "itinérante": PlaceFormat.ITINERANTE,
    "fixe_antenne(s)": PlaceFormat.FIXE_ANTENNES,
}
KIND_TO_LIST = {PlaceKind.PRINCIPAL: "Principal", PlaceKind.ANTENNE: "Antenne"}
FORMAT_TO_LIST = {
    PlaceFormat.FIXE: "Fixe",
    PlaceFormat.MULTISITES: "Multisites",
    PlaceFormat.BUS: "Bus_équivalent",
    PlaceFormat.ITINERANTE: "Itinérante",
    PlaceFormat.FIXE_ANTENNES: "Fixe_antenne(s)",
}
ITINERANT_FORMATS = {PlaceFormat.BUS, PlaceFormat.ITINERANTE}
LABEL_PREFIX = "Espace labellisé"

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
BATCH_SIZE = 500
_COORDINATE = Decimal("0.000001")
_LABEL = re.compile(r"^espace labellis[ée]\s+(\d{1,2})/(\d{1,2})/(\d{4})$", re.IGNORECASE)
_INTERVAL = re.compile(r"^(\d{1,2})\s*[:hH]\s*(\d{2})\s*-\s*(\d{1,2})\s*[:hH]\s*(\d{2})$")
_LIMITS = {
    "id_fs": 40,
    "lib_fs": 200,
    "adresse": 300,
    "complement_adresse": 300,
    "mail": 254,
    "telephone": 100,
    "groupe_fs": 200,
}


class UnreadableList(ValueError):
    """The file cannot be read as the national list: ``message`` says why, in French."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class RowError:
    """A refused row: the physical line where its record starts, the column, a French message."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"ligne {self.line} : {self.column} : {self.message}"


@dataclass(frozen=True, slots=True)
class ListedPlace:
    """One valid row of the list, as it will be stored."""

    line: int
    id_fs: str
    name: str
    address: str
    address_complement: str
    insee_code: str
    postal_code: str
    latitude: Decimal | None
    longitude: Decimal | None
    email: str
    phone: str
    #: Seven days, Monday first: the merged intervals in minutes (Sunday is always empty).
    hours: tuple[tuple[Interval, ...], ...]
    appointments: bool | None
    comment: str
    kind: str
    format: str
    group: str
    label_effective_on: datetime.date


@dataclass
class NationalList:
    places: list[ListedPlace]
    errors: list[RowError]
    rows: int


@dataclass
class ImportSummary:
    """Counts of the import; ``errors`` lists every refused row (line order)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def refused(self) -> int:
        return len({e.line for e in self.errors})

    def __str__(self) -> str:
        return (
            f"{self.created} créés, {self.updated} mis à jour, {self.unchanged} inchangés, "
            f"{self.refused} refusés"
        )


# --- Reading ------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    nul = -1 if data.startswith((b"\xff\xfe", b"\xfe\xff")) else data.find(b"\x00")
    if nul >= 0:
        line = data[:nul].count(b"\n") + 1
        raise UnreadableList(
            f"ligne {line} : caractère nul : ce n'est pas un fichier "
            "texte CSV ; attendu : la liste nationale des France Services au format CSV."
        )
    try:
        return free_text.decode_text(data)
    except free_text.UndecodableText as exc:
        raise UnreadableList(
            f"ligne {exc.line} : le fichier n'est pas encodé en UTF-8 (octet 0x{exc.byte:02X} "
            "illisible). Enregistrez-le au format « CSV UTF-8 » (dans un tableur : « Enregistrer "
            "sous », type « CSV UTF-8 ») puis recommencez."
        ) from None


def _records(text: str) -> Iterable[tuple[int, list[str]]]:
    """(physical line where the record starts, cells) for each non-empty record."""
    sample = text.split("\n", 1)[0]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise UnreadableList(
                f"ligne {start} : le fichier n'est pas un CSV lisible ({_csv_problem(exc)}) ; "
                "attendu : la liste nationale des France Services au format CSV."
            ) from None
        if any(cell.strip() for cell in cells):
            yield start, cells
        start = reader.line_num + 1


def _csv_problem(exc: csv.Error) -> str:
    text = str(exc)
    if "unexpected end of data" in text:
        return "guillemet ouvert jamais refermé"
    if "expected" in text and "delimiter" in text:
        return "guillemet mal placé dans une cellule"
    if "field larger than field limit" in text:
        return "cellule démesurée : guillemet jamais refermé ?"
    return text


def read_national_list(data: bytes) -> NationalList:
    """Read the list. Raises ``UnreadableList`` (nothing may be imported): not UTF-8, not CSV,
    empty, or a column missing."""
    text = _decode(data)
    records = iter(_records(text))
    try:
        _line, header = next(records)
    except StopIteration:
        raise UnreadableList(
            "le fichier est vide ; attendu : la liste nationale des France Services (CSV)."
        ) from None
    names = [cell.strip().lower() for cell in header]
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        raise UnreadableList(
            f"ligne 1 : colonne(s) manquante(s) : {', '.join(missing)} ; attendu : la liste "
            f"nationale des France Services publiée par l'ANCT, dont la première ligne nomme les "
            f"colonnes {', '.join(COLUMNS)}."
        )
    index = {column: names.index(column) for column in COLUMNS}
    places: list[ListedPlace] = []
    errors: list[RowError] = []
    first_line: dict[str, int] = {}
    rows = 0
    for line, cells in records:
        rows += 1
        if len(cells) != len(names):
            errors.append(_width_error(line, cells, names))
            continue
        row = {column: cells[index[column]] for column in COLUMNS}
        listed, row_errors = _parse_row(line, row)
        if listed is not None and listed.id_fs in first_line:
            row_errors.append(
                RowError(
                    line,
                    "id_fs",
                    f"« {listed.id_fs} » figure déjà ligne {first_line[listed.id_fs]} : une seule "
                    "ligne par lieu",
                )
            )
        if row_errors:
            errors.extend(row_errors)
        else:
            assert listed is not None
            first_line[listed.id_fs] = line
            places.append(listed)
    return NationalList(places=places, errors=errors, rows=rows)


def _width_error(line: int, cells: list[str], names: list[str]) -> RowError:
    if len(cells) < len(names):
        return RowError(
            line,
            names[len(cells)],
            f"cellule absente : la ligne compte {len(cells)} cellules au lieu de {len(names)}",
        )
    return RowError(
        line,
        "cellules en trop",
        f"la ligne compte {len(cells)} cellules au lieu de {len(names)} (une virgule ou un "
        "guillemet de trop ?)",
    )


def clean_line(value: str) -> str:
    """A one-line text (`labelling.text.clean_line`), every run of spaces one space."""
    return " ".join(free_text.clean_line(value).split())


def clean_lines(value: str) -> str:
    """A text that may span lines: line breaks kept (as \\n), other control characters
    dropped, spaces at the ends of lines trimmed."""
    value = free_text.clean_multiline(value)
    lines = [" ".join(part.split()) for part in value.split("\n")]
    return "\n".join(lines).strip("\n")


def _parse_row(line: int, row: dict[str, str]) -> tuple[ListedPlace | None, list[RowError]]:
    errors: list[RowError] = []

    def fail(column: str, message: str) -> None:
        errors.append(RowError(line, column, message))

    values = {
        column: (clean_lines(raw) if column in ("adresse", "commentaire") else clean_line(raw))
        for column, raw in row.items()
    }
    for column, limit in _LIMITS.items():
        if len(values[column]) > limit:
            fail(column, f"trop long : {len(values[column])} caractères, au plus {limit}")
    if not values["id_fs"]:
        fail("id_fs", "valeur vide : chaque lieu a un identifiant national")
    if not values["lib_fs"]:
        fail("lib_fs", "valeur vide : le nom du lieu est obligatoire")
    insee_code = values["insee_com"].upper()
    if not re.fullmatch(r"\d[0-9AB]\d{3}", insee_code):
        fail("insee_com", _code_hint(values["insee_com"], code_error(values["insee_com"])))
    postal_code = values["code_postal"]
    if postal_code and not re.fullmatch(r"\d{5}", postal_code):
        fail(
            "code_postal",
            _code_hint(postal_code, f"« {postal_code} » n'est pas un code postal à 5 chiffres"),
        )
    latitude = _coordinate(values["latitude"], 90, "latitude", fail)
    longitude = _coordinate(values["longitude"], 180, "longitude", fail)
    hours = []
    for column in DAY_COLUMNS:
        try:
            hours.append(parse_day(values[column]))
        except ValueError as exc:
            fail(column, str(exc))
            hours.append(())
    hours += [()]  # Sunday
    answer = values["prise_rdv"].lower()
    appointments = {"oui": True, "non": False}.get(answer)
    if answer and appointments is None:
        fail(
            "prise_rdv", f"valeur « {values['prise_rdv']} » inconnue ; valeurs possibles : Oui, Non"
        )
    kind = _choice(values["type_fs"], KIND_FROM_LIST, "type_fs", fail)
    place_format = _choice(values["format_fs"], FORMAT_FROM_LIST, "format_fs", fail)
    effective_on = parse_label(values["labellisation_fs"], fail)
    if errors:
        return None, errors
    return (
        ListedPlace(
            line=line,
            id_fs=values["id_fs"],
            name=values["lib_fs"],
            address=values["adresse"],
            address_complement=values["complement_adresse"],
            insee_code=insee_code,
            postal_code=postal_code,
            latitude=latitude,
            longitude=longitude,
            email=values["mail"],
            phone=values["telephone"],
            hours=tuple(hours),
            appointments=appointments,
            comment=values["commentaire"],
            kind=kind,
            format=place_format,
            group=values["groupe_fs"],
            label_effective_on=effective_on,  # type: ignore[arg-type]
        ),
        [],
    )


def _code_hint(value: str, message: str) -> str:
    if re.fullmatch(r"\d{4}", value):
        return (
            f"{message} (un tableur a peut-être effacé le zéro initial : 0{value} ? Enregistrez "
            "la colonne au format texte)"
        )
    return message


def _coordinate(
    value: str, bound: int, column: str, fail: Callable[[str, str], None]
) -> Decimal | None:
    if not value:
        return None
    try:
        number = Decimal(value.replace(",", "."))
    except InvalidOperation:
        fail(column, f"« {value} » n'est pas un nombre (degrés décimaux, par exemple 45.77)")
        return None
    if not number.is_finite() or not -bound <= number <= bound:
        fail(column, f"{value} hors des bornes : de -{bound} à {bound} degrés")
        return None
    return number.quantize(_COORDINATE, rounding=ROUND_HALF_EVEN)


def _choice(value: str, choices: dict[str, str], column: str, fail) -> str:
    if not value:
        return ""
    choice = choices.get(value.lower())
    if choice is None:
        listed = FORMAT_TO_LIST if column == "format_fs" else KIND_TO_LIST
        fail(
            column,
            f"valeur « {value} » inconnue ; valeurs possibles : {', '.join(listed.values())}",
        )
        return ""
    return choice


def parse_day(value: str) -> tuple[Interval, ...]:
    """« 09:00 - 12:00 / 13:30 - 17:00 » → ((540, 720), (810, 1020)): the union of the listed
    intervals, merged as the conformity engine merges them (``merge_intervals``). Empty: closed;
    « 00:00 - 00:00 »: nothing (a placeholder, not a 24-hour opening); an end at 00:00 after a
    later start is midnight. Raises ``ValueError`` (French) for anything else."""
    intervals: list[Interval] = []
    for part in value.split("/"):
        part = part.strip()
        if not part:
            continue
        match = _INTERVAL.match(part)
        if not match:
            raise ValueError(
                f"plage « {part} » illisible ; attendu : HH:MM - HH:MM, plusieurs plages "
                "séparées par « / » (par exemple 09:00 - 12:00 / 13:30 - 17:00)"
            )
        sh, sm, eh, em = (int(g) for g in match.groups())
        if sh > 24 or eh > 24 or sm > 59 or em > 59:
            raise ValueError(f"plage « {part} » : heure impossible")
        start, end = sh * 60 + sm, eh * 60 + em
        if start == end:
            continue  # « 00:00 - 00:00 » and its like: nothing
        if end == 0:
            end = MINUTES_PER_DAY
        if start > MINUTES_PER_DAY or end > MINUTES_PER_DAY or start > end:
            raise ValueError(f"plage « {part} » : le début doit précéder la fin")
        intervals.append((start, end))
    return merge_intervals(intervals)


def parse_label(value: str, fail: Callable[[str, str], None]) -> datetime.date | None:
    """« Espace labellisé 01/01/2020 » → the date of effect of the label."""
    match = _LABEL.match(value)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return datetime.date(year, month, day)
        except ValueError:
            fail("labellisation_fs", f"date impossible : {day:02d}/{month:02d}/{year}")
            return None
    fail(
        "labellisation_fs",
        f"« {value} » illisible ; attendu : « {LABEL_PREFIX} JJ/MM/AAAA », la date d'effet du "
        "label",
    )
    return None


# --- Importing ----------------------------------------------------------------------------


_LIST_FIELDS = [
    "id_fs",
    "name",
    "address",
    "address_complement",
    "postal_code",
    "commune",
    "commune_alias",
    "departement",
    "latitude",
    "longitude",
    "itinerant",
    "kind",
    "format",
    "group",
    "email",
    "phone",
    "appointments",
    "comment",
    "label_status",
    "label_effective_on",
    "updated_at",
]


def _target(place: Place, listed: ListedPlace, resolved) -> dict:
    """The values the list gives the place (its label only when Estampille did not decide it)."""
    values = {
        "id_fs": listed.id_fs,
        "name": listed.name,
        "address": listed.address,
        "address_complement": listed.address_complement,
        "postal_code": listed.postal_code,
        "commune_id": resolved.commune.insee_code,
        "commune_alias_id": resolved.alias.code if resolved.alias is not None else None,
        "departement_id": resolved.commune.departement_id,
        "latitude": listed.latitude,
        "longitude": listed.longitude,
        "itinerant": (listed.format in ITINERANT_FORMATS) if listed.format else None,
        "kind": listed.kind,
        "format": listed.format,
        "group": listed.group,
        "email": listed.email,
        "phone": listed.phone,
        "appointments": listed.appointments,
        "comment": listed.comment,
    }
    if place._state.adding or place.labelled_on is None:
        if place._state.adding or place.label_status == LabelStatus.CANDIDATE:
            values["label_status"] = LabelStatus.LABELLED
        values["label_effective_on"] = listed.label_effective_on
    return values


def _hours_of(place: Place) -> tuple[tuple[Interval, ...], ...]:
    days: list[list[Interval]] = [[] for _ in range(7)]
    for interval in place.opening_intervals.all():
        days[interval.weekday].append((interval.start_minute, interval.end_minute))
    return tuple(tuple(sorted(day)) for day in days)


def import_national_list(
    *,
    listed: NationalList,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
    on_progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Create or update one place per row (by ``id_fs``), in batches of ``batch_size`` rows
    (a bounded number of queries per batch). A row whose commune is unknown is refused. The
    préfecture of each written place's département sees it at once (``labelling.permissions``
    derives who sees a place from its columns). ``dry_run``: the same summary, nothing
    written."""
    summary = ImportSummary(errors=list(listed.errors))
    resolved = resolve_commune_codes(p.insee_code for p in listed.places)
    places: list[ListedPlace] = []
    for place in listed.places:
        if place.insee_code in resolved:
            places.append(place)
        else:
            summary.errors.append(RowError(place.line, "insee_com", code_error(place.insee_code)))
    summary.errors.sort(key=lambda e: e.line)
    with transaction.atomic():
        for start in range(0, len(places), batch_size):
            batch = places[start : start + batch_size]
            with transaction.atomic():
                _import_batch(batch, resolved, summary)
            if on_progress is not None:
                on_progress(min(start + batch_size, len(places)), len(places))
        if dry_run:
            transaction.set_rollback(True)
    return summary


def _import_batch(batch: Sequence[ListedPlace], resolved: dict, summary: ImportSummary) -> None:
    existing = {
        place.id_fs: place
        for place in Place.objects.filter(id_fs__in=[p.id_fs for p in batch]).prefetch_related(
            Prefetch("opening_intervals", queryset=OpeningInterval.objects.order_by("pk"))
        )
    }
    now = timezone.now()
    created: list[Place] = []
    changed: list[Place] = []
    new_hours: list[tuple[Place, tuple[tuple[Interval, ...], ...]]] = []
    for listed in batch:
        place = existing.get(listed.id_fs) or Place()
        values = _target(place, listed, resolved[listed.insee_code])
        if not place._state.adding:
            same = all(getattr(place, name) == value for name, value in values.items())
            same_hours = _hours_of(place) == listed.hours
            if same and same_hours:
                summary.unchanged += 1
                continue
        for name, value in values.items():
            setattr(place, name, value)
        place.updated_at = now
        if place._state.adding:
            created.append(place)
            new_hours.append((place, listed.hours))
        else:
            changed.append(place)
            if _hours_of(place) != listed.hours:
                new_hours.append((place, listed.hours))
    Place.objects.bulk_create(created, batch_size=BATCH_SIZE)
    if changed:
        Place.objects.bulk_update(changed, _LIST_FIELDS, batch_size=BATCH_SIZE)
    created_ids = {place.pk for place in created}
    rewritten = [place.pk for place, _ in new_hours if place.pk not in created_ids]
    if rewritten:
        OpeningInterval.objects.filter(place_id__in=rewritten).delete()
    insert_rows(
        OpeningInterval,
        ["place_id", "weekday", "start_minute", "end_minute", "position"],
        [
            (place.pk, weekday, start, end, n)
            for place, hours in new_hours
            for weekday, day in enumerate(hours)
            for n, (start, end) in enumerate(day)
        ],
    )
    summary.created += len(created)
    summary.updated += len(changed)
