"""Export the application's lifecycle, drawn from its transition table (workflows.lifecycle):
BPMN 2.0 XML with its diagram (default), or DOT for Graphviz (viewflow's fsm.chart).

    python manage.py export_bpmn -o docs/candidature.bpmn
    python manage.py export_bpmn --format dot | dot -Tsvg > candidature.svg
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workflows import diagrams


class Command(BaseCommand):
    help = "Exporte le circuit de candidature (table des transitions) en BPMN 2.0 ou en DOT."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["bpmn", "dot"], default="bpmn")
        parser.add_argument(
            "--output", "-o", help="Fichier de sortie (par défaut : la sortie standard)."
        )

    def handle(self, *args, **options):
        result = diagrams.bpmn() if options["format"] == "bpmn" else diagrams.dot()
        if not options["output"]:
            self.stdout.write(result)
            return
        path = Path(options["output"])
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(result, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Écriture impossible de {path} : {exc}") from exc
        self.stdout.write(f"Circuit de candidature écrit dans {path}.")
