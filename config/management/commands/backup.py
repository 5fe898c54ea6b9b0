"""`manage.py backup [--dest DOSSIER]`: the database and the stored files, into a dated folder
(see config/backup.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config.backup import BackupError, backup


class Command(BaseCommand):
    help = "Sauvegarde la base de données et les fichiers (MEDIA_ROOT) dans un dossier daté."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dest",
            type=Path,
            default=Path(settings.BASE_DIR) / "backups",
            help="dossier où créer la sauvegarde datée (par défaut : backups/)",
        )

    def handle(self, *args, dest: Path, **options):
        try:
            folder = backup(destination=dest)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Sauvegarde faite dans {folder}")
