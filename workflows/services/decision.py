"""The proposal, the signature of the decision, and reopening a decided file (stages
« proposition », « décision », « labellisé » / « refusé »)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone

from documents import contexts
from labelling.declarations import apply_declaration_to_place
from labelling.models import Convention, ConventionStatus, Place, User
from labelling.models.network import LabelStatus
from workflows import selectors
from workflows.deadlines import today
from workflows.errors import InvalidInput
from workflows.models import Application, Outcome, State, TrackingStatus
from workflows.services.common import (
    criteria_lines,
    decision_sources,
    document_parts,
    request_document,
    required_reason,
    signer,
    transition,
)


def propose(
    *,
    user: User,
    application_id,
    outcome: str,
    reasons: str,
    effective_on: datetime.date | None = None,
    failed_criteria: Iterable[str] = (),
) -> Application:
    """The instructor proposes to label (with the date of effect) or to refuse (naming the
    criteria not met: CRPA L211-2, a refusal is motivated); the rapport d'instruction is
    produced, for the préfecture only."""
    with transition("propose", user=user, application_id=application_id) as run:
        app = run.obj
        reasons = reasons.strip()
        failed = sorted(set(failed_criteria))
        errors: dict[str, list[str]] = {}
        if not reasons:
            errors["reasons"] = ["Motivez la proposition."]
        if outcome == Outcome.REFUSE:
            codes = {c["code"] for c in selectors.current_criteria(app)}
            if not failed:
                errors["failed_criteria"] = ["Un refus nomme les critères non remplis."]
            elif set(failed) - codes:
                errors["failed_criteria"] = [
                    "Ces critères n'existent pas dans la version du dossier."
                ]
        elif outcome == Outcome.LABEL:
            if effective_on is None:
                errors["effective_on"] = ["Indiquez la date d'effet proposée."]
            elif (submitted := app.first_submitted_at or app.submitted_at) and (
                effective_on < submitted.astimezone(datetime.UTC).date()
            ):
                errors["effective_on"] = [
                    f"La date d'effet ne peut précéder le dépôt du dossier (le "
                    f"{timezone.localdate(submitted):%d/%m/%Y}) : le label ne vaut pas pour le "
                    "passé."
                ]
            failed = []
        else:
            errors["outcome"] = ["Choisissez de labelliser ou de refuser."]
        if errors:
            raise InvalidInput("La proposition est incomplète.", field_errors=errors)
        app.proposed_outcome = outcome
        app.proposal_reasons = reasons
        app.refusal_criteria = failed
        app.proposed_effective_on = effective_on
        app.proposed_by = user
        app.proposed_at = timezone.now()
        run.fire(comment=reasons, data={"outcome": outcome, "failed_criteria": failed})
        labels = {c["code"]: c for c in selectors.current_criteria(app)}
        request_document(
            app,
            context=contexts.RapportInstruction(
                **document_parts(app),
                signataire=signer(user),
                reviews=tuple(
                    contexts.ReviewLine(
                        code=r.criterion_code,
                        label=labels.get(r.criterion_code, {}).get("label", ""),
                        automatic=r.automatic_status,
                        verdict=r.verdict,
                        comment=r.comment,
                        justification=r.override_justification,
                    )
                    for r in app.reviews.filter(revision=app.revision)
                ),
                outcome=outcome,
                reasons=reasons,
                effective_on=effective_on,
                failed=criteria_lines(app, failed),
            ),
            user=user,
            title=f"Rapport d'instruction (révision {app.revision})",
            suffix="rapport",
        )
    return app


def _record_conventions(app: Application, place: Place) -> None:
    """The conventions collected during the instruction become the place's conventions."""
    trackings = list(app.convention_trackings.select_related("piece"))
    Convention.objects.filter(place=place).delete()
    Convention.objects.bulk_create(
        Convention(
            place=place,
            operator_id=t.operator_id,
            status=ConventionStatus.SIGNED
            if t.status == TrackingStatus.SIGNED
            else ConventionStatus.NATIONAL,
            signed_on=t.signed_on if t.status == TrackingStatus.SIGNED else None,
            file=t.piece.file.name if t.status == TrackingStatus.SIGNED and t.piece else "",
        )
        for t in trackings
        if t.status in (TrackingStatus.SIGNED, TrackingStatus.NATIONAL)
    )


