"""Create the self-signed development seal (key and certificate of DOCUMENTS_SEAL_KEY and
DOCUMENTS_SEAL_CERT) when none exists; `make run` calls it. Never for production, which is
given a real key and certificate."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from documents.seal import ensure_dev_pair


class Command(BaseCommand):
    help = "Crée le sceau électronique de développement (clé et certificat auto-signé)."

    def handle(self, *args, **options):
        if not settings.DOCUMENTS_SEAL_DEV_PAIR:
            raise CommandError(
                "DOCUMENTS_SEAL_DEV_PAIR est désactivé : en production, fournissez une vraie clé "
                "et un vrai certificat (DOCUMENTS_SEAL_KEY, DOCUMENTS_SEAL_CERT)."
            )
        key, cert = Path(settings.DOCUMENTS_SEAL_KEY), Path(settings.DOCUMENTS_SEAL_CERT)
        if ensure_dev_pair(key, cert):
            self.stdout.write(f"Sceau de développement créé : {key}, {cert}")
        else:
            self.stdout.write(f"Sceau déjà présent : {cert}")
