"""python manage.py open_renewal_campaign --year YYYY: opens the yearly reviews by hand (the
beat does it on `RENEWAL_CAMPAIGN_DATE`); prints « N revues créées, M déjà existantes »."""

from django.core.management.base import BaseCommand, CommandError

from workflows.errors import WorkflowError
from workflows.renewal import services


class Command(BaseCommand):
    help = "Ouvre la campagne des revues annuelles d'une année (une revue par lieu labellisé)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="année de la campagne")
        parser.add_argument(
            "--no-email", action="store_true", help="ne pas prévenir les porteurs par courriel"
        )

    def handle(self, *args, year: int, no_email: bool, **options):
        try:
            outcome = services.open_campaign(year=year, notify=not no_email)
        except WorkflowError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(outcome.summary())
