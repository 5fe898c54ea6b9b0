"""Where workflows calls the conformity engine (and the upload checks of the documents app).
The services ask the documents app for documents through `documents.services` directly
(`workflows.services.common`): reads never reach them.

Imports are local so that Django starts even while those apps load, and so that the calls can
be replaced in one place."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FieldError:
    path: str
    message: str


@dataclass
class ConformityOutcome:
    """The result of checking a raw declaration: either errors, or criteria."""

    version_code: str
    errors: list[FieldError] = field(default_factory=list)
    conform: bool | None = None
    criteria: list[dict[str, Any]] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def failed_codes(self) -> list[str]:
        return [c["code"] for c in self.criteria if c["status"] == "fail"]


def version_code_in_force(on: datetime.date | None = None) -> str:
    from labelling.versions.store import version_in_force
    from workflows.deadlines import today

    version = version_in_force(on=on or today())
    if version is None:
        from workflows.errors import TransitionNotAllowed

        raise TransitionNotAllowed("Aucune version du cahier des charges n'est en vigueur.")
    return version.code


def _version(version_code: str):
    from labelling.versions.store import get_version_spec

    return get_version_spec(version_code)


def national_partners(version_code: str) -> list[str]:
    """Codes of the national partners the version requires (for the conventions stage)."""
    spec = _version(version_code)
    for criterion in getattr(spec, "criteria", ()) or ():
        if criterion.kind == "required_partners":
            return list((criterion.params or {}).get("partners", []))
    return []


def check_declaration(raw: dict, *, version_code: str) -> ConformityOutcome:
    from labelling.conformity import InvalidDeclaration, check, validate_declaration

    try:
        declaration = validate_declaration(raw)
    except InvalidDeclaration as exc:
        return ConformityOutcome(
            version_code=version_code,
            errors=[FieldError(path=str(e.path), message=str(e.message)) for e in exc.errors],
        )
    result = check(declaration=declaration, version=_version(version_code))
    return ConformityOutcome(
        version_code=version_code,
        conform=bool(result.conform),
        criteria=[
            {
                "code": c.code,
                "status": c.status,
                "message": c.message,
                "reference": c.reference,
                "label": getattr(c, "label", "") or c.code,
            }
            for c in result.criteria
        ],
    )


def record_report(*, raw: dict, version_code: str, place=None, checked_by=None, process: str):
    """Validate, check and store an immutable ConformityReport (raises on invalid input)."""
    from labelling.conformity import validate_declaration
    from labelling.versions.store import record_conformity_report

    declaration = validate_declaration(raw)
    return record_conformity_report(
        declaration=declaration,
        version=_version(version_code),
        place=place,
        checked_by=checked_by,
        process=process,
    )


def validate_upload(uploaded_file) -> None:
    """Raise django.core.exceptions.ValidationError when the file is not acceptable."""
    from documents.uploads import validate_upload as _validate

    _validate(uploaded_file=uploaded_file)
