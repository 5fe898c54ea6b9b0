"""The public directory of France Services places: which places the public sees, and how their
opening hours read.

- ``places_in_force(on=…)``: the places whose label is in force on that day (default: today in
  Europe/Paris): status « labellisé » (a suspended or withdrawn label is not in force) and the
  date of effect passed — the decision's date when no date of effect is known. The public
  directory, the open data and the public API show these places and no other.
- ``weekly_hours(place)``: seven days, Monday first, each the merged intervals in minutes.
- ``hours_in_words(hours)``: « 9 h – 12 h, 13 h 30 – 17 h » per day, as a person reads them.
- ``search_directory(query=…, latitude=…, longitude=…, commune_code=…)``: the places in force
  matching what a visitor typed (département, postcode, commune, else a place's name) or around
  a position, nearest first with the straight-line distance (``haversine_km``) whenever there
  is a point to measure from; a ``Search`` whose ``page(n)`` loads 20 places in two queries.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass, field

from django.db.models import Avg, Q, QuerySet

from labelling import territories
from labelling.conformity.declaration import today_in_paris
from labelling.conformity.hours import Interval, merge_intervals
from labelling.models import Commune, Departement, LabelStatus, Place
from labelling.models.network import Weekday
from labelling.territories_loader import search_key

DAY_NAMES: tuple[str, ...] = tuple(label for _value, label in Weekday.choices)


def in_force_filter(*, on: datetime.date, prefix: str = "") -> Q:
    """The condition « label in force on ``on`` » on Place columns (``prefix`` for a relation,
    e.g. ``"place__"``)."""
    return Q(**{f"{prefix}label_status": LabelStatus.LABELLED}) & (
        Q(**{f"{prefix}label_effective_on__lte": on})
        | Q(
            **{
                f"{prefix}label_effective_on__isnull": True,
                f"{prefix}labelled_on__lte": on,
            }
        )
    )


def places_in_force(*, on: datetime.date | None = None) -> QuerySet[Place]:
    """The places whose label is in force on ``on`` (default: today in Europe/Paris)."""
    return Place.objects.filter(in_force_filter(on=on or today_in_paris()))


def is_in_force(place: Place, *, on: datetime.date | None = None) -> bool:
    on = on or today_in_paris()
    effective = place.label_effective_on or place.labelled_on
    return place.label_status == LabelStatus.LABELLED and effective is not None and effective <= on


def weekly_hours(place: Place) -> tuple[tuple[Interval, ...], ...]:
    """Seven days, Monday first, each the merged intervals (minutes since midnight). Reads
    ``place.opening_intervals.all()`` (prefetch it for many places)."""
    days: list[list[Interval]] = [[] for _ in range(7)]
    for interval in place.opening_intervals.all():
        days[interval.weekday].append((interval.start_minute, interval.end_minute))
    return tuple(merge_intervals(day) for day in days)


def time_in_words(minute: int) -> str:
    """540 → « 9 h », 810 → « 13 h 30 », 1440 → « minuit »."""
    if minute in (0, 1440):
        return "minuit"
    hours, minutes = divmod(minute, 60)
    return f"{hours} h" if minutes == 0 else f"{hours} h {minutes:02d}"


def day_in_words(intervals: tuple[Interval, ...]) -> str:
    """((540, 720), (810, 1020)) → « 9 h – 12 h, 13 h 30 – 17 h »; nothing → « fermé »."""
    if not intervals:
        return "fermé"
    return ", ".join(f"{time_in_words(s)} – {time_in_words(e)}" for s, e in intervals)


def hours_in_words(
    hours: tuple[tuple[Interval, ...], ...], *, include_closed_sunday: bool = False
) -> list[tuple[str, str]]:
    """[(« lundi », « 9 h – 12 h, 13 h 30 – 17 h »), …]: every day Monday to Saturday, and
    Sunday only when the place opens on Sundays (or when asked)."""
    days = []
    for index, intervals in enumerate(hours):
        if index == 6 and not intervals and not include_closed_sunday:
            continue
        days.append((DAY_NAMES[index], day_in_words(intervals)))
    return days


# --- search ---------------------------------------------------------------------------------

#: Mean radius of the Earth (IUGG), kilometres: the haversine's straight-line distance.
EARTH_RADIUS_KM = 6371.0088
#: Radii tried in turn around a position until enough places are found (kilometres).
RADII_KM = (15, 40, 100, 250)
PAGE_SIZE = 20
_DEPARTEMENT_CODE = re.compile(r"^(\d{2}|2[AB]|97\d|98\d)$", re.IGNORECASE)
_POSTCODE = re.compile(r"^\d{5}$")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Straight-line (great-circle) distance in kilometres between two WGS 84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Origin:
    """Where distances are measured from: the visitor's position, or a point standing for a
    commune or a postcode (``approximate``: the mean position of the places in force of that
    commune, else of its intercommunality, else of its département — the territories data
    holds no commune centres)."""

    latitude: float
    longitude: float
    label: str
    approximate: bool = False


@dataclass(frozen=True)
class Hit:
    place: Place
    distance_km: float | None = None

    @property
    def distance_label(self) -> str:
        """« 850 m », « 3,2 km », « 27 km »."""
        if self.distance_km is None:
            return ""
        if self.distance_km < 1:
            return f"{max(10, round(self.distance_km * 1000, -1)):.0f} m"
        if self.distance_km < 10:
            return f"{self.distance_km:.1f} km".replace(".", ",")
        return f"{self.distance_km:.0f} km"


@dataclass
class Search:
    """What a directory search found. ``ids`` holds every matching place id in the order shown
    (nearest first when ``origin`` is set); ``page(n)`` loads one page of places."""

    query: str = ""
    kind: str = "none"  # none, position, commune, postcode, departement, name, all
    heading: str = ""
    origin: Origin | None = None
    radius_km: int | None = None
    ids: list = field(default_factory=list)
    distances: dict = field(default_factory=dict)
    choices: list = field(default_factory=list)
    message: str = ""

    @property
    def total(self) -> int:
        return len(self.ids)

    def page(self, number: int, *, size: int = PAGE_SIZE) -> list[Hit]:
        """The places of page ``number`` (1-based), in two queries."""
        chunk = self.ids[(number - 1) * size : number * size]
        places = {p.pk: p for p in public_places().filter(pk__in=chunk)}
        return [Hit(places[pk], self.distances.get(pk)) for pk in chunk if pk in places]


def public_places(*, on: datetime.date | None = None) -> QuerySet[Place]:
    """The places in force with what the directory shows of each."""
    return (
        places_in_force(on=on)
        .select_related("commune", "commune_alias", "departement")
        .prefetch_related("opening_intervals")
    )


def nearest(*, latitude: float, longitude: float, on: datetime.date | None = None):
    """(ids nearest first, distances in km, radius used): the places in force within the first
    radius of ``RADII_KM`` that holds at least a page of them (else everywhere). Each try is one
    query on a bounding box (index ``place_status_position``); distances are computed on the
    few thousand rows of that box."""
    base = places_in_force(on=on).filter(latitude__isnull=False, longitude__isnull=False)
    for radius in (*RADII_KM, None):
        rows = base
        if radius is not None:
            dlat = radius / 111.2
            dlon = radius / (111.32 * max(0.05, math.cos(math.radians(latitude))))
            rows = rows.filter(
                latitude__range=(latitude - dlat, latitude + dlat),
                longitude__range=(longitude - dlon, longitude + dlon),
            )
        found = []
        for pk, lat, lon in rows.values_list("pk", "latitude", "longitude"):
            distance = haversine_km(latitude, longitude, float(lat), float(lon))
            if radius is None or distance <= radius:
                found.append((distance, pk))
        if radius is None or len(found) >= PAGE_SIZE:
            found.sort(key=lambda item: (item[0], str(item[1])))
            return [pk for _, pk in found], {pk: d for d, pk in found}, radius
    raise AssertionError("unreachable")


def _origin_of(places: QuerySet[Place], label: str) -> Origin | None:
    centre = places.filter(latitude__isnull=False, longitude__isnull=False).aggregate(
        lat=Avg("latitude"), lon=Avg("longitude")
    )
    if centre["lat"] is None:
        return None
    return Origin(float(centre["lat"]), float(centre["lon"]), label, approximate=True)


def commune_origin(communes: list[Commune], label: str) -> Origin | None:
    """A point standing for these communes: the mean position of their places in force, else of
    those of their intercommunalities, else of their départements."""
    in_force = places_in_force().filter(latitude__isnull=False)
    for lookup, values in (
        ("commune_id__in", [c.insee_code for c in communes]),
        ("commune__epci_id__in", [c.epci_id for c in communes if c.epci_id]),
        ("departement_id__in", [c.departement_id for c in communes]),
    ):
        if values:
            origin = _origin_of(in_force.filter(**{lookup: values}), label)
            if origin is not None:
                return origin
    return None


def search_directory(
    *,
    query: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    commune_code: str = "",
) -> Search:
    """Search the places in force: around a position (« près de moi »), or by what a person
    types: a département (code or name), a postcode, a commune (name, « Nom (CODE) », INSEE
    code), else a place's name. Nearest first whenever there is a point to measure from. A
    bounded number of queries (about ten at most)."""
    query = " ".join((query or "").split())[:100]
    if latitude is not None and longitude is not None:
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            return Search(
                kind="none", message="Position invalide : latitude ou longitude hors bornes."
            )
        origin = Origin(latitude, longitude, "votre position")
        return _around(Search(query=query, kind="position", origin=origin))
    if commune_code:
        try:
            resolved = territories.resolve_commune_code(commune_code)
        except territories.UnknownCommune as exc:
            return Search(query=query, message=exc.message)
        return _around_communes(query, [resolved.commune], resolved.commune.name, "commune")
    if not query:
        return Search()
    departement = _departement(query)
    if departement is not None:
        ids = list(
            places_in_force()
            .filter(departement=departement)
            .order_by("commune__name", "name", "pk")
            .values_list("pk", flat=True)
        )
        return Search(
            query=query,
            kind="departement",
            heading=f"{departement.name} ({departement.code})",
            ids=ids,
        )
    if _POSTCODE.match(query):
        communes = [s.resolved.commune for s in territories.search_communes(query=query, limit=20)]
        if communes:
            return _around_communes(query, communes, f"code postal {query}", "postcode")
    try:
        resolved = territories.find_commune(query)
    except territories.UnknownCommune as exc:
        if exc.choices:
            return Search(query=query, kind="choices", choices=exc.choices, message=exc.message)
        by_name = list(
            places_in_force()
            .filter(name__icontains=query)
            .order_by("name", "pk")
            .values_list("pk", flat=True)[:500]
        )
        if by_name:
            return Search(query=query, kind="name", heading=f"« {query} »", ids=by_name)
        return Search(query=query, message=exc.message)
    return _around_communes(query, [resolved.commune], resolved.commune.name, "commune")


def _departement(query: str) -> Departement | None:
    if _DEPARTEMENT_CODE.match(query):
        return Departement.objects.filter(code=query.upper()).first()
    key = search_key(query)
    for departement in Departement.objects.all():
        if search_key(departement.name) == key:
            return departement
    return None


def _around_communes(query: str, communes: list[Commune], label: str, kind: str) -> Search:
    origin = commune_origin(communes, label)
    search = Search(query=query, kind=kind, heading=label, origin=origin)
    if origin is None:  # no place in force anywhere near: the communes' own places, if any
        search.ids = list(
            places_in_force()
            .filter(commune__in=communes)
            .order_by("name", "pk")
            .values_list("pk", flat=True)
        )
        return search
    return _around(search)


def _around(search: Search) -> Search:
    assert search.origin is not None
    ids, distances, radius = nearest(
        latitude=search.origin.latitude, longitude=search.origin.longitude
    )
    search.ids, search.distances, search.radius_km = ids, distances, radius
    if not search.heading:
        search.heading = search.origin.label
    return search
