"""Factories and helpers that bring an application to any stage through the services."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import InstructeurFactory, PorteurUserFactory, SignataireFactory
from workflows import selectors, services
from workflows.models import Application, Outcome, State, TrackingStatus


def _blank_pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


MINIMAL_PDF = _blank_pdf()

NATIONAL = [
    "caf",
    "assurance_maladie",
    "assurance_retraite",
    "msa",
    "france_travail",
    "la_poste",
    "dgfip",
    "justice",
    "interieur",
]

DAY = [["09:00", "12:00"], ["13:30", "17:00"]]


def pdf(name: str = "piece.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


def conform_steps(commune_insee: str = "63003", name: str = "France Services d'Ambert") -> dict:
    """What each draft step holds for a conform France Services place."""
    return {
        "porteur": {"kind": "commune", "name": "Commune d'Ambert"},
        "lieu": {"name": name, "commune_insee": commune_insee, "address": "1 place de la Mairie"},
        "horaires": {day: DAY for day in ("mo", "tu", "we", "th", "fr")},
        "agents": [
            {
                "name": "Claire Martin",
                "fte": 1.0,
                "trainings": [{"kind": "france_services_initiale", "completed_on": "2021-03-01"}],
            },
            {
                "name": "Paul Roux",
                "fte": 1.0,
                "trainings": [{"kind": "france_services_initiale", "completed_on": "2022-05-10"}],
            },
        ],
        "operateurs": [{"code": code, "presence": "remote"} for code in NATIONAL],
        "locaux": {"confidential_office": True, "digital_space": True, "accessible_pmr": True},
        "pieces": {},
    }


def drafted(
    porteur_user=None, *, commune_insee: str = "63003", conform: bool = True
) -> Application:
    porteur_user = porteur_user or PorteurUserFactory()
    app = services.start_application(user=porteur_user)
    steps = conform_steps(commune_insee)
    if not conform:
        steps["locaux"] = {"confidential_office": False, "digital_space": True}
    for step, data in steps.items():
        services.save_draft_step(user=porteur_user, application_id=app.pk, step=step, data=data)
    app.refresh_from_db()
    return app


def porteur_of(app: Application):
    return app.created_by


def submitted(**kwargs) -> Application:
    app = drafted(**kwargs)
    justification = "" if kwargs.get("conform", True) else "Travaux prévus."
    return services.submit_application(
        user=porteur_of(app), application_id=app.pk, justification=justification
    )


def in_instruction(instructor=None, **kwargs) -> Application:
    app = submitted(**kwargs)
    instructor = instructor or InstructeurFactory(departement_id=app.departement_id)
    return services.declare_complete(user=instructor, application_id=app.pk)


def review_all(app: Application, instructor) -> None:
    services.review_criteria(
        user=instructor,
        application_id=app.pk,
        reviews=[
            {"code": c["code"], "verdict": c["status"], "comment": "", "justification": ""}
            for c in selectors.current_criteria(app)
        ],
    )


def in_conventions(instructor=None, **kwargs) -> Application:
    app = submitted(**kwargs)
    instructor = instructor or InstructeurFactory(departement_id=app.departement_id)
    services.declare_complete(user=instructor, application_id=app.pk)
    review_all(app, instructor)
    services.finish_review(user=instructor, application_id=app.pk)
    services.close_opinions(user=instructor, application_id=app.pk)
    app.refresh_from_db()
    return app


def in_proposal(instructor=None, **kwargs) -> Application:
    app = in_conventions(instructor=instructor, **kwargs)
    instructor = instructor or InstructeurFactory(departement_id=app.departement_id)
    for tracking in app.convention_trackings.all():
        services.set_convention_status(
            user=instructor,
            application_id=app.pk,
            operator_code=tracking.operator_id,
            status=TrackingStatus.NATIONAL,
        )
    services.finish_conventions(user=instructor, application_id=app.pk)
    app.refresh_from_db()
    return app


def in_decision(instructor=None, *, outcome: str = Outcome.LABEL, **kwargs) -> Application:
    app = in_proposal(instructor=instructor, **kwargs)
    instructor = instructor or app.journal.filter(actor__role="instructeur").first().actor
    if outcome == Outcome.LABEL:
        services.propose(
            user=instructor,
            application_id=app.pk,
            outcome=outcome,
            reasons="Le lieu remplit le cahier des charges.",
            effective_on=datetime.date(2030, 1, 1),
        )
    else:
        services.propose(
            user=instructor,
            application_id=app.pk,
            outcome=outcome,
            reasons="Pas de bureau de confidentialité.",
            failed_criteria=["premises.confidential_office"],
        )
    app.refresh_from_db()
    assert app.state == State.DECISION
    return app


def signed(**kwargs) -> Application:
    app = in_decision(**kwargs)
    signataire = SignataireFactory(departement_id=app.departement_id)
    return services.sign_decision(user=signataire, application_id=app.pk)
