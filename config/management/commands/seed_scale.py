"""``python manage.py seed_scale [--places 30000] [--files 100000] [--activity 1000000]
[--seed 14] [--clear]``: a
synthetic network ten times today's, written in bulk (see `config.scale`), to try and measure
the national status pages at scale. Adds to what is there; ``--clear`` removes what an earlier
run wrote first."""

import time

from django.core.management.base import BaseCommand, CommandError

from config import scale


class Command(BaseCommand):
    help = "Construit un réseau synthétique à grande échelle (lieux, porteurs, dossiers)."

    def add_arguments(self, parser):
        parser.add_argument("--places", type=int, default=30_000, help="nombre de lieux")
        parser.add_argument("--files", type=int, default=100_000, help="nombre de dossiers")
        parser.add_argument(
            "--activity",
            type=int,
            default=1_000_000,
            help="lignes d'activité mensuelle (lieu, mois, opérateur)",
        )
        parser.add_argument("--seed", type=int, default=14, help="graine du tirage")
        parser.add_argument(
            "--clear", action="store_true", help="retirer d'abord le réseau d'une exécution passée"
        )

    def handle(self, *args, places, files, activity, seed, clear, **options):
        if places < 1 or files < 0 or activity < 0:
            raise CommandError(
                "Il faut au moins un lieu, et des nombres de dossiers et de lignes d'activité "
                "positifs ou nuls."
            )
        started = time.perf_counter()
        if clear:
            scale.clear()
        from labelling.models import Place

        start = Place.objects.filter(id_fs__startswith=scale.PREFIX).count()
        built = scale.build(
            places=places,
            files=files,
            seed=seed,
            start=start,
            activity=activity,
            progress=lambda message: self.stderr.write(message),
        )
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"{built.places} lieux, {built.porteurs} porteurs, {built.files} dossiers, "
            f"{built.activity} lignes d'activité créés en {elapsed:.1f} s".replace(".", ",")
        )