def sign_decision(
    *,
    user: User,
    application_id,
    decided_on: datetime.date | None = None,
    effective_on: datetime.date | None = None,
    reasons: str = "",
) -> Application:
    """The signataire (never the proposer) signs the decision proposed: labelled (the
    instructed declaration and the conventions become the place's, the label takes effect on
    `effective_on`) or refused (motivated); the arrêté or the refusal is produced."""
    with transition("sign", user=user, application_id=application_id) as run:
        app = run.obj
        typed_effective_on = effective_on
        decided_on = decided_on or today()
        if decided_on > today():
            raise InvalidInput(
                "La date de la décision ne peut être postérieure à aujourd'hui.",
                field_errors={
                    "decided_on": ["La date de la décision ne peut être postérieure à aujourd'hui."]
                },
            )
        app.decided_by = user
        app.decided_on = decided_on
        app.decision_reasons = reasons.strip() or app.proposal_reasons
        place = Place.objects.select_for_update().get(pk=app.place_id)
        if app.proposed_outcome == Outcome.LABEL:
            app.effective_on = effective_on or app.proposed_effective_on or decided_on
            if app.effective_on < decided_on:
                # The error goes on the date the signataire typed: the date of effect when it
                # was typed, else the decision's (dated after the proposed date of effect).
                if typed_effective_on is not None:
                    field, message = "effective_on", "La date d'effet ne peut précéder la décision."
                else:
                    field, message = (
                        "decided_on",
                        f"La décision ne peut être datée après la date d'effet proposée (le "
                        f"{app.effective_on:%d/%m/%Y}) : indiquez une date d'effet à partir de la "
                        "décision.",
                    )
                raise InvalidInput(message, field_errors={field: [message]})
        run.fire(comment=app.decision_reasons)
        if app.state == State.LABELLED:
            # The instructed declaration becomes the place's reference (hours, agents, operators).
            apply_declaration_to_place(place=place, declaration=app.declaration)
            place.label_status = LabelStatus.LABELLED
            place.labelled_on = app.decided_on
            place.label_effective_on = app.effective_on
            place.save(
                update_fields=["label_status", "labelled_on", "label_effective_on", "updated_at"]
            )
            _record_conventions(app, place)
            # The funding file of the year the label takes effect, in the préfecture's queue.
            from workflows.funding.services import open_after_labelling

            open_after_labelling(place=place, user=user)
            context = contexts.ArreteLabellisation(
                **document_parts(app),
                signataire=signer(user),
                decided_on=decided_on,
                effective_on=app.effective_on,
                reasons=app.decision_reasons,
                **decision_sources(app),
            )
            title = "Arrêté de labellisation"
        else:
            if place.label_status == LabelStatus.LABELLED:
                # Only after a reopened file: the label granted by the earlier decision falls.
                place.label_status = LabelStatus.CANDIDATE
                place.labelled_on = None
                place.label_effective_on = None
                place.save(
                    update_fields=[
                        "label_status",
                        "labelled_on",
                        "label_effective_on",
                        "updated_at",
                    ]
                )
            context = contexts.Refus(
                **document_parts(app),
                signataire=signer(user),
                decided_on=decided_on,
                reasons=app.decision_reasons,
                failed=criteria_lines(app, app.refusal_criteria),
                **decision_sources(app),
            )
            title = "Décision motivée de refus"
        request_document(
            app,
            context=context,
            user=user,
            title=f"{title} (révision {app.revision})",
            suffix="decision",
        )
    return app


def _clear_proposal(app: Application) -> dict:
    previous = {
        "outcome": app.proposed_outcome,
        "reasons": app.proposal_reasons,
        "effective_on": app.proposed_effective_on.isoformat()
        if app.proposed_effective_on
        else None,
        "failed_criteria": list(app.refusal_criteria or []),
    }
    app.proposed_outcome = ""
    app.proposal_reasons = ""
    app.refusal_criteria = []
    app.proposed_effective_on = None
    app.proposed_by = None
    app.proposed_at = None
    return previous


def return_proposal(*, user: User, application_id, reason: str) -> Application:
    """The signataire does not sign and sends the proposal back to the instructor."""
    with transition("return_proposal", user=user, application_id=application_id) as run:
        reason = required_reason(reason, "Dites pourquoi la proposition est renvoyée.")
        previous = _clear_proposal(run.obj)
        run.fire(comment=reason, data={"previous": previous})
    return run.obj


def reopen(*, user: User, application_id, reason: str) -> Application:
    """A signataire reopens a decided file (e.g. after an appeal): a new revision goes back to
    instruction, the signed documents of the earlier revision are kept, and the place keeps
    its label until a new decision."""
    with transition("reopen", user=user, application_id=application_id) as run:
        app = run.obj
        reason = required_reason(reason, "Motivez la réouverture.")
        previous = {
            "revision": app.revision,
            "state": app.state,
            "decided_on": app.decided_on.isoformat() if app.decided_on else None,
            "decided_by": app.decided_by_id,
        }
        app.revision += 1
        _clear_proposal(app)
        app.decided_by = None
        app.decided_on = None
        app.effective_on = None
        app.decision_reasons = ""
        # A new pass: the review and the consultation are to be done again.
        app.review_finished_at = None
        app.opinions_closed_at = None
        run.fire(comment=reason, data={"previous": previous})
    return app
