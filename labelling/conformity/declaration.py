"""A declaration as frozen value objects: what the conformity engine reads.

Build one with ``validate_declaration`` (from raw JSON) or directly (from stored models).
Derived figures the criteria need (weekly minutes, open days, total FTE) are computed once,
when the object is built, so that checking it against many versions stays cheap."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from labelling.conformity.hours import Interval, day_minutes, format_time

WEEKDAYS: tuple[str, ...] = ("mo", "tu", "we", "th", "fr", "sa", "su")
PARIS = ZoneInfo("Europe/Paris")


def today_in_paris() -> datetime.date:
    return datetime.datetime.now(PARIS).date()


@dataclass(frozen=True, slots=True)
class Porteur:
    kind: str
    name: str
    siret: str | None = None


@dataclass(frozen=True, slots=True)
class Site:
    name: str
    commune_insee: str
    porteur: Porteur
    id_fs: str | None = None
    address: str | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    itinerant: bool | None = None


@dataclass(frozen=True, slots=True)
class Training:
    kind: str
    completed_on: datetime.date
    operator: str | None = None


@dataclass(frozen=True, slots=True)
class Agent:
    name: str
    fte: Decimal
    trainings: tuple[Training, ...] = ()


@dataclass(frozen=True, slots=True)
class OperatorEntry:
    code: str
    presence: str
    label: str | None = None
    convention_signed_on: datetime.date | None = None

    @property
    def present(self) -> bool:
        return self.presence != "none"


@dataclass(frozen=True, slots=True)
class Premises:
    confidential_office: bool | None = None
    digital_space: bool | None = None
    accessible_pmr: bool | None = None


@dataclass(frozen=True, slots=True)
class Declaration:
    site: Site
    #: One tuple of (start, end) minute intervals per day, Monday first, in the declared order.
    opening_hours: tuple[tuple[Interval, ...], ...]
    agents: tuple[Agent, ...]
    operators: tuple[OperatorEntry, ...]
    premises: Premises
    reference_date: datetime.date = field(default_factory=today_in_paris)
    weekly_minutes: int = field(init=False)
    open_days: int = field(init=False)
    total_fte: Decimal = field(init=False)

    def __post_init__(self) -> None:
        if len(self.opening_hours) != 7:
            raise ValueError("opening_hours needs one entry per day of the week")
        object.__setattr__(self, "weekly_minutes", sum(map(day_minutes, self.opening_hours)))
        object.__setattr__(self, "open_days", sum(1 for day in self.opening_hours if day))
        object.__setattr__(self, "total_fte", sum((a.fte for a in self.agents), Decimal(0)))

    def to_dict(self) -> dict[str, Any]:
        """The declaration as JSON-ready data (``declaration/1``), optional fields left out when
        absent, intervals in the declared order."""
        site = self.site
        porteur: dict[str, Any] = {"kind": site.porteur.kind, "name": site.porteur.name}
        if site.porteur.siret is not None:
            porteur["siret"] = site.porteur.siret
        site_dict: dict[str, Any] = {"name": site.name, "commune_insee": site.commune_insee}
        _put(site_dict, "id_fs", site.id_fs)
        _put(site_dict, "address", site.address)
        _put(site_dict, "latitude", _number(site.latitude))
        _put(site_dict, "longitude", _number(site.longitude))
        _put(site_dict, "itinerant", site.itinerant)
        site_dict["porteur"] = porteur
        premises: dict[str, Any] = {}
        _put(premises, "confidential_office", self.premises.confidential_office)
        _put(premises, "digital_space", self.premises.digital_space)
        _put(premises, "accessible_pmr", self.premises.accessible_pmr)
        return {
            "schema": "declaration/1",
            "reference_date": self.reference_date.isoformat(),
            "site": site_dict,
            "opening_hours": {
                day: [[format_time(start), format_time(end)] for start, end in intervals]
                for day, intervals in zip(WEEKDAYS, self.opening_hours, strict=True)
                if intervals
            },
            "agents": [_agent_dict(agent) for agent in self.agents],
            "operators": [_operator_dict(entry) for entry in self.operators],
            "premises": premises,
        }


def _put(target: dict[str, Any], key: str, value: object) -> None:
    if value is not None:
        target[key] = value


def _number(value: Decimal | None) -> float | int | None:
    """A Decimal as the JSON number it was written as (1.0 stays 1.0, 0.7 stays 0.7)."""
    if value is None:
        return None
    return float(value)


def _agent_dict(agent: Agent) -> dict[str, Any]:
    trainings = []
    for training in agent.trainings:
        item: dict[str, Any] = {
            "kind": training.kind,
            "completed_on": training.completed_on.isoformat(),
        }
        _put(item, "operator", training.operator)
        trainings.append(item)
    return {"name": agent.name, "fte": _number(agent.fte), "trainings": trainings}


def _operator_dict(entry: OperatorEntry) -> dict[str, Any]:
    item: dict[str, Any] = {"code": entry.code}
    _put(item, "label", entry.label)
    item["presence"] = entry.presence
    if entry.convention_signed_on is not None:
        item["convention_signed_on"] = entry.convention_signed_on.isoformat()
    return item
