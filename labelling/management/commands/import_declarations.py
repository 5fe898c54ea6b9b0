"""python manage.py import_declarations FILE.jsonl [--dry-run] [--reports]

One declaration a line. Faulty lines are reported (line number and field) and not written.
Exit status: 0 no line rejected, 1 some rejected (the others are imported), 2 unreadable file."""

from django.core.management.base import BaseCommand

from labelling.conformity import Declaration, InvalidDeclaration, validate_declaration
from labelling.declarations import CREATED, REJECTED, UNCHANGED, UPDATED, import_declarations


class Command(BaseCommand):
    help = "Importe des déclarations de lieux (une déclaration JSON par ligne)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="fichier JSON Lines (.jsonl)")
        parser.add_argument("--dry-run", action="store_true", help="vérifier sans rien écrire")
        parser.add_argument(
            "--reports",
            action="store_true",
            help="enregistrer un rapport de conformité pour chaque lieu créé ou mis à jour",
        )

    def handle(self, *args, **options):
        try:
            with open(options["file"], encoding="utf-8") as handle:
                lines = handle.readlines()
        except (OSError, UnicodeDecodeError) as exc:
            self.stderr.write(f"{options['file']} : fichier illisible ({exc})")
            raise SystemExit(2) from None

        counts = {CREATED: 0, UPDATED: 0, UNCHANGED: 0, REJECTED: 0}
        valid: list[tuple[int, Declaration]] = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                valid.append((number, validate_declaration(line)))
            except InvalidDeclaration as exc:
                self._reject(number, exc.errors)
                counts[REJECTED] += 1

        outcomes = import_declarations(
            declarations=[declaration for _, declaration in valid],
            dry_run=options["dry_run"],
            record_reports=options["reports"],
            on_progress=self._progress if self.stderr.isatty() else None,
        )
        if self.stderr.isatty() and valid:
            self.stderr.write("")
        for (number, _), outcome in zip(valid, outcomes, strict=True):
            counts[outcome.status] += 1
            if outcome.status == REJECTED:
                self._reject(number, outcome.errors)

        if options["dry_run"]:
            self.stdout.write("Simulation (--dry-run) : rien n'a été enregistré.")
        self.stdout.write(
            f"créés : {counts[CREATED]}, mis à jour : {counts[UPDATED]}, "
            f"inchangés : {counts[UNCHANGED]}, rejetés : {counts[REJECTED]}"
        )
        if counts[REJECTED]:
            raise SystemExit(1)

    def _reject(self, number: int, errors) -> None:
        for error in errors:
            self.stderr.write(f"ligne {number} : {error}")

    def _progress(self, done: int, total: int) -> None:
        self.stderr.write(f"\r{done} / {total} déclarations traitées", ending="")
        self.stderr.flush()
