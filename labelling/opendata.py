"""Open data: the places in force, in the format of the national list (CSV) and in the national
standards of places of help (JSON).

Sources: the national list of France Services places (ANCT, Licence Ouverte; its format in
``shared/data/README.md`` and ``labelling.national_list``); the data·inclusion schema v1 of a
*structure* (vendored in ``data/opendata/``, Licence Ouverte 2.0); the standard of places of
digital mediation (« schéma des lieux de médiation numérique », ANCT and La MedNum, Licence
Ouverte).

- ``export_opendata(fmt=…, output=…)``: writes every place in force (``directory.places_in_force``)
  to a text file object, in a fixed number of queries per chunk of places; returns the count.
  Places created in Estampille get their own identifier first (``assign_identifiers``).
- ``publish_opendata()``: both files written to the storage, recorded as ``OpenDataFile`` (the
  daily beat task); the open-data page serves the latest of each format.

CSV, « exactly the national list »: the 24 columns ``id_fs`` … ``labellisation_fs`` in that order;
UTF-8 without byte order mark, ``,`` as separator, ``\\n`` between records; every non-empty text
cell between double quotes (a quote doubled), coordinates as bare numbers, an empty cell bare;
hours per day ``09:00 - 12:00 / 13:30 - 17:00`` (intervals merged and sorted, an empty cell for a
closed day, ``24:00`` for midnight); ``prise_rdv`` ``Oui``/``Non``; ``labellisation_fs``
« Espace labellisé JJ/MM/AAAA » (the date of effect of the label, else of the decision). The
national list has no Sunday column: Sunday opening only appears in the JSON.

Formulas: the shared export helper (``labelling.exports``) prefixes an apostrophe to any cell
starting with ``=``, ``+``, ``-``, ``@``. This file must stay the national list byte for byte for
real data, whose cells legitimately start with ``-`` (negative longitudes, written as numbers)
or ``+`` (international phone numbers), and that reusers load into databases, not spreadsheets.
So: numbers are never touched; a text cell starting with ``+`` or ``-`` is left alone when it is
a phone number or a number (digits, spaces, dots, parentheses); any other text cell starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets the apostrophe, so that a place named
``=HYPERLINK(…)`` never becomes a live formula in a spreadsheet. No such cell exists in the real
list; the cost is that such a name comes back with its apostrophe after an import.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from labelling.conformity.declaration import today_in_paris
from labelling.conformity.hours import Interval
from labelling.directory import places_in_force, weekly_hours
from labelling.models import (
    OpenDataFile,
    OpenDataFormat,
    OpeningInterval,
    Place,
    PlaceIdentifier,
)
from labelling.national_list import COLUMNS, FORMAT_TO_LIST, KIND_TO_LIST, LABEL_PREFIX

FORMATS = ("csv", "json")
LICENCE = "Licence Ouverte / Open Licence version 2.0 (Etalab)"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence"
ATTRIBUTION = (
    "Agence nationale de la cohésion des territoires (ANCT) et préfectures, liste des lieux "
    "France Services labellisés, produite par Estampille"
)
SCHEMA_PATH = Path(__file__).parent / "data" / "opendata" / "data-inclusion-structure.schema.json"
#: How many files of each format the storage keeps (the page serves the latest).
KEEP_FILES = 7
CHUNK = 2000
#: The « pivot » of the standard of places of digital mediation when the porteur's SIRET is not
#: known (a place of the national list waiting for its porteur): fourteen zeros, as the national
#: cartography does.
UNKNOWN_PIVOT = "00000000000000"
PROGRAMME = "France Services"
SERVICE = "Aide aux démarches administratives"
TYPOLOGY = "RFS"  # data·inclusion typology « Réseau France Services »
NETWORK = "france-service"  # data·inclusion reseaux_porteurs

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_LIKE = re.compile(r"^[+-]?[\d\s.()]+$")
_CONTROL = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]")
_OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
#: Overseas prefixes of French numbers (ARCEP numbering plan) → country code of E.164.
_OVERSEAS = {
    "0590": "+590",
    "0690": "+590",
    "0594": "+594",
    "0694": "+594",
    "0596": "+596",
    "0696": "+596",
    "0262": "+262",
    "0263": "+262",
    "0269": "+262",
    "0639": "+262",
    "0692": "+262",
    "0693": "+262",
}


# --- identifiers ----------------------------------------------------------------------------


def assign_identifiers(*, places: Iterable[Place] | None = None) -> int:
    """Give an identifier of its own (``EST-000001``…) to each place in force (or of
    ``places``) that has no ``id_fs`` and none yet. An identifier is never changed nor reused.
    Returns how many were created."""
    queryset = (
        places_in_force() if places is None else Place.objects.filter(pk__in=[p.pk for p in places])
    )
    missing = list(
        queryset.filter(id_fs__isnull=True, public_identifier__isnull=True)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )
    PlaceIdentifier.objects.bulk_create(
        [PlaceIdentifier(place_id=pk) for pk in missing], batch_size=CHUNK, ignore_conflicts=True
    )
    return len(missing)


def identifier_of(place: Place) -> str | None:
    """The place's open-data identifier: its ``id_fs``, else its own (``EST-…``), else None."""
    if place.id_fs:
        return place.id_fs
    try:
        return place.public_identifier.identifier
    except PlaceIdentifier.DoesNotExist:
        return None


