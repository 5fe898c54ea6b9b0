"""How national users make a new version of the cahier des charges: copy a version into a
draft, edit the draft's criteria, publish it with a date of effect.

Rules:
- only national users (ANCT) and administrators change versions;
- a published version never changes (a correction is a new version), so reports and dossiers
  that name it keep meaning what they meant;
- a version is published from a date that is today or later (never retroactively). If the
  latest published version is open-ended and starts before that date, it ends the day before:
  the new version takes over. Any other overlap with a published period is refused.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from labelling.conformity.declaration import today_in_paris
from labelling.conformity.formatting import format_date
from labelling.conformity.specs import CriterionSpec, InvalidCriterion
from labelling.models import Criterion, User, Version
from labelling.models.referential import VersionStatus
from labelling.versions.store import version_spec_from_model


class VersionError(ValueError):
    """A change to a version is refused; the message says why, in French."""


def _require_national(user: User) -> None:
    if not getattr(user, "is_national", False):
        raise PermissionDenied("Seule l'agence nationale modifie le cahier des charges.")


def _require_draft(version: Version) -> None:
    if version.status != VersionStatus.DRAFT:
        raise VersionError(
            f"La version {version.code} est publiée : elle ne se modifie plus. Pour la corriger, "
            "créez une nouvelle version à partir d'elle."
        )


def _check_criterion(criterion: Criterion) -> None:
    try:
        CriterionSpec(
            code=criterion.code,
            kind=criterion.kind,
            params=criterion.params or {},
            severity=criterion.severity,
            label=criterion.label,
            message_pass=criterion.message_pass,
            message_fail=criterion.message_fail,
            reference=criterion.reference,
        )
    except InvalidCriterion as exc:
        raise VersionError(str(exc)) from None


@transaction.atomic
def create_draft_version(
    *,
    user: User,
    code: str,
    title: str,
    source_reference: str = "",
    copy_from: Version | None = None,
) -> Version:
    """A new draft, with a copy of the criteria of ``copy_from`` when given."""
    _require_national(user)
    if Version.objects.filter(code=code).exists():
        raise VersionError(f"Une version porte déjà le code {code}.")
    draft = Version.objects.create(
        code=code, title=title, source_reference=source_reference, status=VersionStatus.DRAFT
    )
    if copy_from is not None:
        Criterion.objects.bulk_create(
            Criterion(
                version=draft,
                code=c.code,
                kind=c.kind,
                params=c.params,
                severity=c.severity,
                label=c.label,
                message_pass=c.message_pass,
                message_fail=c.message_fail,
                reference=c.reference,
                position=c.position,
            )
            for c in copy_from.criteria.order_by("position", "pk")
        )
    return draft


CRITERION_FIELDS = (
    "code",
    "kind",
    "params",
    "severity",
    "label",
    "message_pass",
    "message_fail",
    "reference",
    "position",
)


@transaction.atomic
def update_draft_criterion(*, user: User, criterion: Criterion, **changes) -> Criterion:
    """Change a criterion of a draft (parameters, messages, severity…), checked by the engine."""
    _require_national(user)
    criterion = Criterion.objects.select_related("version").select_for_update().get(pk=criterion.pk)
    _require_draft(criterion.version)
    unknown = set(changes) - set(CRITERION_FIELDS)
    if unknown:
        raise TypeError(f"unknown criterion fields: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(criterion, name, value)
    _check_criterion(criterion)
    if (
        Criterion.objects.filter(version=criterion.version, code=criterion.code)
        .exclude(pk=criterion.pk)
        .exists()
    ):
        raise VersionError(
            f"Un autre critère de cette version porte déjà le code {criterion.code}."
        )
    criterion.save()
    return criterion


@transaction.atomic
def add_draft_criterion(*, user: User, version: Version, **fields) -> Criterion:
    _require_national(user)
    version = Version.objects.select_for_update().get(pk=version.pk)
    _require_draft(version)
    fields.setdefault("position", version.criteria.count())
    criterion = Criterion(version=version, **fields)
    _check_criterion(criterion)
    if version.criteria.filter(code=criterion.code).exists():
        raise VersionError(f"Un critère de cette version porte déjà le code {criterion.code}.")
    criterion.save()
    return criterion


@transaction.atomic
def delete_draft_criterion(*, user: User, criterion: Criterion) -> None:
    _require_national(user)
    _require_draft(criterion.version)
    criterion.delete()


@transaction.atomic
def publish_version(*, version: Version, starts_on: datetime.date, user: User) -> Version:
    """Publish a draft from ``starts_on`` (see the rules in the module's docstring)."""
    _require_national(user)
    version = Version.objects.select_for_update().get(pk=version.pk)
    _require_draft(version)
    if starts_on < today_in_paris():
        raise VersionError(
            "Une version ne s'applique pas rétroactivement : choisissez une date à partir "
            "d'aujourd'hui."
        )
    try:
        spec = version_spec_from_model(version)
    except InvalidCriterion as exc:
        raise VersionError(str(exc)) from None
    if not spec.criteria:
        raise VersionError("Une version sans critère ne peut pas être publiée.")
    published = list(
        Version.objects.select_for_update()
        .filter(status=VersionStatus.PUBLISHED)
        .order_by("starts_on")
    )
    to_close = None
    for other in published:
        if other.ends_on is not None and other.ends_on < starts_on:
            continue
        if other.ends_on is None and other.starts_on < starts_on:
            to_close = other
            continue
        period = f"du {format_date(other.starts_on)}" + (
            f" au {format_date(other.ends_on)}" if other.ends_on else ", sans date de fin"
        )
        raise VersionError(
            f"Cette date chevauche la version {other.code} ({period}) : choisissez une date "
            "postérieure."
        )
    if to_close is not None:
        to_close.ends_on = starts_on - datetime.timedelta(days=1)
        to_close.save(update_fields=["ends_on"])
    version.status = VersionStatus.PUBLISHED
    version.starts_on = starts_on
    version.ends_on = None
    version.published_at = timezone.now()
    version.save(update_fields=["status", "starts_on", "ends_on", "published_at"])
    return version
