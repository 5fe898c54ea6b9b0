"""A synthetic national network at scale (issue 14): `seed_scale` and `make bench` build it.

Ten times today's network by default: 30,000 places on real communes (weighted by population,
metropolitan France and the DROM), most labelled with a date of effect between 2016 and next
year, some in project, suspended or abrogated; 100,000 label files in every stage, with
deadlines (some past); porteurs for the places in project and part of the others. Written with
bulk inserts (COPY on PostgreSQL), deterministic for a seed. It reads several apps (places in
`labelling`, files in `workflows`): it lives in `config`, like `seed_demo`.

With them, monthly activity figures (`labelling.MonthlyActivity`, 1,000,000 rows by default):
for each labelled place, the last months' figures of its partner operators."""

from __future__ import annotations

import datetime
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from labelling.bulk import insert_rows
from labelling.models import Commune, MonthlyActivity, Operator, Place, Porteur, Role, User
from labelling.models.network import LabelStatus, PlaceFormat, PlaceKind
from workflows.models import Application, Outcome, State

PREFIX = "scale-"
SYNTHETIC_DOMAIN = "echelle.estampille.test"

#: (status, weight) of the places.
PLACE_STATUSES = (
    (LabelStatus.LABELLED, 80),
    (LabelStatus.CANDIDATE, 15),
    (LabelStatus.SUSPENDED, 2),
    (LabelStatus.WITHDRAWN, 3),
)
FORMATS = (
    (PlaceFormat.FIXE, 70),
    (PlaceFormat.FIXE_ANTENNES, 8),
    (PlaceFormat.MULTISITES, 8),
    (PlaceFormat.ITINERANTE, 6),
    (PlaceFormat.BUS, 8),
)
#: (state, weight) of the files that are not the open file of a place in project.
FILE_STATES = (
    (State.LABELLED, 45),
    (State.REFUSED, 10),
    (State.WITHDRAWN, 10),
    (State.CLOSED, 5),
    (State.DRAFT, 5),
    (State.SUBMITTED, 5),
    (State.INCOMPLETE, 5),
    (State.INSTRUCTION, 6),
    (State.CONVENTIONS, 4),
    (State.PROPOSAL, 3),
    (State.DECISION, 2),
)


@dataclass(frozen=True)
class Built:
    places: int
    files: int
    porteurs: int
    activity: int = 0


def _weighted(rng: random.Random, choices) -> Callable[[], object]:
    values = [value for value, _ in choices]
    weights = [weight for _, weight in choices]
    return lambda: rng.choices(values, weights)[0]


def _jsonb(value):
    if connection.vendor == "postgresql":
        from psycopg.types.json import Jsonb

        return Jsonb(value)
    return value


def _users() -> tuple[User, User, User]:
    """The synthetic accounts the files need (author, proposer, signatory: never the same)."""

    def get(local: str, role: str) -> User:
        email = f"{local}@{SYNTHETIC_DOMAIN}"
        user = User.objects.filter(email=email).first()
        if user is None:
            extra = {"departement_id": "63"} if role in (Role.INSTRUCTEUR, Role.SIGNATAIRE) else {}
            user = User.objects.create_user(
                email=email, password=None, role=role, first_name="Compte", last_name=local, **extra
            )
        return user

    return (
        get("auteur", Role.NATIONAL),
        get("instructeur", Role.INSTRUCTEUR),
        get("signataire", Role.SIGNATAIRE),
    )


