"""The conventions with the national partners (stage « conventions »): each is signed (the PDF
is uploaded, then validated) or covered by a national agreement."""

from __future__ import annotations

import datetime

from labelling.models import User
from workflows.deadlines import today
from workflows.errors import InvalidInput, NotFound, TransitionNotAllowed
from workflows.models import Application, ConventionTracking, DocumentRole, TrackingStatus
from workflows.services.common import store_piece, transition


def _tracking(app: Application, operator_code: str) -> ConventionTracking:
    tracking = (
        app.convention_trackings.select_for_update()
        .select_related("operator")
        .filter(operator_id=operator_code)
        .first()
    )
    if tracking is None:
        raise NotFound("Cette convention n'est pas suivie pour ce dossier.")
    return tracking


def upload_convention(
    *, user: User, application_id, operator_code: str, signed_on: datetime.date, uploaded_file
) -> ConventionTracking:
    """The signed convention (PDF) is uploaded by the porteur or the instructor, then
    validated by the instructor (`set_convention_status`)."""
    with transition("upload_convention", user=user, application_id=application_id) as run:
        app = run.obj
        tracking = _tracking(app, operator_code)
        if tracking.status in (TrackingStatus.SIGNED, TrackingStatus.NATIONAL):
            raise TransitionNotAllowed("Cette convention est déjà réglée.")
        if signed_on > today():
            raise InvalidInput(
                "La date de signature ne peut être dans le futur.",
                field_errors={"signed_on": ["La date de signature ne peut être dans le futur."]},
            )
        row = store_piece(
            app,
            role=DocumentRole.CONVENTION,
            kind=operator_code,
            title=f"Convention signée — {tracking.operator.name}",
            uploaded_file=uploaded_file,
            user=user,
            subject=f"convention:{operator_code}",
        )
        tracking.status = TrackingStatus.RECEIVED
        tracking.signed_on = signed_on
        tracking.piece = row.piece
        tracking.updated_by = user
        tracking.validated_by = None
        tracking.save()
        run.fire(
            comment=f"{tracking.operator.name} : convention signée reçue.",
            data={"operator": operator_code, "status": tracking.status},
        )
    return tracking


def set_convention_status(
    *, user: User, application_id, operator_code: str, status: str, comment: str = ""
) -> ConventionTracking:
    """Instructor: validate a received convention, mark it covered by a national agreement, or
    set it back to awaited (with a comment)."""
    with transition("set_convention_status", user=user, application_id=application_id) as run:
        tracking = _tracking(run.obj, operator_code)
        if status == TrackingStatus.SIGNED:
            if tracking.status != TrackingStatus.RECEIVED:
                raise TransitionNotAllowed(
                    "Aucune convention signée n'a été reçue pour cet opérateur."
                )
            tracking.validated_by = user
        elif status == TrackingStatus.NATIONAL:
            tracking.validated_by = user
            tracking.piece = None
            tracking.signed_on = None
        elif status == TrackingStatus.AWAITED:
            if not comment.strip():
                raise InvalidInput("Dites pourquoi la convention est de nouveau attendue.")
            tracking.validated_by = None
            tracking.piece = None
            tracking.signed_on = None
        else:
            raise InvalidInput("État de convention inconnu.")
        tracking.status = status
        tracking.updated_by = user
        tracking.save()
        run.fire(
            comment=f"{tracking.operator.name} : {tracking.get_status_display()}. {comment}".strip(),
            data={"operator": operator_code, "status": status},
        )
    return tracking


def finish_conventions(*, user: User, application_id) -> Application:
    """No convention is awaited any more: the proposal can be written."""
    with transition("finish_conventions", user=user, application_id=application_id) as run:
        run.fire()
    return run.obj
