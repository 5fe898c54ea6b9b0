"""Stored files that no row references, swept: a file written inside a transaction that was
rolled back afterwards (a refused submission, a crash between the upload and the commit), or
left by a row deleted outside the application, stays on disk forever otherwise.

``sweep_orphan_files`` walks the folders of ``MEDIA_ROOT`` where the application stores files
(``SWEPT_FOLDERS``), compares them with every ``FileField`` of every model, and deletes the
files referenced by no row and older than ``ORPHAN_FILE_GRACE_HOURS`` (a file being written by a
transaction not yet committed is younger than that). Run every night by Celery beat
(``config.tasks.sweep_orphan_files``) and by ``manage.py sweep_orphan_files [--dry-run]``."""

from __future__ import annotations

import datetime
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models

logger = logging.getLogger("estampille.files")

# Where the application writes (documents/models.py, labelling/models/network.py, opendata).
SWEPT_FOLDERS = ("documents", "conventions", "opendata")


@dataclass
class Sweep:
    orphans: list[str] = field(default_factory=list)
    too_recent: int = 0
    kept: int = 0


def referenced_names() -> set[str]:
    names: set[str] = set()
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                names.update(
                    model._default_manager.exclude(**{model_field.name: ""})
                    .values_list(model_field.name, flat=True)
                    .iterator()
                )
    names.discard(None)
    return names


def sweep_orphan_files(*, grace_hours: float | None = None, dry_run: bool = False) -> Sweep:
    hours = settings.ORPHAN_FILE_GRACE_HOURS if grace_hours is None else grace_hours
    root = Path(settings.MEDIA_ROOT)
    limit = time.time() - datetime.timedelta(hours=hours).total_seconds()
    # Read the rows after listing the disk: a file written meanwhile is recent, so kept.
    on_disk = []
    for folder in SWEPT_FOLDERS:
        for directory, _dirs, files in os.walk(root / folder):
            on_disk.extend(Path(directory) / name for name in files)
    referenced = referenced_names()
    result = Sweep()
    for path in on_disk:
        name = path.relative_to(root).as_posix()
        if name in referenced:
            result.kept += 1
            continue
        try:
            modified = path.stat().st_mtime
        except FileNotFoundError:
            continue
        if modified > limit:
            result.too_recent += 1
            continue
        result.orphans.append(name)
        if not dry_run:
            path.unlink(missing_ok=True)
    if result.orphans:
        logger.warning(
            "%s fichier(s) sans ligne %s : %s",
            len(result.orphans),
            "trouvé(s)" if dry_run else "supprimé(s)",
            ", ".join(result.orphans[:20]),
        )
    return result