def build(
    *,
    places: int = 30_000,
    files: int = 100_000,
    seed: int = 14,
    start: int = 0,
    activity: int = 0,
    progress: Callable[[str], None] | None = None,
) -> Built:
    """Add ``places`` places and ``files`` files (numbered from ``start``, so that a network can
    be grown in steps). Returns what was written."""
    say = progress or (lambda _message: None)
    rng = random.Random(seed * 1_000_003 + start)
    today = timezone.localdate()
    communes = list(
        Commune.objects.exclude(departement__region_id="COM")
        .exclude(population__isnull=True)
        .values_list("insee_code", "departement_id", "postal_codes", "population")
    )
    weights = [max(population, 50) ** 0.5 for *_, population in communes]
    place_status = _weighted(rng, PLACE_STATUSES)
    place_format = _weighted(rng, FORMATS)
    file_state = _weighted(rng, FILE_STATES)
    author, proposer, signatory = _users()
    version_code = "france-services-2020"

    with transaction.atomic():
        # Porteurs: one for each place in project, and one for half the others.
        say(f"{places} lieux…")
        porteurs: list[Porteur] = []
        rows: list[Place] = []
        for n in range(start, start + places):
            code, departement, postcodes, _ = rng.choices(communes, weights)[0]
            status = place_status()
            effective = None
            if status != LabelStatus.CANDIDATE:
                effective = datetime.date(2016, 1, 1) + datetime.timedelta(
                    days=rng.randrange((today - datetime.date(2016, 1, 1)).days + 120)
                )
            porteur = None
            if status == LabelStatus.CANDIDATE or rng.random() < 0.5:
                porteur = Porteur(
                    id=uuid.UUID(int=rng.getrandbits(128)),
                    kind=rng.choice(("commune", "epci", "association", "la_poste")),
                    name=f"Porteur d'essai n° {n}",
                    article="le",
                )
                porteurs.append(porteur)
            fmt = place_format()
            rows.append(
                Place(
                    id=uuid.UUID(int=rng.getrandbits(128)),
                    id_fs=f"{PREFIX}{n}",
                    name=f"France Services d'essai n° {n}",
                    commune_id=code,
                    departement_id=departement,
                    postal_code=(postcodes.split() or [""])[0],
                    address=f"{n % 200 + 1} place de la Mairie",
                    latitude=round(rng.uniform(42.5, 51.0), 6),
                    longitude=round(rng.uniform(-4.5, 7.8), 6),
                    kind=PlaceKind.ANTENNE if rng.random() < 0.2 else PlaceKind.PRINCIPAL,
                    format=fmt,
                    itinerant=fmt in (PlaceFormat.BUS, PlaceFormat.ITINERANTE),
                    label_status=status,
                    labelled_on=effective,
                    label_effective_on=effective,
                    porteur_id=porteur.id if porteur else None,
                )
            )
        Porteur.objects.bulk_create(porteurs, batch_size=5000)
        Place.objects.bulk_create(rows, batch_size=5000)

        say(f"{files} dossiers…")
        now = timezone.now()
        fields = [
            "id", "porteur_id", "place_id", "departement_id", "created_by_id", "state",
            "revision", "version_code", "draft_declaration", "completed_steps",
            "submitted_snapshot", "non_conformity_justification", "first_submitted_at",
            "submitted_at", "stage_started_at", "stage_deadline", "paused_remaining_days",
            "proposed_outcome", "proposal_reasons", "refusal_criteria", "proposed_by_id",
            "decided_by_id", "decided_on", "effective_on", "decision_reasons",
            "closing_reason", "created_at", "updated_at",
        ]  # fmt: skip
        with_porteur = [p for p in rows if p.porteur_id]
        in_project = [p for p in rows if p.label_status == LabelStatus.CANDIDATE]
        empty, snapshot = _jsonb({}), _jsonb({"declaration": {}, "conformity": {}})
        no_criteria = _jsonb([])

        def file_row(place: Place, state: str) -> tuple:
            submitted = state != State.DRAFT
            created = now - datetime.timedelta(days=rng.randrange(30, 3000))
            open_stage = state not in (
                State.LABELLED, State.REFUSED, State.WITHDRAWN, State.CLOSED, State.DRAFT
            )  # fmt: skip
            deadline = (
                today + datetime.timedelta(days=rng.randrange(-40, 60)) if open_stage else None
            )
            decided = state in (State.LABELLED, State.REFUSED)
            proposed = decided or state == State.DECISION
            outcome = (
                Outcome.REFUSE if state == State.REFUSED else Outcome.LABEL if proposed else ""
            )
            return (
                uuid.UUID(int=rng.getrandbits(128)), place.porteur_id, place.id,
                place.departement_id, author.pk, state, 1, version_code, empty, no_criteria,
                snapshot if submitted else None, "", created if submitted else None,
                created if submitted else None, created, deadline,
                10 if state == State.INCOMPLETE else None,
                outcome, "Proposition d'essai" if proposed else "", no_criteria,
                proposer.pk if proposed else None, signatory.pk if decided else None,
                created.date() if decided else None,
                (place.label_effective_on or created.date()) if state == State.LABELLED else None,
                "Refus d'essai" if state == State.REFUSED else "",
                "Clôture d'essai" if state in (State.WITHDRAWN, State.CLOSED) else "",
                created, created,
            )  # fmt: skip

        def file_rows():
            written = 0
            for place in in_project:  # one open file for most places in project
                if written >= files:
                    return
                if rng.random() < 0.6:
                    yield file_row(place, rng.choice(
                        (State.SUBMITTED, State.INSTRUCTION, State.CONVENTIONS, State.INCOMPLETE)
                    ))  # fmt: skip
                    written += 1
            while written < files and with_porteur:
                yield file_row(rng.choice(with_porteur), file_state())
                written += 1

        count = insert_rows(Application, fields, file_rows())

        activity_count = 0
        labelled = [p for p in rows if p.label_status == LabelStatus.LABELLED]
        if activity and labelled:
            say(f"{activity} lignes d'activité mensuelle…")
            activity_fields = [
                "place_id", "month", "operator_id", "people_helped", "requests", "source",
                "updated_at",
            ]  # fmt: skip
            activity_count = insert_rows(
                MonthlyActivity,
                activity_fields,
                _activity_rows(rng, labelled, activity, today, now),
            )

    if connection.vendor == "postgresql":  # as autovacuum would: plans on real statistics
        with connection.cursor() as cursor:
            for model in (Place, Porteur, Application, MonthlyActivity):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    return Built(places=len(rows), files=count, porteurs=len(porteurs), activity=activity_count)


