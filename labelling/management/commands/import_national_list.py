"""python manage.py import_national_list FILE.csv [--dry-run]

Imports the national list of France Services places as the ANCT publishes it (see
``labelling.national_list``). Prints ``N créés, M mis à jour, K inchangés, F refusés``.
Exit status: 0 every row imported; 1 some rows refused (each on stderr as
``ligne L : colonne : message``, L the physical line where the record starts; the other rows
are imported); 2 the file cannot be read as this format (nothing written)."""

from django.core.management.base import BaseCommand

from labelling.national_list import UnreadableList, import_national_list, read_national_list


class Command(BaseCommand):
    help = "Importe la liste nationale des France Services publiée par l'ANCT (CSV)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier CSV de la liste nationale (ou « - »)")
        parser.add_argument("--dry-run", action="store_true", help="vérifier sans rien écrire")

    def handle(self, *args, **options):
        name = options["file"]
        try:
            listed = read_national_list(self._read(name))
        except UnreadableList as exc:
            self.stderr.write(f"{name} : {exc.message}")
            self.stderr.write("Rien n'a été importé.")
            raise SystemExit(2) from None
        tty = self.stderr.isatty()
        summary = import_national_list(
            listed=listed,
            dry_run=options["dry_run"],
            on_progress=self._progress if tty else None,
        )
        if tty and listed.places:
            self.stderr.write("")
        for error in summary.errors:
            self.stderr.write(str(error))
        if options["dry_run"]:
            self.stdout.write("Simulation (--dry-run) : rien n'a été enregistré.")
        self.stdout.write(str(summary))
        if summary.errors:
            raise SystemExit(1)

    def _read(self, name: str) -> bytes:
        if name == "-":
            import sys

            return sys.stdin.buffer.read()
        try:
            with open(name, "rb") as handle:
                return handle.read()
        except OSError as exc:
            raise UnreadableList(f"fichier illisible : {exc.strerror or exc}") from None

    def _progress(self, done: int, total: int) -> None:
        self.stderr.write(f"\r{done} / {total} lieux traités", ending="")
        self.stderr.flush()
