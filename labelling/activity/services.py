"""Writing the monthly figures: the month's form of a place, the CSV import, and the closing of
a year once its renewal review is decided (figures can be corrected until then)."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from labelling.activity import csvfile
from labelling.conformity.declaration import today_in_paris
from labelling.models import (
    ActivitySource,
    ActivityYearClosure,
    MonthlyActivity,
    Operator,
    Place,
    User,
)
from labelling.permissions import activity_places, may_enter_activity


class ActivityError(Exception):
    """An entry that cannot be saved; `message` is French, `field_errors` per field."""

    def __init__(self, message: str, *, field_errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


def closed_message(place: Place, year: int) -> str:
    return (
        f"Les chiffres de {year} de « {place.name} » ne peuvent plus être corrigés : la revue "
        f"annuelle qui porte sur cette année est décidée."
    )


def is_closed(place: Place, year: int) -> bool:
    return ActivityYearClosure.objects.filter(place=place, year=year).exists()


def save_month(
    *,
    user: User,
    place: Place,
    month: datetime.date,
    figures: dict[str, tuple[int, int]],
) -> int:
    """Write the month's figures of a place: operator code → (people helped, requests). An
    operator left at (0, 0) with no earlier figures writes nothing. Returns the rows written."""
    if not may_enter_activity(user, place):
        raise ActivityError("Seuls le porteur du lieu et sa préfecture saisissent ses chiffres.")
    month = month.replace(day=1)
    if month > today_in_paris().replace(day=1):
        raise ActivityError(f"Le mois {month:%m/%Y} n'est pas encore passé.")
    if is_closed(place, month.year):
        raise ActivityError(closed_message(place, month.year))
    known = set(Operator.objects.filter(pk__in=list(figures)).values_list("pk", flat=True))
    unknown = sorted(set(figures) - known)
    if unknown:
        raise ActivityError(f"Opérateur inconnu : {', '.join(unknown)}.")
    written = 0
    with transaction.atomic():
        existing = {
            row.operator_id: row
            for row in MonthlyActivity.objects.select_for_update().filter(place=place, month=month)
        }
        for code, (people, requests) in figures.items():
            row = existing.get(code)
            if row is None:
                if people == 0 and requests == 0:
                    continue
                MonthlyActivity.objects.create(
                    place=place,
                    month=month,
                    operator_id=code,
                    people_helped=people,
                    requests=requests,
                    entered_by=user,
                    source=ActivitySource.FORM,
                )
                written += 1
            elif (row.people_helped, row.requests) != (people, requests):
                row.people_helped, row.requests = people, requests
                row.entered_by, row.source = user, ActivitySource.FORM
                row.save(
                    update_fields=[
                        "people_helped",
                        "requests",
                        "entered_by",
                        "source",
                        "updated_at",
                    ]
                )
                written += 1
    return written


@dataclass
class ImportOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    fatal: str = ""

    @property
    def rejected(self) -> int:
        return len(self.errors)

    def summary(self) -> str:
        return (
            f"{self.created} ligne(s) créée(s), {self.updated} mise(s) à jour, "
            f"{self.unchanged} inchangée(s), {self.rejected} refusée(s)"
        )


def _place_key(text: str):
    try:
        return Q(pk=uuid.UUID(text))
    except ValueError:
        return Q(id_fs__iexact=text)


def import_csv(*, user: User, data: bytes | str) -> ImportOutcome:
    """Import a CSV file of monthly figures: each correct line is written (created or updated),
    each faulty line is reported by its number, in French, and written nowhere. A place
    outside what the user may enter, or whose year is closed, is a faulty line."""
    outcome = ImportOutcome()
    parsed = csvfile.read(data, today=today_in_paris())
    if parsed.fatal:
        outcome.fatal = parsed.fatal
        return outcome
    outcome.errors = list(parsed.errors)
    operators = {}
    for code, name in Operator.objects.values_list("pk", "name"):
        operators[code.lower()] = code
        operators.setdefault(name.lower(), code)
    places: dict[str, Place | None] = {}
    writable = activity_places(user)
    closures = set()
    rows_ok = []
    for row in parsed.rows:
        key = row.place.lower()
        if key not in places:
            places[key] = writable.filter(_place_key(row.place)).first()
        place = places[key]
        problems = []
        if place is None:
            problems.append(f"lieu : « {row.place} » inconnu ou hors des lieux que vous gérez")
        code = operators.get(row.operator.lower())
        if code is None:
            problems.append(f"operateur : « {row.operator} » inconnu")
        if place is not None and not problems:
            if (place.pk, row.month.year) not in closures and is_closed(place, row.month.year):
                closures.add((place.pk, row.month.year))
            if (place.pk, row.month.year) in closures:
                problems.append(closed_message(place, row.month.year))
        if problems:
            outcome.errors.append(f"ligne {row.line} : " + " ; ".join(problems))
            continue
        rows_ok.append((row, place, code))
    outcome.errors.sort(key=lambda e: int(e.split(" ")[1]) if e.split(" ")[1].isdigit() else 0)
    with transaction.atomic():
        for row, place, code in rows_ok:
            current = (
                MonthlyActivity.objects.select_for_update()
                .filter(place=place, month=row.month, operator_id=code)
                .first()
            )
            if current is None:
                MonthlyActivity.objects.create(
                    place=place,
                    month=row.month,
                    operator_id=code,
                    people_helped=row.people_helped,
                    requests=row.requests,
                    entered_by=user,
                    source=ActivitySource.IMPORT,
                )
                outcome.created += 1
            elif (current.people_helped, current.requests) == (row.people_helped, row.requests):
                outcome.unchanged += 1
            else:
                current.people_helped, current.requests = row.people_helped, row.requests
                current.entered_by, current.source = user, ActivitySource.IMPORT
                current.save()
                outcome.updated += 1
    return outcome


def close_year(*, place: Place, year: int, reason: str) -> None:
    """The year's figures of the place are final (its renewal review is decided)."""
    ActivityYearClosure.objects.get_or_create(place=place, year=year, defaults={"reason": reason})
