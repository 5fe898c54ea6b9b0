"""Render one PDF of each kind from demo data: OUTDIR/<kind>.pdf (nothing is stored in the
database except, when none exists, a demo place in the Puy-de-Dôme)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from documents.codes import specimen_code
from documents.models import DocumentKind
from documents.rendering import render_pdf
from documents.samples import sample_context, with_place
from documents.services import verify_url
from labelling.models import Commune, Place, Porteur, PorteurKind

DEMO_ID_FS = "DEMO-DOCUMENTS-63"


class Command(BaseCommand):
    help = "Produit un PDF de chaque type de document à partir de données de démonstration."

    def add_arguments(self, parser):
        parser.add_argument("outdir", help="dossier où écrire <type>.pdf")
        parser.add_argument("--kind", action="append", choices=DocumentKind.values, default=None)

    def handle(self, *args, outdir: str, kind: list[str] | None, **options):
        out = Path(outdir)
        out.mkdir(parents=True, exist_ok=True)
        place = self._demo_place()
        for code in kind or DocumentKind.values:
            context = with_place(sample_context(code), place, place.porteur)
            # A specimen: stamped as such, with a code of the specimen series that the
            # verification page never takes for a document.
            verification_code = specimen_code()
            pdf = render_pdf(
                context=context,
                verification_code=verification_code,
                verify_url=verify_url(verification_code),
                specimen=True,
            )
            path = out / f"{code}.pdf"
            path.write_bytes(pdf)
            self.stdout.write(f"{path} ({len(pdf) // 1024} Kio)")
        self.stdout.write(self.style.SUCCESS(f"Documents d'exemple écrits dans {out}."))

    @transaction.atomic
    def _demo_place(self) -> Place:
        place = (
            Place.objects.select_related("commune", "porteur", "departement")
            .filter(departement_id="63")
            .order_by("id_fs", "name")
            .first()
        )
        if place is not None:
            return place
        commune = Commune.objects.filter(pk="63003").first()
        if commune is None:
            raise CommandError(
                "Les territoires ne sont pas chargés : lancez d'abord « manage.py migrate »."
            )
        porteur, _ = Porteur.objects.get_or_create(
            name="Communauté de communes Ambert Livradois Forez",
            defaults={"kind": PorteurKind.EPCI},
        )
        place, _ = Place.objects.get_or_create(
            id_fs=DEMO_ID_FS,
            defaults={
                "name": "France Services d'Ambert",
                "address": "12 place Charles de Gaulle",
                "commune": commune,
                "porteur": porteur,
            },
        )
        return place
