"""The préfecture checks that a submitted file is complete (stage « déposé »)."""

from __future__ import annotations

from documents import contexts
from labelling.models import User
from workflows.deadlines import deadline_for, stage_days, today
from workflows.errors import InvalidInput
from workflows.models import Application
from workflows.services.common import document_parts, request_document, signer, transition


def declare_complete(*, user: User, application_id) -> Application:
    """The file is complete: the instruction starts (its clock too)."""
    with transition("complete", user=user, application_id=application_id) as run:
        run.fire()
    return run.obj


def request_completion(*, user: User, application_id, message: str) -> Application:
    """Send the file back as « à compléter » with what is missing (`message`, read by the
    porteur): the deadline clock stops until the new submission (CRPA L114-5: the time limit
    runs only from the receipt of the missing pieces); a demande de compléments is produced."""
    with transition("request_more", user=user, application_id=application_id) as run:
        app = run.obj
        message = message.strip()
        if not message:
            raise InvalidInput(
                "Dites au porteur ce qui manque.",
                field_errors={"message": ["Précisez ce que le porteur doit compléter."]},
            )
        app.paused_remaining_days = (
            (app.stage_deadline - today()).days
            if app.stage_deadline
            else stage_days("completeness")
        )
        due_on = deadline_for("resubmission")
        entry = run.fire(comment=message)
        request_document(
            app,
            context=contexts.DemandeComplements(
                **document_parts(app), signataire=signer(user), items=(message,), due_on=due_on
            ),
            user=user,
            title="Demande de compléments",
            suffix=f"complements-{entry.pk}",
        )
    return app
