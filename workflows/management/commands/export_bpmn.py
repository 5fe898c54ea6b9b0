"""Export the application flow as BPMN 2.0 XML (or SVG), from viewflow's own chart.

Same as `manage.py flowexport workflows/flows.ApplicationFlow --format bpmn`, with a default
flow and an output file option."""

from django.core.management.base import BaseCommand, CommandError
from viewflow.workflow import chart

from workflows.flows import ApplicationFlow


class Command(BaseCommand):
    help = "Exporte le circuit de candidature au format BPMN 2.0 (ou SVG)."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["bpmn", "svg"], default="bpmn")
        parser.add_argument(
            "--output", "-o", help="Fichier de sortie (par défaut : la sortie standard)."
        )

    def handle(self, *args, **options):
        if options["format"] == "bpmn":
            grid = chart.calc_layout_data(
                ApplicationFlow, edge_start_gap_size=0, edge_end_gap_size=0
            )
            result = chart.grid_to_bpmn(grid)
        else:
            result = chart.grid_to_svg(chart.calc_layout_data(ApplicationFlow))
        if options["output"]:
            try:
                with open(options["output"], "w", encoding="utf-8") as output:
                    output.write(result)
            except OSError as exc:
                raise CommandError(f"Écriture impossible : {exc}") from exc
        else:
            self.stdout.write(result)
