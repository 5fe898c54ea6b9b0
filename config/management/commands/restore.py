"""`manage.py restore DOSSIER [--database-url URL] [--media-root DOSSIER]`: a backup into a new
or empty database and files folder (see config/backup.py)."""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restaure une sauvegarde (dossier créé par « backup ») dans une base de données et un "
        "dossier de fichiers neufs ou vides."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="dossier de la sauvegarde")
        parser.add_argument(
            "--database-url",
            default=os.environ.get("DATABASE_URL", ""),
            help="base où restaurer (par défaut : DATABASE_URL) ; créée si elle n'existe pas",
        )
        parser.add_argument(
            "--media-root",
            type=Path,
            default=Path(settings.MEDIA_ROOT),
            help="dossier où restaurer les fichiers (par défaut : MEDIA_ROOT)",
        )

    def handle(self, *args, source: Path, database_url: str, media_root: Path, **options):
        if not database_url:
            raise CommandError(
                "Indiquez la base où restaurer : --database-url postgres://… (ou DATABASE_URL)."
            )
        try:
            manifest = restore(source=source, database_url=database_url, media_root=media_root)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Sauvegarde du {manifest['created_at']} restaurée : base {database_url.split('@')[-1]}, "
            f"{manifest['media']['files']} fichiers dans {media_root}"
        )
