"""The porteur drafts and submits its application (stages « brouillon » and « à compléter »)."""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from documents import contexts
from documents import services as documents
from labelling.declarations import export_declaration
from labelling.models import Place, User
from labelling.territories import UnknownCommune, resolve_commune_code
from workflows import draft, integrations, permissions, selectors
from workflows.deadlines import stage_days, today
from workflows.errors import AccessDenied, InvalidInput
from workflows.models import Action, Application, ApplicationDocument, DocumentRole, State
from workflows.services.common import (
    document_parts,
    journal,
    request_document,
    store_piece,
    transition,
)


@transaction.atomic
def start_application(*, user: User, place_id=None) -> Application:
    """A new draft; for one of the porteur's candidate places, prefilled with what the place
    already declares. Raises AccessDenied (not a porteur), InvalidInput (not such a place)."""
    if not user.is_porteur:
        raise AccessDenied("Seul un porteur peut déposer une candidature.")
    place = None
    declaration = draft.empty_declaration(porteur=user.porteur)
    if place_id:
        place = (
            None
            if not _is_uuid(place_id)
            else selectors.candidate_places_without_application(user=user)
            .filter(pk=place_id)
            .first()
        )
        if place is None:
            raise InvalidInput(
                "Ce lieu n'est pas l'un de vos lieux en projet sans candidature en cours.",
                field_errors={"place": ["Choisissez l'un de vos lieux en projet."]},
            )
        declaration = export_declaration(place=place)
        declaration.pop("reference_date", None)
    app = Application.objects.create(
        porteur=user.porteur,
        created_by=user,
        place=place,
        departement_id=place.departement_id if place else None,
        version_code=integrations.version_code_in_force(),
        draft_declaration=declaration,
    )
    journal(app, user=user, action=Action.CREATE)
    return app


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _place_from_step(app: Application, data: dict) -> None:
    try:
        resolved = resolve_commune_code(data["commune_insee"])
    except UnknownCommune as exc:
        raise InvalidInput(
            "La commune est inconnue.", field_errors={"commune_insee": [exc.message]}
        ) from None
    commune = resolved.commune
    place = app.place
    if place is None:
        place = Place(porteur_id=app.porteur_id, commune=commune)
    elif place.commune_id != commune.pk:
        if app.state != State.DRAFT:
            raise InvalidInput(
                "La commune ne peut plus changer après le dépôt.",
                field_errors={"commune_insee": ["La commune ne peut plus changer après le dépôt."]},
            )
        place.commune = commune
        place.departement_id = commune.departement_id
    place.commune_alias = resolved.alias
    place.name = data["name"]
    place.address = data.get("address", "")
    place.itinerant = data.get("itinerant", False)
    place.save()
    app.place = place
    app.departement_id = place.departement_id


def save_draft_step(*, user: User, application_id, step: str, data: dict) -> Application:
    """Save one step of the form (the draft is resumable at any step); `data` is what the
    step's form gives (declaration/1 part). The place step creates or updates the place."""
    with transition("edit_draft", user=user, application_id=application_id) as run:
        app = run.obj
        if step not in draft.STEP_SLUGS:
            raise InvalidInput("Cette étape n'existe pas.")
        if step == "lieu":
            _place_from_step(app, data)
        app.draft_declaration = draft.apply_step(app.draft_declaration, step=step, data=data)
        if step not in app.completed_steps:
            app.completed_steps = [s for s in draft.STEP_SLUGS if s in {*app.completed_steps, step}]
        run.fire(save=True)
    return app


def add_supporting_document(
    *, user: User, application_id, title: str, uploaded_file, replace=None
) -> ApplicationDocument:
    """Keep a piece of the draft (validated by content; raises ValidationError if refused);
    with `replace` (a piece of the draft), the new file takes its place. A piece attached
    counts: the « pièces » step is filled in."""
    with transition("edit_draft", user=user, application_id=application_id) as run:
        app = run.obj
        if app.place is None:
            raise InvalidInput("Renseignez d'abord l'étape « Lieu ».")
        replaced = _draft_piece(app, replace) if replace else None
        if replaced is not None and not title:
            title = replaced.title
        row = store_piece(
            app,
            role=DocumentRole.SUPPORTING,
            title=title,
            uploaded_file=uploaded_file,
            user=user,
            subject="pieces",
        )
        if replaced is not None:
            _forget_piece(replaced)
        if "pieces" not in app.completed_steps:
            app.completed_steps = [
                s for s in draft.STEP_SLUGS if s in {*app.completed_steps, "pieces"}
            ]
        run.fire(save=True)
    return row


