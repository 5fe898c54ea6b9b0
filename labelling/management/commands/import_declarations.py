"""python manage.py import_declarations FILE.jsonl [--dry-run] [--reports]

One declaration a line. Faulty lines are reported (line number and field) and not written.
Exit status: 0 no line rejected, 1 some rejected (the others are imported), 2 unreadable file."""

from django.core.management.base import BaseCommand

from labelling import text
from labelling.conformity import Declaration, InvalidDeclaration, validate_declaration
from labelling.conformity.validation import parse_json
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
            with open(options["file"], "rb") as handle:
                data = handle.read()
        except OSError as exc:
            self.stderr.write(f"{options['file']} : fichier illisible ({exc.strerror or exc})")
            raise SystemExit(2) from None

        counts = {CREATED: 0, UPDATED: 0, UNCHANGED: 0, REJECTED: 0}
        valid: list[tuple[int, Declaration]] = []
        lines = list(read_lines(data))
        undecodable = [line for _, line in lines if isinstance(line, text.UndecodableText)]
        if (
            undecodable and not any(isinstance(line, str) and line.strip() for _, line in lines)
        ) or (b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff"))):
            reason = (
                undecodable[0].message if undecodable else "caractère nul : pas un fichier texte"
            )
            self.stderr.write(
                f"{options['file']} : fichier illisible ({reason}) ; attendu : une déclaration "
                "JSON par ligne, en UTF-8."
            )
            raise SystemExit(2)
        for number, line in lines:
            if isinstance(line, text.UndecodableText):
                self._reject(number, [line.message])
                counts[REJECTED] += 1
                continue
            if not line.strip():
                continue
            try:
                # Free text is cleaned at the boundary (no control character is stored).
                raw = text.clean_strings(parse_json(line))
                valid.append((number, validate_declaration(raw)))
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
            message = str(error).removeprefix(f"ligne {number} : ")
            self.stderr.write(f"ligne {number} : {message}")


def read_lines(data: bytes):
    """(number, text) of each line of a JSON Lines file: UTF-8 with or without a byte order mark
    (UTF-16 with its mark); a line that is not UTF-8 comes as its `UndecodableText`, so that
    the other lines are still read."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            whole = text.decode_text(data)
        except text.UndecodableText:
            pass
        else:
            yield from enumerate(whole.splitlines(), start=1)
            return
    data = data.removeprefix(b"\xef\xbb\xbf")
    for number, chunk in enumerate(data.split(b"\n"), start=1):
        try:
            yield number, text.decode_text(chunk, first_line=number, what="cette ligne")
        except text.UndecodableText as exc:
            yield number, exc

    def _progress(self, done: int, total: int) -> None:
        self.stderr.write(f"\r{done} / {total} déclarations traitées", ending="")
        self.stderr.flush()
