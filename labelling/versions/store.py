"""The database side of the conformity engine: versions stored as ``Version``/``Criterion`` rows
become ``VersionSpec`` objects, and checks are kept as immutable ``ConformityReport`` rows."""

from __future__ import annotations

import datetime
import hashlib
import json
from decimal import Decimal
from typing import Any

from django.db import transaction

from labelling.conformity.declaration import Declaration
from labelling.conformity.engine import CheckResult, check
from labelling.conformity.formatting import format_date
from labelling.conformity.specs import CriterionSpec, VersionSpec, select_version
from labelling.conformity.validation import FieldError, InvalidDeclaration, validate_declaration
from labelling.models import ConformityReport, Criterion, User, Version
from labelling.models.referential import VersionStatus
from labelling.territories import UnknownCommune, resolve_commune


class UnknownVersion(LookupError):
    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(f"version du cahier des charges inconnue : {code}")


def criterion_spec_from_model(criterion: Criterion) -> CriterionSpec:
    return CriterionSpec(
        code=criterion.code,
        kind=criterion.kind,
        params=criterion.params or {},
        severity=criterion.severity,
        label=criterion.label,
        message_pass=criterion.message_pass,
        message_fail=criterion.message_fail,
        reference=criterion.reference,
    )


def version_spec_from_model(version: Version) -> VersionSpec:
    """The version as the engine reads it (criteria in their position order)."""
    criteria = sorted(version.criteria.all(), key=lambda c: (c.position, c.pk))
    return VersionSpec(
        code=version.code,
        title=version.title,
        criteria=tuple(criterion_spec_from_model(c) for c in criteria),
        starts_on=version.starts_on if version.status == VersionStatus.PUBLISHED else None,
        ends_on=version.ends_on if version.status == VersionStatus.PUBLISHED else None,
        source_reference=version.source_reference,
    )


def published_version_specs() -> tuple[VersionSpec, ...]:
    versions = Version.objects.filter(status=VersionStatus.PUBLISHED).prefetch_related("criteria")
    return tuple(version_spec_from_model(v) for v in versions.order_by("starts_on"))


def version_in_force(*, on: datetime.date) -> VersionSpec | None:
    """The published version in force on a day (None before the first one)."""
    version = (
        Version.objects.filter(status=VersionStatus.PUBLISHED, starts_on__lte=on)
        .exclude(ends_on__lt=on)
        .prefetch_related("criteria")
        .order_by("-starts_on")
        .first()
    )
    return version_spec_from_model(version) if version else None


def get_version_spec(code: str, *, include_drafts: bool = False) -> VersionSpec:
    """A version by its code; drafts only when asked (impact studies, previews)."""
    versions = Version.objects.filter(code=code).prefetch_related("criteria")
    if not include_drafts:
        versions = versions.filter(status=VersionStatus.PUBLISHED)
    version = versions.first()
    if version is None:
        raise UnknownVersion(code)
    return version_spec_from_model(version)


def resolve_version(*, declaration: Declaration, against: str | None) -> VersionSpec:
    """The version named by ``against``, else the one in force on the declaration's date.

    Raises ``InvalidDeclaration`` (an error of the input, exit status 2) when there is none."""
    if against:
        try:
            return get_version_spec(against)
        except UnknownVersion as exc:
            known = ", ".join(v.code for v in published_version_specs())
            raise InvalidDeclaration(
                [FieldError("against", f"{exc} ; versions publiées : {known}")]
            ) from None
    version = select_version(published_version_specs(), on=declaration.reference_date)
    if version is None:
        raise InvalidDeclaration(
            [
                FieldError(
                    "reference_date",
                    "aucune version du cahier des charges n'est en vigueur le "
                    f"{format_date(declaration.reference_date)}",
                )
            ]
        )
    return version


def check_raw(*, raw: object, against: str | None = None) -> CheckResult:
    """Validate a raw declaration, pick its version and check it (what the command and the API
    do). Raises ``InvalidDeclaration`` for an invalid input, a code that designates no commune
    (the same rule as the imports and the forms: ``labelling.territories``) or an unknown
    version."""
    declaration = validate_declaration(raw)
    try:
        resolve_commune(declaration.site.commune_insee)
    except UnknownCommune as exc:
        raise InvalidDeclaration([FieldError("site.commune_insee", exc.message)]) from None
    return check(
        declaration=declaration, version=resolve_version(declaration=declaration, against=against)
    )


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def canonical_json(data: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: the bytes a report's SHA-256 is computed on."""
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default
    ).encode("utf-8")


def report_results(result: CheckResult) -> dict[str, Any]:
    """The contract JSON, with each criterion's label for the pages that show the report."""
    data = result.to_dict()
    for item, criterion in zip(data["criteria"], result.criteria, strict=True):
        item["label"] = criterion.label
    return data


@transaction.atomic
def record_conformity_report(
    *,
    declaration: Declaration,
    version: VersionSpec | Version,
    place=None,
    checked_by: User | None = None,
    process: str,
) -> ConformityReport:
    """Check a declaration and keep the result, never to be changed."""
    if isinstance(version, Version):
        model, spec = version, version_spec_from_model(version)
    else:
        model, spec = Version.objects.get(code=version.code), version
    result = check(declaration=declaration, version=spec)
    data = declaration.to_dict()
    return ConformityReport.objects.create(
        place=place,
        version=model,
        version_code=model.code,
        declaration=data,
        results=report_results(result),
        conform=result.conform,
        checked_by=checked_by,
        process=process,
        sha256=hashlib.sha256(canonical_json(data)).hexdigest(),
    )