def remove_supporting_document(*, user: User, application_id, document_id) -> Application:
    """Take a piece out of the draft (before submission only: the table allows `edit_draft`
    in the draft and while completing the file)."""
    with transition("edit_draft", user=user, application_id=application_id) as run:
        app = run.obj
        _forget_piece(_draft_piece(app, document_id))
        run.fire()
    return app


def _draft_piece(app: Application, document_id) -> ApplicationDocument:
    row = (
        app.documents.filter(role=DocumentRole.SUPPORTING, revision=app.revision, pk=document_id)
        .select_related("piece")
        .first()
        if _is_uuid(document_id) or str(document_id).isdigit()
        else None
    )
    if row is None:
        raise InvalidInput("Cette pièce n'est pas l'une des pièces de votre brouillon.")
    return row


def _forget_piece(row: ApplicationDocument) -> None:
    """The piece leaves the file, and its stored file goes too (nobody could read it)."""
    piece = row.piece
    row.delete()
    if piece is None or ApplicationDocument.objects.filter(piece=piece).exists():
        return
    name = piece.file.name
    try:
        piece.delete()
    except ProtectedError:  # kept by another record (a convention): it stays
        return
    transaction.on_commit(lambda: piece.file.storage.delete(name))


def submit_application(*, user: User, application_id, justification: str = "") -> Application:
    """Dépôt (first submission) or new submission after a request for more: the declaration is
    checked and frozen with its conformity; the clock starts (or resumes with the days that
    were left); an accusé de réception is asked for. A non-conform file needs a
    `justification` (InvalidInput on that field)."""
    with transition("submit", user=user, application_id=application_id) as run:
        app = run.obj
        first = app.state == State.DRAFT
        if first:
            # A file is checked against the version in force on the day it is first submitted.
            app.version_code = integrations.version_code_in_force()
        raw = draft.for_check(app.draft_declaration, on=today())
        outcome = integrations.check_declaration(raw, version_code=app.version_code)
        if not outcome.valid:
            raise InvalidInput(
                "La déclaration est incomplète : "
                + " ; ".join(f"{e.path} : {e.message}" for e in outcome.errors)
            )
        justification = justification.strip()
        if not outcome.conform and not justification:
            raise InvalidInput(
                "Le lieu ne remplit pas tous les critères : expliquez pourquoi vous déposez "
                "quand même.",
                field_errors={
                    "justification": [
                        "Une justification est obligatoire pour un dossier non conforme."
                    ]
                },
            )
        report = integrations.record_report(
            raw=raw,
            version_code=app.version_code,
            place=app.place,
            checked_by=user,
            process="workflows.submission",
        )
        now = timezone.now()
        number = app.journal.filter(action__in=[Action.SUBMIT, Action.RESUBMIT]).count() + 1
        pieces = list(app.documents.filter(role=DocumentRole.SUPPORTING).select_related("piece"))
        # The département is settled now: the pieces are read by this file's readers only.
        for row in pieces:
            documents.share_document(
                row.piece, audience=permissions.file_readers(app), replace=True
            )
        app.submitted_snapshot = {
            "number": number,
            "submitted_at": now.isoformat(),
            "version_code": app.version_code,
            "declaration": raw,
            "conformity": {"conform": outcome.conform, "criteria": outcome.criteria},
            "report_id": str(report.pk),
            "justification": justification,
            "documents": [{"id": str(row.piece_id), "title": row.title} for row in pieces],
        }
        app.instructed_declaration = raw
        app.conformity_report = report
        app.conform = outcome.conform
        app.non_conformity_justification = justification
        app.submitted_at = now
        if first:
            app.first_submitted_at = now
            run.fire(comment=justification)
        else:
            # The clock resumes with the days that were left when it stopped.
            remaining = app.paused_remaining_days
            app.paused_remaining_days = None
            run.fire(comment=justification)
            app.stage_deadline = today() + datetime.timedelta(days=remaining)
            app.save(update_fields=["stage_deadline", "updated_at"])
        request_document(
            app,
            context=contexts.AccuseReception(
                **document_parts(app),
                submission_number=number,
                submitted_on=timezone.localdate(now),
                # The deadlines the préfecture is configured with (WORKFLOW_DEADLINES).
                completeness_days=stage_days("completeness"),
                instruction_days=stage_days("instruction"),
            ),
            user=user,
            title=f"Accusé de réception du dépôt n° {number}",
            suffix=f"depot-{number}",
        )
    return app
