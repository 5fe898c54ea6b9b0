"""python manage.py check_conformity FILE|- [--against CODE] [--format json|text]

Exit status: 0 conform, 1 not conform, 2 invalid declaration or unknown version (stderr names
each faulty field by its JSON path, nothing is printed on stdout)."""

import json
import sys

from django.core.management.base import BaseCommand

from labelling.conformity import InvalidDeclaration, format_text
from labelling.conformity.validation import FieldError, parse_json
from labelling.versions.store import check_raw


class Command(BaseCommand):
    help = "Vérifie une déclaration (JSON) par rapport au cahier des charges."

    def add_arguments(self, parser):
        parser.add_argument("file", help="déclaration JSON, ou « - » pour l'entrée standard")
        parser.add_argument(
            "--against",
            metavar="CODE",
            help="code de la version du cahier des charges (par défaut : celle en vigueur à la "
            "date de la déclaration)",
        )
        parser.add_argument("--format", choices=("json", "text"), default="json")

    def handle(self, *args, **options):
        try:
            raw = parse_json(self._read(options["file"]))
            result = check_raw(raw=raw, against=options["against"])
        except InvalidDeclaration as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise SystemExit(2) from None
        if options["format"] == "text":
            self.stdout.write(format_text(result), ending="")
        else:
            self.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        if not result.conform:
            raise SystemExit(1)

    def _read(self, name: str) -> bytes:
        if name == "-":
            return sys.stdin.buffer.read()
        try:
            with open(name, "rb") as handle:
                return handle.read()
        except OSError as exc:
            raise InvalidDeclaration(
                [FieldError(name, f"fichier illisible : {exc.strerror or exc}")]
            ) from None
