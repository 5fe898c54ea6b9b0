"""python manage.py funding_simulation --year YYYY --labelled-on YYYY-MM-DD

Prints, as JSON on stdout, the subsidy the rules give for `--year` to a place whose label takes
effect on `--labelled-on` (pro-rated in its first year when the rate says so), split between
the funders:

    {"year": 2020, "total": "15081.97", "parts": [{"funder": "État (FNADT)", "amount": "7540.99"}, …]}

Exit status 0; 2 with a French message on stderr and nothing on stdout when the input is
invalid or no rate is set for that year."""

from __future__ import annotations

import datetime
import json
import re
import sys

from django.core.management.base import BaseCommand

from labelling.funding import rules, selectors

USAGE = "usage : python manage.py funding_simulation --year AAAA --labelled-on AAAA-MM-JJ"


def french_error(message):
    sys.stderr.write(
        "Arguments invalides : indiquez l'année (--year AAAA) et la date d'effet du label "
        f"(--labelled-on AAAA-MM-JJ).\n{USAGE}\n"
    )
    raise SystemExit(2)


def fail(message: str):
    sys.stderr.write(message.rstrip() + "\n")
    raise SystemExit(2)


class Command(BaseCommand):
    help = "Simule la subvention d'une année pour un label en vigueur à une date donnée."

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.error = french_error  # argparse's own messages are English
        return parser

    def add_arguments(self, parser):
        parser.add_argument("--year", metavar="AAAA", help="année de la subvention")
        parser.add_argument(
            "--labelled-on",
            metavar="AAAA-MM-JJ",
            dest="labelled_on",
            help="date d'effet du label (le prorata de la première année part de cette date)",
        )

    def handle(self, *args, **options):
        year_text = (options.get("year") or "").strip() if options.get("year") is not None else ""
        date_text = options.get("labelled_on")
        if not year_text:
            fail(f"Indiquez l'année de la subvention (--year AAAA).\n{USAGE}")
        if not re.fullmatch(r"\d{4}", str(year_text)):
            fail(f"Année invalide : « {year_text} ». Écrivez-la sur quatre chiffres (ex. 2024).")
        year = int(year_text)
        if not date_text:
            fail(f"Indiquez la date d'effet du label (--labelled-on AAAA-MM-JJ).\n{USAGE}")
        date_text = str(date_text).strip()
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date_text):
                raise ValueError
            labelled_on = datetime.date.fromisoformat(date_text)
        except ValueError:
            fail(
                f"Date invalide : « {date_text} ». Écrivez une date qui existe, au format "
                "AAAA-MM-JJ (ex. 2020-07-01)."
            )
        try:
            computation = selectors.compute(year=year, effective_on=labelled_on)
        except rules.RuleError as exc:
            fail(str(exc))
        funders = selectors.funders()
        result = computation.as_json()
        for part in result["parts"]:
            funder = funders.get(part["funder"])
            part["funder"] = funder.short_name if funder else part["funder"]
        self.stdout.write(json.dumps(result, ensure_ascii=False))
