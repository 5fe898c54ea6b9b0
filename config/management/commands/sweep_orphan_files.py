from django.core.management.base import BaseCommand

from config.files import sweep_orphan_files


class Command(BaseCommand):
    help = (
        "Supprime les fichiers stockés qu'aucune ligne ne référence (écrits dans une transaction "
        "annulée), plus anciens que le délai de grâce (ORPHAN_FILE_GRACE_HOURS)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="liste les fichiers sans les supprimer"
        )
        parser.add_argument(
            "--grace-hours", type=float, default=None, help="délai de grâce, en heures"
        )

    def handle(self, *args, **options):
        result = sweep_orphan_files(grace_hours=options["grace_hours"], dry_run=options["dry_run"])
        for name in result.orphans:
            self.stdout.write(name)
        verb = "à supprimer" if options["dry_run"] else "supprimés"
        self.stdout.write(
            f"{len(result.orphans)} fichiers sans ligne {verb}, {result.kept} référencés, "
            f"{result.too_recent} trop récents pour être jugés."
        )
