"""Demo data for `make run`: Puy-de-Dôme (13 labelled places and 10 in project, as in the 2018
meeting report; 3 of the 10 are applications made through the workflow) and Hautes-Alpes
(11 labelled places linked by visio), on real communes, with one user per role.
Idempotent: running it again changes nothing."""

import datetime
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from labelling.models import (
    Agent,
    Commune,
    OpeningInterval,
    Operator,
    OperatorPresence,
    Place,
    Porteur,
    Role,
    Training,
    User,
)
from labelling.models.network import LabelStatus, Presence, TrainingKind
from labelling.text import of_place

DEMO_PASSWORD = "Estampille-demo-2026"

NATIONAL_PARTNERS = [
    "caf", "assurance_maladie", "assurance_retraite", "msa", "france_travail",
    "la_poste", "dgfip", "justice", "interieur",
]  # fmt: skip

# (commune name, porteur kind, porteur name, SIRET or "", labelled)
PUY_DE_DOME = [
    ("Ambert", "epci", "Communauté de communes Ambert Livradois Forez", "20007146300018", True),
    ("Besse-et-Saint-Anastaise", "commune", "Commune de Besse-et-Saint-Anastaise", "", True),
    ("Cunlhat", "epci", "Communauté de communes Ambert Livradois Forez", "20007146300018", True),
    ("Manzat", "epci", "Communauté de communes Combrailles Sioule et Morge", "", True),
    ("Pontaumur", "epci", "Communauté de communes Chavanon Combrailles et Volcans", "", True),
    ("Saint-Anthème", "association", "Association Vivre en Haut-Livradois", "52297314500017", True),
    ("Saint-Gervais-d'Auvergne", "commune", "Commune de Saint-Gervais-d'Auvergne", "", True),
    ("Sauxillanges", "la_poste", "La Poste", "35600000000100", True),
    ("Tauves", "commune", "Commune de Tauves", "", True),
    ("Viverols", "la_poste", "La Poste", "35600000000100", True),
    ("Pionsat", "association", "Association Combrailles Services", "", True),
    ("Rochefort-Montagne", "epci", "Communauté de communes Dômes Sancy Artense", "", True),
    ("Courpière", "commune", "Commune de Courpière", "", True),
    ("Thiers", "epci", "Communauté de communes Thiers Dore et Montagne", "", False),
    ("Saint-Éloy-les-Mines", "commune", "Commune de Saint-Éloy-les-Mines", "", False),
    ("Billom", "epci", "Billom Communauté", "", False),
    ("Giat", "la_poste", "La Poste", "35600000000100", False),
    ("Ardes", "association", "Association Cézallier Services", "", False),
    ("Saint-Germain-l'Herm", "etat", "Sous-préfecture d'Ambert", "", False),
    ("Arlanc", "autre", "Régie de territoire du Livradois", "", False),
]

HAUTES_ALPES = [
    ("Gap", "etat", "Préfecture des Hautes-Alpes", "", True),
    ("Briançon", "commune", "Commune de Briançon", "", True),
    ("Embrun", "epci", "Communauté de communes Serre-Ponçon", "", True),
    ("Laragne-Montéglin", "epci", "Communauté de communes du Sisteronais-Buëch", "", True),
    ("Serres", "epci", "Communauté de communes du Sisteronais-Buëch", "", True),
    ("Veynes", "association", "Association Buëch Services", "", True),
    ("Guillestre", "commune", "Commune de Guillestre", "", True),
    ("L'Argentière-la-Bessée", "commune", "Commune de L'Argentière-la-Bessée", "", True),
    ("Saint-Bonnet-en-Champsaur", "epci", "Communauté de communes Champsaur-Valgaudemar", "", True),
    ("Aiguilles", "la_poste", "La Poste", "35600000000100", True),
    ("Rosans", "association", "Association Rosanais Services", "", True),
]

WEEK = {
    0: [(510, 720), (810, 1050)],
    1: [(510, 720), (810, 1050)],
    2: [(510, 720), (810, 1050)],
    3: [(510, 720), (810, 1050)],
    4: [(510, 720), (810, 1020)],
    5: [(540, 720)],
}
SHORT_WEEK = {0: [(540, 720), (840, 1020)], 1: [(540, 720)], 3: [(540, 720), (840, 1020)]}

