"""The review's calls into the conformity engine and the versions of the cahier des charges:
the declaration checked against the version in force on the review date, and what changed
between the version the place was labelled under and that one."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from workflows import draft, integrations


def version_code_on(day: datetime.date) -> str:
    return integrations.version_code_in_force(day)


def check(declaration: dict, *, version_code: str, on: datetime.date):
    """`integrations.ConformityOutcome` of the declaration dated `on` against the version."""
    return integrations.check_declaration(
        draft.for_check(declaration, on=on), version_code=version_code
    )


@dataclass(frozen=True)
class CriterionChange:
    code: str
    label: str
    change: str  # « ajouté », « retiré », « modifié »
    before: str = ""
    after: str = ""


@dataclass(frozen=True)
class VersionChanges:
    old_code: str
    new_code: str
    old_title: str = ""
    new_title: str = ""
    changes: tuple[CriterionChange, ...] = field(default_factory=tuple)

    @property
    def same(self) -> bool:
        return self.old_code == self.new_code


def _describe_params(params: Any) -> str:
    if not params:
        return ""
    parts = []
    for key, value in dict(params).items():
        if isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value)
        parts.append(f"{key} : {value}")
    return " ; ".join(parts)


def version_changes(old_code: str, new_code: str) -> VersionChanges | None:
    """The criteria added, removed or changed from `old_code` to `new_code` (None when either
    version is unknown)."""
    from labelling.versions.store import UnknownVersion, get_version_spec

    try:
        old = get_version_spec(old_code)
        new = get_version_spec(new_code)
    except UnknownVersion:
        return None
    before = {c.code: c for c in old.criteria}
    after = {c.code: c for c in new.criteria}
    changes: list[CriterionChange] = []
    for code, criterion in after.items():
        earlier = before.get(code)
        if earlier is None:
            changes.append(CriterionChange(code, criterion.label, "ajouté"))
        elif (earlier.kind, dict(earlier.params), earlier.severity) != (
            criterion.kind,
            dict(criterion.params),
            criterion.severity,
        ):
            changes.append(
                CriterionChange(
                    code,
                    criterion.label,
                    "modifié",
                    before=_describe_params(earlier.params),
                    after=_describe_params(criterion.params),
                )
            )
    for code, criterion in before.items():
        if code not in after:
            changes.append(CriterionChange(code, criterion.label, "retiré"))
    return VersionChanges(
        old_code=old.code,
        new_code=new.code,
        old_title=old.title,
        new_title=new.title,
        changes=tuple(changes),
    )
