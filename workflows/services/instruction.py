"""The instruction (stage « en instruction »): the review of the criteria and the consultation
run side by side; each ends with a recorded fact, and the file moves on to the conventions as
soon as both are recorded (the guarded transition `enter_conventions`). Corrections of the
declaration and private notes happen here too."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from documents import services as documents
from labelling.models import Operator, User
from labelling.queueing import enqueue
from workflows import draft, integrations, permissions, selectors
from workflows.deadlines import deadline_for, today
from workflows.errors import AccessDenied, InvalidInput, NotFound, TransitionNotAllowed
from workflows.models import (
    Action,
    Application,
    ConventionTracking,
    CriterionReview,
    DeclarationCorrection,
    Opinion,
    OpinionKind,
    PrivateNote,
    Verdict,
)
from workflows.services.common import required_reason, transition

# --- the review of the criteria ----------------------------------------------------------------


def review_criteria(
    *, user: User, application_id, reviews: Sequence[dict[str, str]]
) -> list[CriterionReview]:
    """Record the instructor's verdicts: each item has code, verdict, comment, justification.
    A verdict that differs from the automatic result needs a justification (InvalidInput with
    the field « <code>-justification »). Each change is a private journal entry."""
    with transition("review", user=user, application_id=application_id) as run:
        app = run.obj
        automatic = {c["code"]: c["status"] for c in selectors.current_criteria(app)}
        errors: dict[str, list[str]] = {}
        for item in reviews:
            code = item["code"]
            if code not in automatic:
                raise InvalidInput(f"Le critère {code} n'existe pas dans cette version.")
            if item["verdict"] not in Verdict.values:
                errors[f"{code}-verdict"] = ["Choisissez une appréciation."]
            elif item["verdict"] != automatic[code] and not item.get("justification", "").strip():
                errors[f"{code}-justification"] = [
                    "Justifiez l'écart avec le résultat automatique."
                ]
        if errors:
            raise InvalidInput("Certaines appréciations sont incomplètes.", field_errors=errors)
        existing = {r.criterion_code: r for r in app.reviews.filter(revision=app.revision)}
        saved = []
        run.fire(journal=False)
        for item in reviews:
            code = item["code"]
            review = existing.get(code) or CriterionReview(
                application=app, revision=app.revision, criterion_code=code
            )
            values = (
                item["verdict"],
                item.get("comment", "").strip(),
                item.get("justification", "").strip(),
            )
            unchanged = review.pk and values == (
                review.verdict,
                review.comment,
                review.override_justification,
            )
            if unchanged and review.automatic_status == automatic[code]:
                saved.append(review)
                continue
            review.automatic_status = automatic[code]
            review.verdict, review.comment, review.override_justification = values
            if review.verdict == review.automatic_status:
                review.override_justification = ""
            review.reviewed_by = user
            review.save()
            run.lifecycle.record(
                user=user,
                action=Action.REVIEW,
                from_state=app.state,
                comment=review.override_justification or review.comment,
                private=True,
                data={
                    "criterion": code,
                    "automatic": review.automatic_status,
                    "verdict": review.verdict,
                    "comment": review.comment,
                    "justification": review.override_justification,
                },
                notify=False,
            )
            saved.append(review)
    return saved


def _enter_conventions(run, *, action: str) -> bool:
    """Both facts are recorded: the guarded transition to the conventions fires, with one
    tracking row per national partner the version requires."""
    app = run.obj
    if not run.lifecycle.allows("enter_conventions", run.user):
        return False
    required = integrations.national_partners(app.version_code)
    existing = set(app.convention_trackings.values_list("operator_id", flat=True))
    ConventionTracking.objects.bulk_create(
        [
            ConventionTracking(application=app, operator_id=code)
            for code in required
            if code not in existing
        ]
    )
    run.then("enter_conventions", action=action, notify=True)
    return True


def finish_review(*, user: User, application_id) -> Application:
    """Every criterion is appraised: the review's fact is recorded; with the consultation
    closed too, the file goes to the conventions."""
    with transition("finish_review", user=user, application_id=application_id) as run:
        _record_fact(run, other_done=run.obj.opinions_closed_at is not None)
    return run.obj


def _record_fact(run, *, other_done: bool) -> None:
    """Fire a fact-recording transition of the instruction; when the other branch is done
    too, the file enters the conventions (one journal entry, with the fact's action)."""
    if other_done:
        run.fire(journal=False, save=True)
        _enter_conventions(run, action=run.lifecycle.step(run.name).action)
    else:
        run.fire(save=True)


# --- the consultation --------------------------------------------------------------------------


def request_opinion(
    *,
    user: User,
    application_id,
    kind: str,
    addressee: str,
    addressee_email: str,
    question: str,
    operator_code: str = "",
    due_on: datetime.date | None = None,
    shared_document_ids: Iterable = (),
) -> Opinion:
    """Ask for an opinion, due on `due_on` (default: the `opinion` deadline). A partner
    operator is a user of Estampille: it reads the declaration and the documents of the file
    listed in `shared_document_ids` (never the rapport), and answers on its own page; others
    get the question by e-mail."""
    with transition("request_opinion", user=user, application_id=application_id) as run:
        app = run.obj
        operator = None
        if kind == OpinionKind.OPERATEUR:
            operator = Operator.objects.filter(pk=operator_code).first()
            if operator is None:
                raise InvalidInput(
                    "Choisissez l'opérateur consulté.",
                    field_errors={"operator_code": ["Choisissez l'opérateur consulté."]},
                )
        due_on = due_on or deadline_for("opinion")
        if due_on <= today():
            raise InvalidInput(
                "La date limite doit être dans le futur.",
                field_errors={"due_on": ["La date limite doit être postérieure à aujourd'hui."]},
            )
        shared_ids = {str(pk) for pk in shared_document_ids}
        shareable = selectors.shareable_documents(app=app)
        shared = [row for row in shareable if str(row.pk) in shared_ids]
        if len(shared) != len(shared_ids) or (shared and operator is None):
            message = (
                "Seuls les documents du dossier, hors rapport d'instruction, peuvent être montrés "
                "à un opérateur consulté."
            )
            raise InvalidInput(message, field_errors={"shared": [message]})
        opinion = Opinion.objects.create(
            application=app,
            kind=kind,
            operator=operator,
            addressee=addressee,
            addressee_email=addressee_email,
            question=question,
            due_on=due_on,
            requested_by=user,
        )
        opinion.shared_documents.set(shared)
        for row in shared:
            documents.share_document(
                row.document or row.piece, audience=permissions.operator_readers(opinion)
            )
        run.fire(
            comment=question,
            data={
                "opinion": str(opinion.pk),
                "addressee": addressee,
                "due_on": due_on.isoformat(),
                "shared": [str(row.pk) for row in shared],
            },
        )
        from workflows import tasks

        transaction.on_commit(lambda: enqueue(tasks.send_opinion_request, str(opinion.pk)))
    return opinion


def record_opinion(
    *, user: User, application_id, opinion_id, favourable: bool, answer: str
) -> Opinion:
    """The instructor records an opinion received, or the consulted partner operator gives it
    on its own page (another operator: AccessDenied). An opinion is recorded once."""
    with transition("record_opinion", user=user, application_id=application_id) as run:
        app = run.obj
        opinion = app.opinions.select_for_update().filter(pk=opinion_id).first()
        if opinion is None:
            raise NotFound("Cet avis n'existe pas.")
        if user.is_operator and not permissions.is_consulted_operator(user, opinion):
            raise AccessDenied("Cet avis n'est pas demandé à votre organisme.")
        if opinion.is_answered:
            raise TransitionNotAllowed("Cet avis est déjà enregistré.")
        if not answer.strip():
            raise InvalidInput(
                "Recopiez l'avis reçu.", field_errors={"answer": ["Écrivez l'avis."]}
            )
        opinion.answer = answer.strip()
        opinion.favourable = favourable
        opinion.answered_at = timezone.now()
        opinion.recorded_by = user
        opinion.save()
        run.fire(
            comment=opinion.answer, data={"opinion": str(opinion.pk), "favourable": favourable}
        )
    return opinion


def remind_opinion(*, opinion_id) -> bool:
    """Remind the addressee of an overdue opinion, once (the beat task calls this). False when
    there is nothing to remind (answered, reminded, not overdue, file closed)."""
    application_id = (
        Opinion.objects.filter(pk=opinion_id).values_list("application_id", flat=True).first()
    )
    if application_id is None:
        return False
    try:
        with transition("remind_opinion", user=None, application_id=application_id) as run:
            # Same lock order as every transition: the application first, then its rows.
            opinion = (
                run.obj.opinions.select_for_update()
                .filter(pk=opinion_id, answered_at__isnull=True, reminded_at__isnull=True)
                .first()
            )
            if opinion is None or opinion.due_on >= today():
                raise _NothingToDo
            opinion.reminded_at = timezone.now()
            opinion.save(update_fields=["reminded_at"])
            run.fire(comment=f"Relance de {opinion.addressee}.", data={"opinion": str(opinion.pk)})
            from workflows import tasks

            transaction.on_commit(lambda: enqueue(tasks.send_opinion_reminder, str(opinion.pk)))
    except (_NothingToDo, TransitionNotAllowed, NotFound):
        return False
    return True


class _NothingToDo(Exception):
    pass


def close_opinions(*, user: User, application_id) -> Application:
    """The opinions are given, or their time is up: the consultation's fact is recorded; with
    the criteria appraised too, the file goes to the conventions."""
    with transition("close_opinions", user=user, application_id=application_id) as run:
        _record_fact(run, other_done=run.obj.review_finished_at is not None)
    return run.obj


# --- corrections and notes ---------------------------------------------------------------------


def correct_declaration(
    *, user: User, application_id, path: str, value: Any, reason: str
) -> DeclarationCorrection:
    """Correct one declared value (`path` in declaration/1, e.g. « premises.digital_space »);
    the porteur's value stays in the snapshot and here, the conformity is checked again and
    the reviews follow the new automatic results."""
    with transition("correct", user=user, application_id=application_id) as run:
        app = run.obj
        reason = required_reason(reason, "Motivez la correction.")
        before = draft.get_path(app.declaration, path)
        corrected = draft.set_path(app.declaration, path, value)
        outcome = integrations.check_declaration(corrected, version_code=app.version_code)
        if not outcome.valid:
            raise InvalidInput(
                "La valeur corrigée n'est pas valable : "
                + " ; ".join(f"{e.path} : {e.message}" for e in outcome.errors),
                field_errors={"value": [e.message for e in outcome.errors]},
            )
        report = integrations.record_report(
            raw=corrected,
            version_code=app.version_code,
            place=app.place,
            checked_by=user,
            process="workflows.correction",
        )
        app.instructed_declaration = corrected
        app.conformity_report = report
        app.conform = outcome.conform
        automatic = {c["code"]: c["status"] for c in outcome.criteria}
        for review in app.reviews.filter(revision=app.revision):
            new = automatic.get(review.criterion_code)
            if new is None or new == review.automatic_status:
                continue
            if review.verdict == review.automatic_status:
                review.verdict = new
            review.automatic_status = new
            if review.verdict == review.automatic_status:
                review.override_justification = ""
            review.save()
        correction = DeclarationCorrection.objects.create(
            application=app,
            revision=app.revision,
            path=path,
            porteur_value=before,
            corrected_value=value,
            reason=reason,
            corrected_by=user,
            conformity_report=report,
        )
        run.fire(
            save=True,
            notify=True,
            comment=reason,
            data={"path": path, "before": before, "after": value, "conform": outcome.conform},
        )
    return correction


def add_private_note(*, user: User, application_id, body: str) -> PrivateNote:
    """A note of the préfecture, never shown to the porteur."""
    with transition("add_note", user=user, application_id=application_id) as run:
        if not body.strip():
            raise InvalidInput("La note est vide.", field_errors={"body": ["Écrivez la note."]})
        note = PrivateNote.objects.create(application=run.obj, author=user, body=body.strip())
        run.fire()
    return note
