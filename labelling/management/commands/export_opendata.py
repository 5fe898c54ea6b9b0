"""python manage.py export_opendata --format csv|json [--output FILE]

Writes the places whose label is in force today, in the format of the national list of France
Services places (CSV) or in the national standards of places of help (JSON); see
``labelling.opendata``. Without ``--output``, on standard output. Exit status 0; 2 when the file
cannot be written."""

import io

from django.core.management.base import BaseCommand, CommandError

from labelling.opendata import FORMATS, export_opendata


class Command(BaseCommand):
    help = "Exporte les lieux France Services labellisés en vigueur (données ouvertes)."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=FORMATS, default="csv", help="csv ou json")
        parser.add_argument("--output", help="fichier à écrire (par défaut : sortie standard)")

    def handle(self, *args, **options):
        name = options["output"]
        if not name or name == "-":
            buffer = io.StringIO()
            count = export_opendata(fmt=options["format"], output=buffer)
            self.stdout.write(buffer.getvalue(), ending="")
            self.stderr.write(f"{count} lieux exportés.")
            return
        try:
            with open(name, "w", encoding="utf-8", newline="") as handle:
                count = export_opendata(fmt=options["format"], output=handle)
        except OSError as exc:
            raise CommandError(
                f"{name} : impossible d'écrire le fichier (dossier absent, disque plein ou accès "
                f"refusé : {exc.__class__.__name__}).",
                returncode=2,
            ) from None
        self.stderr.write(f"{count} lieux exportés dans {name}.")
