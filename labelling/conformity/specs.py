"""Versions of the cahier des charges and their criteria, as plain data."""

from __future__ import annotations

import datetime
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from labelling.conformity.criteria import KINDS, CriterionKind

SEVERITIES = ("blocking", "warning")


class InvalidCriterion(ValueError):
    """A criterion's kind, parameters or messages are wrong (French message)."""


def message_fields(template: str) -> set[str]:
    """The names a message template quotes: "{hours} sur {required}" → {"hours", "required"}."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as exc:
        raise InvalidCriterion(f"message mal formé : {exc}") from None


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    kind: str
    label: str
    message_pass: str
    message_fail: str
    reference: str
    params: Mapping[str, Any] = field(default_factory=dict)
    severity: str = "blocking"
    definition: CriterionKind = field(init=False, repr=False, compare=False)
    prepared: Any = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        definition = KINDS.get(self.kind)
        if definition is None:
            raise InvalidCriterion(
                f"type de critère inconnu : {self.kind} ; types possibles : {', '.join(KINDS)}"
            )
        if self.severity not in SEVERITIES:
            raise InvalidCriterion(f"gravité inconnue : {self.severity}")
        try:
            prepared = definition.prepare(self.params)
        except ValueError as exc:
            raise InvalidCriterion(f"{self.code} : {exc}") from None
        for template in (self.message_pass, self.message_fail):
            unknown = message_fields(template) - set(definition.facts)
            if unknown:
                raise InvalidCriterion(
                    f"{self.code} : {{{', '.join(sorted(unknown))}}} inconnu dans le message ; "
                    f"disponibles : {', '.join('{' + f + '}' for f in definition.facts)}"
                )
        object.__setattr__(self, "definition", definition)
        object.__setattr__(self, "prepared", prepared)


class Step(NamedTuple):
    """A criterion flattened for the engine's inner loop."""

    evaluate: Any
    prepared: Any
    code: str
    label: str
    message_pass: str
    message_fail: str
    reference: str
    warning: bool


@dataclass(frozen=True)
class VersionSpec:
    code: str
    title: str
    criteria: tuple[CriterionSpec, ...]
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    source_reference: str = ""
    plan: tuple[Step, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        codes = [c.code for c in self.criteria]
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            raise InvalidCriterion(f"code de critère en double : {', '.join(duplicates)}")
        plan = tuple(
            Step(
                c.definition.evaluate,
                c.prepared,
                c.code,
                c.label,
                c.message_pass,
                c.message_fail,
                c.reference,
                c.severity == "warning",
            )
            for c in self.criteria
        )
        object.__setattr__(self, "plan", plan)

    def in_force_on(self, day: datetime.date) -> bool:
        """A period includes its first and its last day; a draft (no start) is never in force."""
        return (
            self.starts_on is not None
            and self.starts_on <= day
            and (self.ends_on is None or day <= self.ends_on)
        )


def select_version(specs: Iterable[VersionSpec], *, on: datetime.date) -> VersionSpec | None:
    """The version in force on a day, or None (e.g. before the first version)."""
    for spec in specs:
        if spec.in_force_on(on):
            return spec
    return None