def _activity_rows(rng, places, total: int, today: datetime.date, now):
    """``total`` rows: each place's partner operators, month after month back from this one
    (one row per place, month and operator, as the model requires).

    The operators are read here, before the generator starts: its rows are consumed while
    ``insert_rows`` holds the connection for a COPY, where any query would wait forever."""
    operators = list(
        Operator.objects.filter(is_national=True).order_by("position").values_list("pk", flat=True)
    )
    return _activity_row_stream(rng, places, operators, total, today, now)


def _activity_row_stream(rng, places, operators: list, total: int, today: datetime.date, now):
    per_place = -(-total // len(places))
    written = 0
    this_month = today.replace(day=1)
    for place in places:
        for k in range(per_place):
            if written >= total:
                return
            back = k // len(operators)
            year, month = divmod(this_month.year * 12 + this_month.month - 1 - back, 12)
            people = rng.randrange(5, 400)
            yield (
                place.id, datetime.date(year, month + 1, 1), operators[k % len(operators)],
                people, people + rng.randrange(0, 200), "import", now,
            )  # fmt: skip
            written += 1


def clear() -> None:
    """Remove what `build` wrote (files, places, porteurs) and the coverage computed from it.
    Plain DELETEs: the synthetic rows have nothing else hanging from them, and collecting
    130,000 objects one relation at a time would take minutes."""
    from labelling.models import CommuneCoverage, CoverageRun

    with transaction.atomic():
        CommuneCoverage.objects.all().delete()
        CoverageRun.objects.all().delete()
        places = Place.objects.filter(id_fs__startswith=PREFIX)
        MonthlyActivity.objects.filter(place__in=places)._raw_delete(connection.alias)
        Application.objects.filter(place__in=places)._raw_delete(connection.alias)
        places._raw_delete(connection.alias)
        Porteur.objects.filter(name__startswith="Porteur d'essai n° ")._raw_delete(connection.alias)
