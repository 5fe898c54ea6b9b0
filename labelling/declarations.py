"""Declarations ⇄ the network models.

- ``declaration_from_place`` / ``export_declaration``: what a place declares, as value objects or
  as ``declaration/1`` JSON (import then export gives the same JSON back);
- ``import_declarations``: batched upsert (a bounded number of queries per batch, whatever its
  size), used by ``import_declarations`` the command; ``upsert_place_from_declaration`` is the
  same for one declaration.

A place is recognised by ``site.id_fs``, else by its porteur and its name; a porteur by its
SIRET, else by its kind and name (among porteurs without SIRET). An imported place's opening
hours, agents, trainings and operators are replaced by those of the declaration."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from labelling.bulk import insert_rows
from labelling.conformity import Declaration, FieldError, InvalidDeclaration, validate_declaration
from labelling.conformity.declaration import (
    Agent as AgentValue,
)
from labelling.conformity.declaration import (
    OperatorEntry,
    Premises,
    Site,
)
from labelling.conformity.declaration import (
    Porteur as PorteurValue,
)
from labelling.conformity.declaration import (
    Training as TrainingValue,
)
from labelling.conformity.engine import check
from labelling.conformity.specs import select_version
from labelling.models import (
    Agent,
    ConformityReport,
    OpeningInterval,
    OperatorPresence,
    Place,
    Porteur,
    Training,
    Version,
)
from labelling.names import proposed_article
from labelling.territories import (
    ResolvedCommune,
    UnknownCommune,
    code_error,
    resolve_commune_code,
    resolve_commune_codes,
)
from labelling.versions.store import (
    canonical_json,
    published_version_specs,
    report_results,
)

CREATED, UPDATED, UNCHANGED, REJECTED = "created", "updated", "unchanged", "rejected"
BATCH_SIZE = 500
_COORDINATE = Decimal("0.000001")
PLACE_FIELDS = [
    "id_fs",
    "name",
    "address",
    "commune",
    "commune_alias",
    "departement",
    "latitude",
    "longitude",
    "itinerant",
    "porteur",
    "reference_date",
    "confidential_office",
    "digital_space",
    "accessible_pmr",
    "updated_at",
]


@dataclasses.dataclass
class ImportOutcome:
    status: str
    place: Place | None = None
    errors: list[FieldError] = dataclasses.field(default_factory=list)


# --- Models → declaration -------------------------------------------------------------------


def with_declaration_data(places: QuerySet[Place]) -> QuerySet[Place]:
    """Places with everything a declaration needs, in a fixed number of queries."""
    return places.select_related("porteur").prefetch_related(
        "opening_intervals",
        Prefetch("agents", queryset=Agent.objects.prefetch_related("trainings")),
        "presences",
    )


def declaration_from_place(place: Place) -> Declaration:
    """The place's declaration as value objects (use ``with_declaration_data`` for many).

    Raises ``ValueError`` for a place that waits for its porteur (imported from the national
    list): a declaration names its porteur."""
    porteur = place.porteur
    if porteur is None:
        raise ValueError(f"{place.name} : porteur à rattacher, pas de déclaration")
    hours: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    for interval in place.opening_intervals.all():
        hours[interval.weekday].append((interval.start_minute, interval.end_minute))
    extra: dict[str, Any] = {}
    if place.reference_date is not None:
        extra["reference_date"] = place.reference_date
    return Declaration(
        site=Site(
            name=place.name,
            commune_insee=place.declared_insee_code,
            porteur=PorteurValue(kind=porteur.kind, name=porteur.name, siret=porteur.siret),
            id_fs=place.id_fs,
            address=place.address or None,
            latitude=place.latitude,
            longitude=place.longitude,
            itinerant=place.itinerant,
        ),
        opening_hours=tuple(tuple(day) for day in hours),
        agents=tuple(
            AgentValue(
                name=agent.name,
                fte=agent.fte,
                trainings=tuple(
                    TrainingValue(
                        kind=t.kind, completed_on=t.completed_on, operator=t.operator_code or None
                    )
                    for t in agent.trainings.all()
                ),
            )
            for agent in place.agents.all()
        ),
        operators=tuple(
            OperatorEntry(
                code=p.operator_id,
                presence=p.presence,
                label=p.label or None,
                convention_signed_on=p.convention_signed_on,
            )
            for p in place.presences.all()
        ),
        premises=Premises(
            confidential_office=place.confidential_office,
            digital_space=place.digital_space,
            accessible_pmr=place.accessible_pmr,
        ),
        **extra,
    )


def export_declaration(*, place: Place) -> dict[str, Any]:
    """The place as a ``declaration/1`` JSON object."""
    place = with_declaration_data(Place.objects.filter(pk=place.pk)).get()
    return declaration_from_place(place).to_dict()


# --- Declaration → models -------------------------------------------------------------------


def _storage_errors(declaration: Declaration) -> list[FieldError]:
    """What the schema allows but the database cannot keep as written."""
    errors = []
    if declaration.site.id_fs is not None and len(declaration.site.id_fs) > 40:
        errors.append(FieldError("site.id_fs", "trop long : 40 caractères au plus"))
    for i, agent in enumerate(declaration.agents):
        if len(agent.name) > 200:
            errors.append(FieldError(f"agents[{i}].name", "trop long : 200 caractères au plus"))
        if agent.fte != agent.fte.quantize(Decimal("0.001")):
            errors.append(
                FieldError(f"agents[{i}].fte", f"{agent.fte} : 3 décimales au plus (ex. 0.125)")
            )
        for j, training in enumerate(agent.trainings):
            if training.operator is not None and len(training.operator) > 30:
                errors.append(
                    FieldError(
                        f"agents[{i}].trainings[{j}].operator", "trop long : 30 caractères au plus"
                    )
                )
    for i, entry in enumerate(declaration.operators):
        if entry.label is not None and len(entry.label) > 200:
            errors.append(FieldError(f"operators[{i}].label", "trop long : 200 caractères au plus"))
    return errors


def _coordinate(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(_COORDINATE, rounding=ROUND_HALF_EVEN)


def _as_stored(declaration: Declaration, place: Place | None) -> Declaration:
    """The declaration as the database will keep it (coordinates rounded, a national id that
    the declaration does not repeat kept)."""
    site = dataclasses.replace(
        declaration.site,
        latitude=_coordinate(declaration.site.latitude),
        longitude=_coordinate(declaration.site.longitude),
        id_fs=declaration.site.id_fs or (place.id_fs if place is not None else None),
    )
    return dataclasses.replace(declaration, site=site)


def _porteur_key(value: PorteurValue) -> tuple:
    return ("siret", value.siret) if value.siret else ("name", value.kind, value.name)


def _place_key(declaration: Declaration) -> tuple:
    site = declaration.site
    return ("id_fs", site.id_fs) if site.id_fs else ("name", _porteur_key(site.porteur), site.name)


def _batches(declarations: Sequence[Declaration], size: int) -> Iterable[list[int]]:
    """Indexes in batches of at most ``size``, a place never twice in the same batch (the second
    declaration of a place then sees what the first one wrote)."""
    batch: list[int] = []
    keys: set[tuple] = set()
    for index, declaration in enumerate(declarations):
        key = _place_key(declaration)
        if len(batch) >= size or key in keys:
            yield batch
            batch, keys = [], set()
        batch.append(index)
        keys.add(key)
    if batch:
        yield batch


def import_declarations(
    *,
    declarations: Sequence[Declaration],
    dry_run: bool = False,
    record_reports: bool = False,
    batch_size: int = BATCH_SIZE,
    on_progress: Callable[[int, int], None] | None = None,
) -> list[ImportOutcome]:
    """Create or update the places of valid declarations, one outcome per declaration (in
    order). ``dry_run`` computes the same outcomes and writes nothing."""
    outcomes: list[ImportOutcome | None] = [None] * len(declarations)
    reporter = _Reporter() if record_reports else None
    with transaction.atomic():
        done = 0
        for batch in _batches(declarations, batch_size):
            with transaction.atomic():
                results = _import_batch([declarations[i] for i in batch], reporter)
            for index, outcome in zip(batch, results, strict=True):
                outcomes[index] = outcome
            done += len(batch)
            if on_progress is not None:
                on_progress(done, len(declarations))
        if dry_run:
            transaction.set_rollback(True)
    return outcomes  # type: ignore[return-value]


def upsert_place_from_declaration(
    *, declaration: Declaration | dict, record_report: bool = False
) -> tuple[Place, str]:
    """Create or update one place: (place, "created" | "updated" | "unchanged").

    Raises ``InvalidDeclaration`` for an invalid declaration or an unknown commune."""
    if not isinstance(declaration, Declaration):
        declaration = validate_declaration(declaration)
    (outcome,) = import_declarations(declarations=[declaration], record_reports=record_report)
    if outcome.status == REJECTED:
        raise InvalidDeclaration(outcome.errors)
    assert outcome.place is not None
    return outcome.place, outcome.status


class _Reporter:
    """Conformity reports of imported places, against the version in force on their date."""

    def __init__(self) -> None:
        self.specs = published_version_specs()
        self.version_ids = dict(Version.objects.values_list("code", "pk"))

    def report(self, declaration: Declaration, place: Place) -> ConformityReport | None:
        spec = select_version(self.specs, on=declaration.reference_date)
        if spec is None:
            return None
        result = check(declaration=declaration, version=spec)
        data = declaration.to_dict()
        return ConformityReport(
            place=place,
            version_id=self.version_ids[spec.code],
            version_code=spec.code,
            declaration=data,
            results=report_results(result),
            conform=result.conform,
            process="import_declarations",
            sha256=hashlib.sha256(canonical_json(data)).hexdigest(),
        )


def _import_batch(
    declarations: list[Declaration], reporter: _Reporter | None
) -> list[ImportOutcome]:
    outcomes: list[ImportOutcome | None] = [None] * len(declarations)
    for i, declaration in enumerate(declarations):
        errors = _storage_errors(declaration)
        if errors:
            outcomes[i] = ImportOutcome(REJECTED, errors=errors)
    communes = resolve_commune_codes(d.site.commune_insee for d in declarations)
    for i, declaration in enumerate(declarations):
        if outcomes[i] is None and declaration.site.commune_insee not in communes:
            outcomes[i] = ImportOutcome(
                REJECTED,
                errors=[
                    FieldError("site.commune_insee", code_error(declaration.site.commune_insee))
                ],
            )
    todo = [i for i, outcome in enumerate(outcomes) if outcome is None]
    if not todo:
        return outcomes  # type: ignore[return-value]

    # Porteurs: by SIRET, else by kind and name among those without SIRET.
    wanted = [declarations[i].site.porteur for i in todo]
    porteurs: dict[tuple, Porteur] = {}
    sirets = {p.siret for p in wanted if p.siret}
    for porteur in Porteur.objects.filter(siret__in=sirets):
        porteurs[("siret", porteur.siret)] = porteur
    names = {p.name for p in wanted if not p.siret}
    for porteur in Porteur.objects.filter(siret__isnull=True, name__in=names).order_by(
        "created_at", "pk"
    ):
        porteurs.setdefault(("name", porteur.kind, porteur.name), porteur)
    new_porteurs: list[Porteur] = []
    changed_porteurs: dict[Any, Porteur] = {}
    for value in wanted:
        key = _porteur_key(value)
        porteur = porteurs.get(key)
        if porteur is None:
            porteur = Porteur(
                kind=value.kind,
                name=value.name,
                siret=value.siret,
                article=proposed_article(value.name),
            )
            porteurs[key] = porteur
            new_porteurs.append(porteur)
        elif (porteur.kind, porteur.name) != (value.kind, value.name):
            # A new name takes its own article, unless a person had chosen another one.
            if porteur.name != value.name and porteur.article in (
                "",
                proposed_article(porteur.name),
            ):
                porteur.article = proposed_article(value.name)
            porteur.kind, porteur.name = value.kind, value.name
            if not porteur._state.adding:
                changed_porteurs[porteur.pk] = porteur

    # Places: by id_fs, else by porteur and name.
    id_fs_values = {declarations[i].site.id_fs for i in todo if declarations[i].site.id_fs}
    known_porteurs = {p.pk for p in porteurs.values() if not p._state.adding}
    place_names = {declarations[i].site.name for i in todo}
    found = list(
        with_declaration_data(
            Place.objects.filter(
                Q(id_fs__in=id_fs_values) | Q(porteur_id__in=known_porteurs, name__in=place_names)
            )
        )
    )
    by_id_fs = {p.id_fs: p for p in found if p.id_fs}
    by_name: dict[tuple, Place] = {}
    for place in sorted(found, key=lambda p: (p.id_fs is not None, p.created_at)):
        by_name.setdefault((place.porteur_id, place.name), place)

    now = timezone.now()
    new_places: list[Place] = []
    changed_places: list[Place] = []
    reports: list[ConformityReport] = []
    written: list[tuple[Place, Declaration]] = []
    for i in todo:
        declaration = declarations[i]
        site = declaration.site
        porteur = porteurs[_porteur_key(site.porteur)]
        place = by_id_fs.get(site.id_fs) if site.id_fs else None
        if place is None:
            place = by_name.get((porteur.pk, site.name))
            if place is not None and site.id_fs and place.id_fs not in (None, site.id_fs):
                place = None  # another place of the same name, with its own national id
        stored = _as_stored(declaration, place)
        if place is not None:
            if (
                place.porteur_id is not None  # a place of the national list gets its porteur
                and declaration_from_place(place).to_dict() == stored.to_dict()
            ):
                outcomes[i] = ImportOutcome(UNCHANGED, place)
                continue
            status = UPDATED
            changed_places.append(place)
        else:
            place = Place()
            status = CREATED
            new_places.append(place)
        _fill_place(place, stored, porteur, communes[site.commune_insee], now)
        outcomes[i] = ImportOutcome(status, place)
        written.append((place, stored))
        if reporter is not None:
            report = reporter.report(stored, place)
            if report is not None:
                reports.append(report)

    Porteur.objects.bulk_create(new_porteurs)
    if changed_porteurs:
        Porteur.objects.bulk_update(changed_porteurs.values(), ["kind", "name", "article"])
    Place.objects.bulk_create(new_places)
    if changed_places:
        Place.objects.bulk_update(changed_places, PLACE_FIELDS)
        changed_ids = [p.pk for p in changed_places]
        OpeningInterval.objects.filter(place_id__in=changed_ids).delete()
        Training.objects.filter(agent__place_id__in=changed_ids).delete()
        Agent.objects.filter(place_id__in=changed_ids).delete()
        OperatorPresence.objects.filter(place_id__in=changed_ids).delete()
    _create_children(written)
    ConformityReport.objects.bulk_create(reports)
    return outcomes  # type: ignore[return-value]


def _fill_place(
    place: Place, stored: Declaration, porteur: Porteur, commune: ResolvedCommune, now
) -> None:
    site = stored.site
    place.id_fs = site.id_fs
    place.name = site.name
    place.address = site.address or ""
    place.commune_id = commune.commune.insee_code
    place.commune_alias_id = commune.alias.code if commune.alias is not None else None
    place.departement_id = commune.commune.departement_id
    place.latitude = site.latitude
    place.longitude = site.longitude
    place.itinerant = site.itinerant
    place.porteur = porteur
    place.reference_date = stored.reference_date
    place.confidential_office = stored.premises.confidential_office
    place.digital_space = stored.premises.digital_space
    place.accessible_pmr = stored.premises.accessible_pmr
    place.updated_at = now


def _create_children(written: list[tuple[Place, Declaration]]) -> None:
    """The hours, agents, trainings and operators of written places. Agents are created as
    instances (their trainings need their ids); the rest, tens of rows a place, as plain rows
    (``insert_rows``: several times faster than ``bulk_create``)."""
    intervals, presences = [], []
    agents: list[Agent] = []
    agent_trainings: list[tuple[Agent, tuple[TrainingValue, ...]]] = []
    for place, declaration in written:
        for weekday, day in enumerate(declaration.opening_hours):
            intervals.extend((place.pk, weekday, s, e, n) for n, (s, e) in enumerate(day))
        for n, value in enumerate(declaration.agents):
            agent = Agent(place=place, name=value.name, fte=value.fte, position=n)
            agents.append(agent)
            agent_trainings.append((agent, value.trainings))
        presences.extend(
            (
                place.pk,
                entry.code,
                entry.label or "",
                entry.presence,
                entry.convention_signed_on,
                n,
            )
            for n, entry in enumerate(declaration.operators)
        )
    insert_rows(
        OpeningInterval,
        ["place_id", "weekday", "start_minute", "end_minute", "position"],
        intervals,
    )
    Agent.objects.bulk_create(agents, batch_size=2000)
    insert_rows(
        Training,
        ["agent_id", "kind", "operator_code", "completed_on", "position"],
        [
            (agent.pk, t.kind, t.operator or "", t.completed_on, n)
            for agent, trainings in agent_trainings
            for n, t in enumerate(trainings)
        ],
    )
    insert_rows(
        OperatorPresence,
        ["place_id", "operator_id", "label", "presence", "convention_signed_on", "position"],
        presences,
    )


@transaction.atomic
def apply_declaration_to_place(*, place: Place, declaration: Declaration | dict) -> Place:
    """Write what a declaration says into an existing place (hours, agents, operators, premises),
    keeping its porteur and its label: used when a decision makes an instructed declaration the
    place's reference."""
    if not isinstance(declaration, Declaration):
        declaration = validate_declaration(declaration)
    errors = _storage_errors(declaration)
    if errors:
        raise InvalidDeclaration(errors)
    stored = _as_stored(declaration, place)
    try:
        commune = resolve_commune_code(stored.site.commune_insee)
    except UnknownCommune as exc:
        raise InvalidDeclaration([FieldError("site.commune_insee", exc.message)]) from None
    _fill_place(place, stored, place.porteur, commune, timezone.now())
    place.save()
    OpeningInterval.objects.filter(place=place).delete()
    Agent.objects.filter(place=place).delete()
    OperatorPresence.objects.filter(place=place).delete()
    _create_children([(place, stored)])
    return place