AGENT_NAMES = [
    "Mireille Pujol", "Adrien Baudouin", "Sylvie Ferré", "Kamel Haddad", "Bernadette Rouch",
    "Julien Chassaing", "Amandine Vidal", "Thierry Brun", "Nadia Cherif", "Loïc Fabre",
]  # fmt: skip


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            places = []
            places += self._seed_departement("63", PUY_DE_DOME)
            places += self._seed_departement("05", HAUTES_ALPES)
            accounts = self._seed_users()
            self._seed_prefectures()
            self._seed_applications()
            self._seed_funding()
            self._seed_reviews()
        self._seed_coverage()
        # Counted in the database, as the README states them (the places made by the demo
        # applications included).
        demo = Place.objects.filter(departement_id__in=("63", "05"))
        labelled = demo.filter(label_status=LabelStatus.LABELLED).count()
        total = demo.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Données de démonstration prêtes : {total} lieux ({labelled} labellisés, "
                f"{total - labelled} en projet ou en candidature)."
            )
        )
        self.stdout.write(f"Comptes de démonstration (mot de passe commun : {DEMO_PASSWORD}) :")
        for email, label in accounts:
            self.stdout.write(f"  {email:<40} {label}")

    def _seed_coverage(self) -> None:
        """The network's coverage (hourly by beat in production), computed once for the demo."""
        from labelling.coverage import refresh_coverage
        from labelling.models import CoverageRun

        if not CoverageRun.objects.exists():
            refresh_coverage()

    def _commune(self, departement: str, name: str) -> Commune:
        commune = Commune.objects.filter(departement_id=departement, name=name).first()
        if commune is None:
            raise CommandError(f"Commune introuvable dans le {departement} : {name}")
        return commune

    def _seed_prefectures(self) -> None:
        """The demo préfectures' details and their signataires' delegations of signature."""
        from documents.prefectures import ensure_demo_prefecture

        for code in ("63", "05"):
            signataires = User.objects.filter(role=Role.SIGNATAIRE, departement_id=code)
            ensure_demo_prefecture(code, delegates=list(signataires))
            instructors = User.objects.filter(role=Role.INSTRUCTEUR, departement_id=code)
            ensure_demo_prefecture(
                code, delegates=list(instructors), title="la cheffe du bureau France Services"
            )

    def _seed_departement(self, code: str, rows) -> list[Place]:
        places = []
        for index, (commune_name, kind, porteur_name, siret, labelled) in enumerate(rows, start=1):
            id_fs = f"DEMO-{code}-{index:02d}"
            place = Place.objects.filter(id_fs=id_fs).first()
            if place is None:
                place = self._create_place(
                    code, index, commune_name, kind, porteur_name, siret, labelled
                )
            places.append(place)
        return places

    def _porteur(self, kind: str, name: str, siret: str, commune: Commune) -> Porteur:
        if siret:
            porteur, _ = Porteur.objects.get_or_create(
                siret=siret, defaults={"kind": kind, "name": name, "commune": commune}
            )
            return porteur
        porteur = Porteur.objects.filter(kind=kind, name=name).first()
        return porteur or Porteur.objects.create(kind=kind, name=name, commune=commune)

    def _create_place(
        self, code, index, commune_name, kind, porteur_name, siret, labelled
    ) -> Place:
        commune = self._commune(code, commune_name)
        porteur = self._porteur(kind, porteur_name, siret, commune)
        wave = datetime.date(2020, 1, 1) if index % 2 else datetime.date(2020, 9, 1)
        prefix = "France Services" if labelled else "Projet de France Services"
        place = Place.objects.create(
            id_fs=f"DEMO-{code}-{index:02d}",
            name=f"{prefix} {of_place(commune_name)}",
            address=f"{index} place de la Mairie, {commune.postal_codes.split(' ')[0]} {commune_name}",
            commune=commune,
            porteur=porteur,
            reference_date=datetime.date(2026, 9, 1),
            confidential_office=True,
            digital_space=labelled or index % 3 != 0,
            accessible_pmr=index % 4 != 0,
            label_status=LabelStatus.LABELLED if labelled else LabelStatus.CANDIDATE,
            labelled_on=(wave - datetime.timedelta(days=45)) if labelled else None,
            label_effective_on=wave if labelled else None,
        )
        week = WEEK if labelled or index % 2 else SHORT_WEEK
        OpeningInterval.objects.bulk_create(
            OpeningInterval(place=place, weekday=day, start_minute=s, end_minute=e, position=i)
            for day, intervals in week.items()
            for i, (s, e) in enumerate(intervals)
        )
        agent_count = 2 if labelled else 1 + index % 2
        for position in range(agent_count):
            agent = Agent.objects.create(
                place=place,
                name=AGENT_NAMES[(index + position) % len(AGENT_NAMES)],
                fte=Decimal("1.0") if position == 0 else Decimal("0.8"),
                position=position,
            )
            Training.objects.create(
                agent=agent,
                kind=TrainingKind.FRANCE_SERVICES_INITIALE
                if labelled
                else TrainingKind.PRIMO_ACCUEIL,
                completed_on=datetime.date(2019, 11, 15) + datetime.timedelta(days=30 * position),
            )
        operators = {op.code: op for op in Operator.objects.all()}
        partners = NATIONAL_PARTNERS if labelled else NATIONAL_PARTNERS[: 4 + index % 5]
        OperatorPresence.objects.bulk_create(
            OperatorPresence(
                place=place,
                operator=operators[op_code],
                presence=Presence.ON_SITE if position % 3 == 0 else Presence.REMOTE,
                convention_signed_on=datetime.date(2019, 12, 2) if labelled else None,
                position=position,
            )
            for position, op_code in enumerate(partners)
        )
        return place

    def _user(self, email: str, label: str, **fields) -> tuple[str, str]:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, **fields)
        return email, label

    def _seed_users(self) -> list[tuple[str, str]]:
        accounts = [
            self._user(
                "admin@estampille.test", "administrateur (admin Django)",
                first_name="Alex", last_name="Admin", role=Role.ADMIN, is_staff=True,
                is_superuser=True,
            ),
            self._user(
                "anct@estampille.test", "agence nationale (ANCT), lecture de tout le réseau",
                first_name="Nora", last_name="Benali", role=Role.NATIONAL,
            ),
        ]  # fmt: skip
        for code, name, porteur_place in (
            ("63", "du Puy-de-Dôme", 1),
            ("05", "des Hautes-Alpes", 2),
        ):
            accounts.append(
                self._user(
                    f"instructeur-{code}@estampille.test", f"instructeur, préfecture {name}",
                    first_name="Claire", last_name=f"Instructrice {code}",
                    role=Role.INSTRUCTEUR, departement_id=code,
                )
            )  # fmt: skip
            accounts.append(
                self._user(
                    f"signataire-{code}@estampille.test", f"signataire (préfet), préfecture {name}",
                    first_name="Claire" if code == "63" else "Paul",
                    last_name="Fontanel" if code == "63" else "Roche",
                    role=Role.SIGNATAIRE, departement_id=code,
                )
            )  # fmt: skip
            place = (
                Place.objects.filter(id_fs=f"DEMO-{code}-{porteur_place:02d}")
                .select_related("porteur")
                .get()
            )
            accounts.append(
                self._user(
                    f"porteur-{code}@estampille.test", f"porteur : {place.porteur.name}",
                    first_name="Jeanne", last_name=f"Porteuse {code}",
                    role=Role.PORTEUR, porteur=place.porteur,
                )
            )  # fmt: skip
        accounts.append(
            self._user(
                "operateur-caf@estampille.test", "opérateur partenaire : CAF",
                first_name="Luc", last_name="Caf", role=Role.OPERATEUR, operator_id="caf",
            )
        )  # fmt: skip
        return accounts

    def _seed_applications(self) -> None:
        """Applications of the Puy-de-Dôme porteur at several stages, made through the workflow
        services as a person would, so that every queue has something to show."""
        from workflows import services as workflow
        from workflows.models import Application

        porteur = User.objects.get(email="porteur-63@estampille.test")
        if Application.objects.filter(created_by=porteur).exists():
            return
        instructor = User.objects.get(email="instructeur-63@estampille.test")
        stages = [
            ("Maison France Services d'Olliergues", "63258", "draft"),
            ("France Services de Job", "63179", "submitted"),
            ("France Services de Marsac-en-Livradois", "63211", "instruction"),
        ]
        for name, insee_code, stage in stages:
            app = workflow.start_application(user=porteur)
            for step, data in _demo_steps(name, insee_code, porteur.porteur).items():
                workflow.save_draft_step(user=porteur, application_id=app.pk, step=step, data=data)
            if stage == "draft":
                continue
            workflow.submit_application(user=porteur, application_id=app.pk)
            if stage == "instruction":
                workflow.declare_complete(user=instructor, application_id=app.pk)

    def _seed_funding(self) -> None:
        """Puy-de-Dôme's funding: envelopes 2025 and 2026, the files of both years opened, the
        2025 decisions of three places signed (one paid), one 2026 proposal to sign."""
        from labelling.funding import services as rules
        from workflows.funding import services as funding
        from workflows.funding.models import FundingFile, FundingState

        if FundingFile.objects.filter(departement_id="63").exists():
            return
        anct = User.objects.get(email="anct@estampille.test")
        instructor = User.objects.get(email="instructeur-63@estampille.test")
        signataire = User.objects.get(email="signataire-63@estampille.test")
        porteur = User.objects.get(email="porteur-63@estampille.test")
        for year in (2025, 2026):
            for funder in ("fnadt", "fonds_national_fs"):
                rules.set_envelope(
                    user=anct, departement_code="63", year=year, funder_code=funder,
                    amount=Decimal("200000"),
                )  # fmt: skip
            funding.open_year(user=instructor, year=year)
        files = FundingFile.objects.filter(departement_id="63", state=FundingState.TO_REVIEW)
        mine = files.filter(porteur_id=porteur.porteur_id)
        to_sign = list(mine.filter(year=2025)) + list(
            files.filter(year=2025)
            .exclude(porteur_id=porteur.porteur_id)
            .order_by("place__name")[:2]
        )
        for n, file in enumerate(to_sign):
            funding.propose(user=instructor, file_id=file.pk)
            funding.sign(user=signataire, file_id=file.pk, signed_on=datetime.date(2025, 3, 14))
            if n == 0:
                for payment in file.payments.all():
                    funding.order_payment(
                        user=instructor, file_id=file.pk, payment_id=payment.pk,
                        on=datetime.date(2025, 4, 1),
                    )  # fmt: skip
                    funding.pay(
                        user=instructor, file_id=file.pk, payment_id=payment.pk,
                        on=datetime.date(2025, 4, 18),
                    )  # fmt: skip
        proposal = files.filter(year=2026).order_by("place__name").first()
        if proposal is not None:
            funding.propose(user=instructor, file_id=proposal.pk)

    def _seed_reviews(self) -> None:
        """The year's renewal campaign (idempotent), last year's monthly figures of the
        Puy-de-Dôme's places (one month left empty), and one review already submitted."""
        from labelling.models import MonthlyActivity
        from workflows.deadlines import today
        from workflows.renewal import services as renewal
        from workflows.renewal.models import Review, ReviewState

        year = today().year
        renewal.open_campaign(year=year, notify=False)
        places = Place.objects.filter(departement_id="63", label_status=LabelStatus.LABELLED)
        if not MonthlyActivity.objects.filter(place__in=places).exists():
            rows = []
            for n, place in enumerate(places.order_by("id_fs")):
                codes = list(
                    place.presences.exclude(presence=Presence.NONE).values_list(
                        "operator_id", flat=True
                    )
                )[:5]
                for month in range(1, 13):
                    if month == 1 + n % 12:
                        continue  # a month without figures, shown in the review
                    for i, code in enumerate(codes):
                        people = 20 + (n * 7 + month * 3 + i * 11) % 60
                        rows.append(
                            MonthlyActivity(
                                place=place,
                                month=datetime.date(year - 1, month, 1),
                                operator_id=code,
                                people_helped=people,
                                requests=people + (month + i) % 15,
                            )
                        )
            MonthlyActivity.objects.bulk_create(rows, batch_size=1000)
        porteur = User.objects.get(email="porteur-63@estampille.test")
        review = (
            Review.objects.filter(year=year, place__porteur_id=porteur.porteur_id)
            .order_by("place__name")
            .first()
        )
        if review is not None and review.state == ReviewState.OPEN:
            renewal.confirm_unchanged(user=porteur, review_id=review.pk, activity_confirmed=True)


def _demo_steps(name: str, insee_code: str, porteur: Porteur) -> dict:
    day = [["09:00", "12:00"], ["13:30", "17:00"]]
    return {
        "porteur": {"kind": porteur.kind, "name": porteur.name, "siret": porteur.siret or ""},
        "lieu": {"name": name, "commune_insee": insee_code, "address": "Place de la Mairie"},
        "horaires": {d: day for d in ("mo", "tu", "we", "th", "fr")},
        "agents": [
            {
                "name": agent,
                "fte": 1.0,
                "trainings": [{"kind": "france_services_initiale", "completed_on": "2024-03-01"}],
            }
            for agent in ("Élodie Vernière", "Bastien Coudert")
        ],
        "operateurs": [{"code": code, "presence": "remote"} for code in NATIONAL_PARTNERS],
        "locaux": {"confidential_office": True, "digital_space": True, "accessible_pmr": True},
        "pieces": {},
    }