def _identifier_key(identifier: str) -> tuple[int, int, str]:
    """National identifiers first, by number, then Estampille's."""
    return (0, int(identifier), "") if identifier.isdigit() else (1, 0, identifier)


# --- reading the places ---------------------------------------------------------------------


def exported_places(*, on: datetime.date | None = None) -> Iterator[Place]:
    """The places in force with what the export reads, a chunk at a time (a fixed number of
    queries per chunk), in the order of their identifiers."""
    queryset = (
        places_in_force(on=on)
        .select_related("commune", "commune_alias", "porteur", "public_identifier")
        .prefetch_related(
            Prefetch("opening_intervals", queryset=OpeningInterval.objects.order_by("pk"))
        )
        .order_by("pk")
    )
    places = list(queryset.iterator(chunk_size=CHUNK))
    places.sort(key=lambda p: _identifier_key(identifier_of(p) or ""))
    yield from places


# --- the national list's row ----------------------------------------------------------------


def format_minute(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def day_cell(intervals: Iterable[Interval]) -> str:
    """((540, 720), (810, 1020)) → « 09:00 - 12:00 / 13:30 - 17:00 »; nothing → ""."""
    return " / ".join(f"{format_minute(s)} - {format_minute(e)}" for s, e in intervals)


def _coordinate(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.normalize()


def _commune_name(place: Place) -> str:
    alias = place.commune_alias
    return alias.name if alias is not None and alias.name else place.commune.name


def _postal_code(place: Place) -> str:
    if place.postal_code or place.id_fs:
        return place.postal_code  # as the list gave it, even empty
    codes = place.commune.postal_code_list
    return codes[0] if codes else ""


def _label_date(place: Place) -> datetime.date | None:
    return place.label_effective_on or place.labelled_on


def national_row(place: Place, hours: tuple[tuple[Interval, ...], ...]) -> dict[str, Any]:
    """The place as a row of the national list: column → text, or a Decimal for coordinates,
    or None for an empty cell."""
    label_date = _label_date(place)
    row: dict[str, Any] = {
        "id_fs": identifier_of(place),
        "insee_dep": place.departement_id,
        "lib_fs": place.name,
        "adresse": place.address,
        "complement_adresse": place.address_complement,
        "insee_com": place.declared_insee_code,
        "code_postal": _postal_code(place),
        "lib_com": _commune_name(place),
        "latitude": _coordinate(place.latitude),
        "longitude": _coordinate(place.longitude),
        "mail": place.email,
        "telephone": place.phone,
        "prise_rdv": {True: "Oui", False: "Non", None: ""}[place.appointments],
        "commentaire": place.comment,
        "type_fs": KIND_TO_LIST.get(place.kind, ""),
        "format_fs": FORMAT_TO_LIST.get(place.format, ""),
        "groupe_fs": place.group,
        "labellisation_fs": (
            f"{LABEL_PREFIX} {label_date:%d/%m/%Y}" if label_date is not None else ""
        ),
    }
    for index, column in enumerate(COLUMNS[12:18]):
        row[column] = day_cell(hours[index])
    return {column: row[column] for column in COLUMNS}


def neutralise(text: str) -> str:
    """A text cell that a spreadsheet cannot evaluate (see the module's docstring)."""
    text = _CONTROL.sub("", text)
    if text.startswith(_FORMULA_START) and not (
        text[0] in "+-" and _NUMBER_LIKE.match(text) is not None
    ):
        return "'" + text
    return text


def csv_cell(value: Any) -> str:
    """One cell as the national list writes it: text quoted, numbers bare, empty bare."""
    if value is None or value == "":
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return '"' + neutralise(str(value)).replace('"', '""') + '"'


def write_csv(places: Iterable[Place], output: TextIO) -> int:
    output.write(",".join(f'"{column}"' for column in COLUMNS) + "\n")
    count = 0
    for place in places:
        row = national_row(place, weekly_hours(place))
        output.write(",".join(csv_cell(row[column]) for column in COLUMNS) + "\n")
        count += 1
    return count


# --- the national standards (JSON) ----------------------------------------------------------


def osm_opening_hours(hours: tuple[tuple[Interval, ...], ...]) -> str:
    """OpenStreetMap ``opening_hours``: consecutive days with the same hours grouped,
    « Mo-Fr 09:00-12:00,13:30-17:00; Sa 09:00-12:00 »; "" when the place never opens."""
    rules = []
    day = 0
    while day < 7:
        intervals = hours[day]
        end = day
        while end + 1 < 7 and hours[end + 1] == intervals:
            end += 1
        if intervals:
            days = _OSM_DAYS[day] if end == day else f"{_OSM_DAYS[day]}-{_OSM_DAYS[end]}"
            times = ",".join(f"{format_minute(s)}-{format_minute(e)}" for s, e in intervals)
            rules.append(f"{days} {times}")
        day = end + 1
    return "; ".join(rules)


def e164(phone: str) -> str | None:
    """« 04 73 00 00 00 » → « +33473000000 » (overseas numbers to their own country code);
    None when the text is not one French number."""
    digits = re.sub(r"[\s.\-()]", "", phone)
    if re.fullmatch(r"\+\d{8,15}", digits):
        return digits
    if re.fullmatch(r"0\d{9}", digits):
        return _OVERSEAS.get(digits[:4], "+33") + digits[1:]
    return None


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def structure(place: Place, hours: tuple[tuple[Interval, ...], ...]) -> dict[str, Any]:
    """The place as a data·inclusion structure (schema v1) that also carries the fields of the
    standard of places of digital mediation and, under ``liste_nationale``, its national row."""
    identifier = identifier_of(place)
    row = national_row(place, hours)
    opening = osm_opening_hours(hours)
    phone = e164(place.phone) if place.phone else None
    porteur = place.porteur
    siret = porteur.siret if porteur is not None and porteur.siret else None
    item: dict[str, Any] = {
        # data·inclusion, structure v1
        "source": "estampille",
        "id": identifier,
        "nom": place.name if len(place.name) <= 150 else place.name[:149] + "…",
        "date_maj": timezone.localtime(place.updated_at).date().isoformat(),
        "lien_source": _site_url(reverse("public:place", args=[place.pk])),
        "siret": siret,
        "commune": _commune_name(place),
        "code_postal": row["code_postal"] or None,
        "code_insee": place.declared_insee_code,
        "adresse": place.address.replace("\n", ", ") or None,
        "complement_adresse": place.address_complement or None,
        "latitude": float(place.latitude) if place.latitude is not None else None,
        "longitude": float(place.longitude) if place.longitude is not None else None,
        "telephone": phone or (place.phone or None),
        "courriel": place.email or None,
        "horaires_accueil": opening or None,
        "description": place.comment if 5 <= len(place.comment) <= 10000 else None,
        "reseaux_porteurs": [NETWORK],
        # Schéma des lieux de médiation numérique
        "pivot": siret or UNKNOWN_PIVOT,
        "typologie": TYPOLOGY,
        "courriels": place.email or None,
        "horaires": opening or None,
        "itinerance": "Itinérant" if place.itinerant else "Fixe",
        "structure_parente": porteur.name if porteur is not None else None,
        "services": SERVICE,
        "dispositif_programmes_nationaux": PROGRAMME,
        # The national list of France Services places, as in the CSV
        "liste_nationale": {
            column: ("" if value is None else str(value)) for column, value in row.items()
        },
    }
    return {key: value for key, value in item.items() if value is not None}


def write_json(places: Iterable[Place], output: TextIO) -> int:
    """A JSON array, one structure per place, written as it goes."""
    output.write("[")
    count = 0
    for place in places:
        output.write(",\n" if count else "\n")
        output.write(json.dumps(structure(place, weekly_hours(place)), ensure_ascii=False))
        count += 1
    output.write("\n]\n" if count else "]\n")
    return count


@lru_cache(maxsize=1)
def structure_schema() -> dict:
    """The vendored JSON Schema of a data·inclusion structure (v1)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


# --- exports --------------------------------------------------------------------------------


def export_opendata(*, fmt: str, output: TextIO, on: datetime.date | None = None) -> int:
    """Write the places in force on ``on`` (default today) in ``fmt`` (``csv`` or ``json``);
    returns the number of places. Raises ``ValueError`` (French) for another format."""
    if fmt not in FORMATS:
        raise ValueError(f"format « {fmt} » inconnu ; formats possibles : {', '.join(FORMATS)}")
    assign_identifiers()
    places = exported_places(on=on)
    return write_csv(places, output) if fmt == "csv" else write_json(places, output)


def publish_opendata(*, on: datetime.date | None = None) -> list[OpenDataFile]:
    """Write both exports to the storage and record them; keep the last ``KEEP_FILES`` of each
    format. Idempotent in effect: running it twice a day publishes the same data twice."""
    on = on or today_in_paris()
    published = []
    for fmt in FORMATS:
        buffer = io.StringIO()
        count = export_opendata(fmt=fmt, output=buffer, on=on)
        content = buffer.getvalue().encode("utf-8")
        record = OpenDataFile(
            format=fmt,
            data_date=on,
            generated_at=timezone.now(),
            places=count,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )
        record.file.save(f"france-services-{on:%Y%m%d}.{fmt}", ContentFile(content), save=False)
        with transaction.atomic():
            record.save()
        published.append(record)
        _prune(fmt)
    return published


def _prune(fmt: str) -> None:
    for old in OpenDataFile.objects.filter(format=fmt).order_by("-generated_at")[KEEP_FILES:]:
        old.file.storage.delete(old.file.name)
        old.delete()


def latest_files() -> dict[str, OpenDataFile]:
    """The latest published file of each format (absent when never published)."""
    latest: dict[str, OpenDataFile] = {}
    for fmt in FORMATS:
        record = OpenDataFile.objects.filter(format=fmt).order_by("-generated_at").first()
        if record is not None:
            latest[fmt] = record
    return latest


__all__ = [
    "ATTRIBUTION",
    "FORMATS",
    "LICENCE",
    "LICENCE_URL",
    "OpenDataFormat",
    "assign_identifiers",
    "export_opendata",
    "identifier_of",
    "latest_files",
    "osm_opening_hours",
    "publish_opendata",
    "structure_schema",
]
