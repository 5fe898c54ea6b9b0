"""One function per transition of a label application.

Each transition: checks the user's right on this very file (role, then porteur or département
through the place's object permissions), locks the application row (SELECT … FOR UPDATE), checks
that the file is still at the expected stage (else: another person acted first), changes the
state, writes the journal, completes the viewflow task, and schedules e-mails and documents with
`transaction.on_commit`. Views, commands and tasks call these functions, never the models."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from viewflow.workflow.status import PROCESS, STATUS

from labelling.declarations import apply_declaration_to_place, export_declaration
from labelling.models import Convention, ConventionStatus, Operator, Place, User
from labelling.models.network import LabelStatus
from labelling.selectors import places_visible_to
from labelling.territories import UnknownCommune, resolve_commune_code
from workflows import draft, integrations, permissions, selectors
from workflows.deadlines import deadline_for, stage_days, today
from workflows.models import (
    DECIDED_STATES,
    OPEN_STATES,
    Action,
    Application,
    ApplicationDocument,
    ApplicationProcess,
    ConventionTracking,
    CriterionReview,
    DeclarationCorrection,
    DocumentRole,
    JournalEntry,
    Message,
    Opinion,
    OpinionKind,
    Outcome,
    PrivateNote,
    State,
    TrackingStatus,
    Verdict,
)


class WorkflowError(Exception):
    """An action that cannot be done; `message` is French and shown to the user."""

    def __init__(self, message: str, *, field_errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


class AccessDenied(WorkflowError):
    pass


class NotFound(WorkflowError):
    pass


class TransitionNotAllowed(WorkflowError):
    pass


class InvalidInput(WorkflowError):
    pass


STALE_MESSAGE = (
    "Ce dossier vient de changer d'étape (il est maintenant « {state} ») : une autre personne "
    "a agi avant vous. Rechargez la page pour voir où il en est."
)


# --- permissions (the rules are in workflows.permissions) -----------------------------------


def _require(actor: permissions.Actor | permissions.AnyActor, user: User, app: Application):
    if not actor.allows(user, app):
        raise AccessDenied(actor.refusal)


def _require_porteur(user: User, app: Application) -> None:
    _require(permissions.PORTEUR, user, app)


def _require_instructor(user: User, app: Application) -> None:
    _require(permissions.INSTRUCTOR, user, app)


def _require_prefecture(user: User, app: Application) -> None:
    _require(permissions.PREFECTURE, user, app)


def _require_signataire(user: User, app: Application) -> None:
    _require(permissions.SIGNATAIRE, user, app)


# --- plumbing -------------------------------------------------------------------------------


def _required_reason(reason: str, message: str) -> str:
    """The stripped reason, or an error on the `reason` field saying what is expected."""
    if not reason.strip():
        raise InvalidInput(message, field_errors={"reason": [message]})
    return reason.strip()


def _lock(application_id) -> Application:
    try:
        return Application.objects.select_for_update().get(pk=application_id)
    except (Application.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("Ce dossier n'existe pas.") from exc


def _require_state(app: Application, *allowed: str) -> None:
    if app.state not in allowed:
        raise TransitionNotAllowed(STALE_MESSAGE.format(state=app.get_state_display()))


def _actor_label(user: User | None) -> str:
    if user is None:
        return "Estampille (automatique)"
    return f"{user.get_full_name() or user.email} ({user.get_role_display()})"


def _journal(
    app: Application,
    *,
    user: User | None,
    action: str,
    from_state: str,
    comment: str = "",
    private: bool = False,
    data: dict | None = None,
    notify: bool = False,
) -> JournalEntry:
    entry = JournalEntry.objects.create(
        application=app,
        revision=app.revision,
        actor=user,
        actor_label=_actor_label(user),
        from_state=from_state,
        to_state=app.state,
        action=action,
        comment=comment,
        private=private,
        data=data or {},
    )
    if notify:
        from workflows import tasks

        transaction.on_commit(lambda: tasks.notify_journal_entry.delay(entry.pk))
    return entry


def _move(
    app: Application,
    *,
    user: User | None,
    to_state: str,
    action: str,
    comment: str = "",
    data: dict | None = None,
    stage: str | None = None,
) -> JournalEntry:
    """Change the state, restart the stage clock, save, and journal (with an e-mail)."""
    from_state = app.state
    app.state = to_state
    now = timezone.now()
    app.stage_started_at = now
    app.stage_deadline = deadline_for(stage) if stage else None
    app.save()
    return _journal(
        app,
        user=user,
        action=action,
        from_state=from_state,
        comment=comment,
        data=data,
        notify=True,
    )


def _current_process(app: Application) -> ApplicationProcess | None:
    return (
        ApplicationProcess.objects.filter(application=app, finished__isnull=True)
        .exclude(status=PROCESS.CANCELED)
        .order_by("-created", "-pk")
        .first()
    )


def _open_task(app: Application, node):
    process = _current_process(app)
    if process is None:
        return None
    return process.task_set.filter(flow_task=node, status=STATUS.NEW).first()


def _complete(app: Application, node) -> None:
    """Complete the viewflow task of this stage; the flow then opens the next one."""
    task = _open_task(app, node)
    if task is None:
        raise TransitionNotAllowed(STALE_MESSAGE.format(state=app.get_state_display()))
    node.run(task)


def _flow():
    from workflows.flows import ApplicationFlow

    return ApplicationFlow


def _cancel_process(app: Application) -> None:
    process = _current_process(app)
    if process is not None:
        _flow().instance.cancel(process)


def _document_context(app: Application, **extra: Any) -> dict:
    """A snapshot of what a document shows, taken now (documents never read live rows)."""
    place = app.place
    snapshot = app.submitted_snapshot or {}
    return {
        "application": {
            "id": str(app.pk),
            "reference": app.reference,
            "revision": app.revision,
            "state": app.state,
            "state_label": app.get_state_display(),
            "version_code": app.version_code,
            "submitted_at": app.submitted_at.isoformat() if app.submitted_at else None,
            "submitted_on": (
                timezone.localdate(app.first_submitted_at).isoformat()
                if app.first_submitted_at
                else None
            ),
            "first_submitted_at": (
                app.first_submitted_at.isoformat() if app.first_submitted_at else None
            ),
        },
        "place": {
            "name": place.name if place else app.site_name,
            "address": place.address if place else "",
            "commune": place.commune.name if place else "",
            "commune_insee": place.commune_id if place else "",
            "departement": place.departement_id if place else "",
        },
        "porteur": {"name": app.porteur.name, "kind": app.porteur.get_kind_display()},
        "conformity": snapshot.get("conformity", {}),
        **extra,
    }


def _request_document(
    app: Application, *, kind: str, user: User | None, title: str, suffix: str, **context: Any
) -> ApplicationDocument:
    document = integrations.request_document(
        kind=kind,
        place=app.place,
        subject_key=f"application:{app.pk}:r{app.revision}:{suffix}",
        context=_document_context(app, **context),
        audience=permissions.document_readers(app, kind),
        requested_by=user,
    )
    return ApplicationDocument.objects.create(
        application=app,
        revision=app.revision,
        role=DocumentRole.GENERATED,
        kind=kind,
        title=title,
        document=document,
        added_by=user,
    )


def _person(user: User | None) -> dict:
    if user is None:
        return {}
    return {"name": user.get_full_name() or user.email, "email": user.email}


# --- drafting (porteur) ------------------------------------------------------------------


@transaction.atomic
def start_application(*, user: User, place_id=None) -> Application:
    """A new draft; for one of the porteur's candidate places, prefilled with what the place
    already declares."""
    if not user.is_porteur:
        raise AccessDenied("Seul un porteur peut déposer une candidature.")
    place = None
    declaration = draft.empty_declaration(porteur=user.porteur)
    if place_id:
        place = candidate_places_without_application(user=user).filter(pk=place_id).first()
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
    _journal(app, user=user, action=Action.CREATE, from_state=State.DRAFT)
    _flow().start.run(application=app)
    return app


def candidate_places_without_application(*, user: User):
    """The porteur's places still in project that no open application covers."""
    return (
        places_visible_to(user=user)
        .filter(porteur_id=user.porteur_id, label_status=LabelStatus.CANDIDATE)
        .exclude(applications__state__in=OPEN_STATES)
    )


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


@transaction.atomic
def save_draft_step(*, user: User, application_id, step: str, data: dict) -> Application:
    """Save one step of the form (the draft is resumable at any step)."""
    app = _lock(application_id)
    _require_porteur(user, app)
    _require_state(app, State.DRAFT, State.INCOMPLETE)
    if step not in draft.STEP_SLUGS:
        raise InvalidInput("Cette étape n'existe pas.")
    if step == "lieu":
        _place_from_step(app, data)
    app.draft_declaration = draft.apply_step(app.draft_declaration, step=step, data=data)
    if step not in app.completed_steps:
        app.completed_steps = [s for s in draft.STEP_SLUGS if s in {*app.completed_steps, step}]
    app.save()
    return app


@transaction.atomic
def add_supporting_document(
    *, user: User, application_id, title: str, uploaded_file
) -> ApplicationDocument:
    app = _lock(application_id)
    _require_porteur(user, app)
    _require_state(app, State.DRAFT, State.INCOMPLETE)
    if app.place is None:
        raise InvalidInput("Renseignez d'abord l'étape « Lieu ».")
    document = integrations.store_supporting_document(
        place=app.place,
        subject_key=f"application:{app.pk}:pieces",
        title=title,
        uploaded_file=uploaded_file,
        uploaded_by=user,
        audience=permissions.file_readers(app),
    )
    return ApplicationDocument.objects.create(
        application=app,
        revision=app.revision,
        role=DocumentRole.SUPPORTING,
        title=title,
        piece=document,
        added_by=user,
    )


def live_check(app: Application) -> integrations.ConformityOutcome:
    """The conformity of the draft as it stands, against the version of the file."""
    raw = draft.for_check(app.draft_declaration, on=today())
    return integrations.check_declaration(raw, version_code=app.version_code)


@transaction.atomic
def submit_application(*, user: User, application_id, justification: str = "") -> Application:
    """Dépôt (first submission) or new submission after a request for more."""
    app = _lock(application_id)
    _require_porteur(user, app)
    _require_state(app, State.DRAFT, State.INCOMPLETE)
    missing = [s.title for s in draft.STEPS if s.slug not in app.completed_steps]
    if missing or app.place is None:
        raise InvalidInput("Étapes à remplir avant le dépôt : " + ", ".join(missing) + ".")
    if app.state == State.DRAFT:
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
            "Le lieu ne remplit pas tous les critères : expliquez pourquoi vous déposez quand même.",
            field_errors={
                "justification": ["Une justification est obligatoire pour un dossier non conforme."]
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
    number = (
        JournalEntry.objects.filter(
            application=app, action__in=[Action.SUBMIT, Action.RESUBMIT]
        ).count()
        + 1
    )
    pieces = list(app.documents.filter(role=DocumentRole.SUPPORTING).select_related("piece"))
    # The département is settled now: the pieces are read by this file's readers only.
    for row in pieces:
        integrations.share_document(row.piece, audience=permissions.file_readers(app), replace=True)
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
    first = app.state == State.DRAFT
    if first:
        app.first_submitted_at = now
        entry = _move(
            app,
            user=user,
            to_state=State.SUBMITTED,
            action=Action.SUBMIT,
            comment=justification,
            stage="completeness",
        )
        _complete(app, _flow().draft)
    else:
        # The clock resumes with the days that were left when it stopped.
        remaining = app.paused_remaining_days
        app.paused_remaining_days = None
        entry = _move(
            app,
            user=user,
            to_state=State.SUBMITTED,
            action=Action.RESUBMIT,
            comment=justification,
        )
        app.stage_deadline = today() + datetime.timedelta(days=remaining)
        app.save(update_fields=["stage_deadline", "updated_at"])
        _complete(app, _flow().resubmission)
    _request_document(
        app,
        kind="accuse_reception",
        user=user,
        title=f"Accusé de réception du dépôt n° {number}",
        suffix=f"depot-{number}",
        submission={"number": number, "at": now.isoformat(), "journal_entry": entry.pk},
        submitted_on=timezone.localdate(now).isoformat(),
        porteur_user=_person(user),
    )
    return app


# --- completeness (préfecture) ----------------------------------------------------------------


@transaction.atomic
def declare_complete(*, user: User, application_id) -> Application:
    app = _lock(application_id)
    _require_instructor(user, app)
    _require_state(app, State.SUBMITTED)
    _move(app, user=user, to_state=State.INSTRUCTION, action=Action.COMPLETE, stage="instruction")
    _complete(app, _flow().completeness)
    return app


@transaction.atomic
def request_completion(*, user: User, application_id, message: str) -> Application:
    """Send the file back as "à compléter": the deadline clock stops until the new submission."""
    app = _lock(application_id)
    _require_instructor(user, app)
    _require_state(app, State.SUBMITTED)
    message = message.strip()
    if not message:
        raise InvalidInput(
            "Dites au porteur ce qui manque.",
            field_errors={"message": ["Précisez ce que le porteur doit compléter."]},
        )
    remaining = (
        (app.stage_deadline - today()).days if app.stage_deadline else stage_days("completeness")
    )
    app.paused_remaining_days = remaining
    due_on = deadline_for("resubmission").isoformat()
    entry = _move(
        app, user=user, to_state=State.INCOMPLETE, action=Action.REQUEST_MORE, comment=message
    )
    _complete(app, _flow().completeness)
    _request_document(
        app,
        kind="demande_complements",
        user=user,
        title="Demande de compléments",
        suffix=f"complements-{entry.pk}",
        request={"items": [message], "due_on": due_on, "at": entry.at.isoformat()},
        missing_items=[message],
        due_on=due_on,
        instructor=_person(user),
    )
    return app


# --- instruction --------------------------------------------------------------------------


def current_criteria(app: Application) -> list[dict]:
    """The automatic results of the declaration under instruction (after any correction),
    with the labels of the version's criteria."""
    snapshot = list((app.submitted_snapshot or {}).get("conformity", {}).get("criteria", []))
    if not app.conformity_report_id:
        return snapshot
    results = app.conformity_report.results
    criteria = results.get("criteria", []) if isinstance(results, dict) else results
    labels = {c["code"]: c.get("label", "") for c in snapshot}
    return [{**c, "label": c.get("label") or labels.get(c["code"]) or c["code"]} for c in criteria]


def _criteria_details(app: Application, codes: Iterable[str]) -> list[dict]:
    by_code = {c["code"]: c for c in current_criteria(app)}
    return [
        {
            "code": code,
            "label": by_code.get(code, {}).get("label") or code,
            "message": by_code.get(code, {}).get("message", ""),
            "reference": by_code.get(code, {}).get("reference", ""),
        }
        for code in codes
    ]


@transaction.atomic
def review_criteria(
    *, user: User, application_id, reviews: Sequence[dict[str, str]]
) -> list[CriterionReview]:
    """Record the instructor's verdicts: each item has code, verdict, comment, justification."""
    app = _lock(application_id)
    _require_instructor(user, app)
    _require_state(app, State.INSTRUCTION)
    automatic = {c["code"]: c["status"] for c in current_criteria(app)}
    errors: dict[str, list[str]] = {}
    for item in reviews:
        code = item["code"]
        if code not in automatic:
            raise InvalidInput(f"Le critère {code} n'existe pas dans cette version.")
        if item["verdict"] not in Verdict.values:
            errors[f"{code}-verdict"] = ["Choisissez une appréciation."]
        elif item["verdict"] != automatic[code] and not item.get("justification", "").strip():
            errors[f"{code}-justification"] = ["Justifiez l'écart avec le résultat automatique."]
    if errors:
        raise InvalidInput("Certaines appréciations sont incomplètes.", field_errors=errors)
    existing = {r.criterion_code: r for r in app.reviews.filter(revision=app.revision)}
    saved = []
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
        if (
            review.pk
            and values
            == (
                review.verdict,
                review.comment,
                review.override_justification,
            )
            and review.automatic_status == automatic[code]
        ):
            saved.append(review)
            continue
        review.automatic_status = automatic[code]
        review.verdict, review.comment, review.override_justification = values
        if review.verdict == review.automatic_status:
            review.override_justification = ""
        review.reviewed_by = user
        review.save()
        _journal(
            app,
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
        )
        saved.append(review)
    return saved


@transaction.atomic
def add_private_note(*, user: User, application_id, body: str) -> PrivateNote:
    app = _lock(application_id)
    _require_prefecture(user, app)
    if not body.strip():
        raise InvalidInput("La note est vide.", field_errors={"body": ["Écrivez la note."]})
    return PrivateNote.objects.create(application=app, author=user, body=body.strip())


@transaction.atomic
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
    """Ask for an opinion. A partner operator is a user of Estampille: it reads the declaration
    and the documents of the file listed in `shared_document_ids` (never the rapport), and
    answers on its own page; others get the question by e-mail."""
    app = _lock(application_id)
    _require_instructor(user, app)
    _require_state(app, State.INSTRUCTION)
    if _open_task(app, _flow().opinions) is None:
        raise TransitionNotAllowed("La consultation est close : aucun avis ne peut être demandé.")
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
    shared = [row for row in selectors.shareable_documents(app=app) if str(row.pk) in shared_ids]
    if len(shared) != len(shared_ids) or (shared and operator is None):
        message = "Seuls les documents du dossier peuvent être montrés, à un opérateur consulté."
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
        integrations.share_document(
            row.document or row.piece, audience=permissions.operator_readers(opinion)
        )
    _journal(
        app,
        user=user,
        action=Action.REQUEST_OPINION,
        from_state=app.state,
        comment=question,
        private=True,
        data={"opinion": str(opinion.pk), "addressee": addressee, "due_on": due_on.isoformat()},
    )
    from workflows import tasks

    transaction.on_commit(lambda: tasks.send_opinion_request.delay(str(opinion.pk)))
    return opinion


@transaction.atomic
def record_opinion(
    *, user: User, application_id, opinion_id, favourable: bool, answer: str
) -> Opinion:
    """The instructor records an opinion received, or the consulted partner operator gives it
    on its own page."""
    app = _lock(application_id)
    opinion = app.opinions.select_for_update().filter(pk=opinion_id).first()
    if opinion is None:
        raise NotFound("Cet avis n'existe pas.")
    if not permissions.is_consulted_operator(user, opinion):
        _require_instructor(user, app)
    _require_state(app, State.INSTRUCTION, State.CONVENTIONS, State.PROPOSAL)
    if opinion.is_answered:
        raise TransitionNotAllowed("Cet avis est déjà enregistré.")
    if not answer.strip():
        raise InvalidInput("Recopiez l'avis reçu.", field_errors={"answer": ["Écrivez l'avis."]})
    opinion.answer = answer.strip()
    opinion.favourable = favourable
    opinion.answered_at = timezone.now()
    opinion.recorded_by = user
    opinion.save()
    _journal(
        app,
        user=user,
        action=Action.RECORD_OPINION,
        from_state=app.state,
        comment=opinion.answer,
        private=True,
        data={"opinion": str(opinion.pk), "favourable": favourable},
    )
    return opinion


def _enter_conventions(app: Application, *, user: User, action: str) -> None:
    required = integrations.national_partners(app.version_code)
    existing = set(app.convention_trackings.values_list("operator_id", flat=True))
    ConventionTracking.objects.bulk_create(
        [
            ConventionTracking(application=app, operator_id=code)
            for code in required
            if code not in existing
        ]
    )
    _move(app, user=user, to_state=State.CONVENTIONS, action=action, stage="conventions")


def _finish_branch(app: Application, *, user: User, node, other, action: str) -> None:
    """Complete one branch of the instruction; when the other one is done too, the Join opens
    the conventions stage."""
    if _open_task(app, other) is None:
        _enter_conventions(app, user=user, action=action)
    else:
        _journal(app, user=user, action=action, from_state=app.state, private=True)
    _complete(app, node)


@transaction.atomic
def finish_review(*, user: User, application_id) -> Application:
    app = _lock(application_id)
    _require_instructor(user, app)
    _require_state(app, State.INSTRUCTION)
    codes = {c["code"] for c in current_criteria(app)}
    reviewed = set(
        app.reviews.filter(revision=app.revision).values_list("criterion_code", flat=True)
    )
    if codes - reviewed:
        raise InvalidInput(
            "Appréciez chaque critère avant de terminer : " + ", ".join(sorted(codes - reviewed))
        )
    flow = _flow()
    _finish_branch(
        app, user=user, node=flow.review, other=flow.opinions, action=Action.FINISH_REVIEW
    )
    return app


@transaction.atomic
def close_opinions(*, user: User, application_id) -> Application:
    app = _lock(application_id)
    _require_instructor(user, app)
    _require_state(app, State.INSTRUCTION)
    waiting = app.opinions.filter(answered_at__isnull=True, due_on__gte=today())
    if waiting.exists():
        raise InvalidInput(
            "Des avis sont attendus et leur délai n'est pas échu : "
            + ", ".join(o.addressee for o in waiting)
            + "."
        )
    flow = _flow()
    _finish_branch(
        app, user=user, node=flow.opinions, other=flow.review, action=Action.CLOSE_OPINIONS
    )
    return app


@transaction.atomic
def correct_declaration(
    *, user: User, application_id, path: str, value: Any, reason: str
) -> DeclarationCorrection:
    """Correct one declared value; the porteur's value stays in the snapshot and here."""
    app = _lock(application_id)
    _require_instructor(user, app)
    _require_state(app, State.INSTRUCTION, State.CONVENTIONS, State.PROPOSAL)
    reason = _required_reason(reason, "Motivez la correction.")
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
    app.save()
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
        reason=reason.strip(),
        corrected_by=user,
        conformity_report=report,
    )
    _journal(
        app,
        user=user,
        action=Action.CORRECT,
        from_state=app.state,
        comment=reason.strip(),
        data={"path": path, "before": before, "after": value, "conform": outcome.conform},
        notify=True,
    )
    return correction


# --- conventions --------------------------------------------------------------------------


def _tracking(app: Application, operator_code: str) -> ConventionTracking:
    tracking = (
        app.convention_trackings.select_for_update().filter(operator_id=operator_code).first()
    )
    if tracking is None:
        raise NotFound("Cette convention n'est pas suivie pour ce dossier.")
    return tracking


@transaction.atomic
def upload_convention(
    *, user: User, application_id, operator_code: str, signed_on: datetime.date, uploaded_file
) -> ConventionTracking:
    """The signed convention (PDF) is uploaded by the porteur or the instructor, then validated."""
    app = _lock(application_id)
    _require(permissions.PORTEUR | permissions.INSTRUCTOR, user, app)
    _require_state(app, State.CONVENTIONS)
    tracking = _tracking(app, operator_code)
    if tracking.status in (TrackingStatus.SIGNED, TrackingStatus.NATIONAL):
        raise TransitionNotAllowed("Cette convention est déjà réglée.")
    if signed_on > today():
        raise InvalidInput(
            "La date de signature ne peut être dans le futur.",
            field_errors={"signed_on": ["La date de signature ne peut être dans le futur."]},
        )
    title = f"Convention signée — {tracking.operator.name}"
    document = integrations.store_supporting_document(
        place=app.place,
        subject_key=f"application:{app.pk}:convention:{operator_code}",
        title=title,
        uploaded_file=uploaded_file,
        uploaded_by=user,
        audience=permissions.file_readers(app),
    )
    ApplicationDocument.objects.create(
        application=app,
        revision=app.revision,
        role=DocumentRole.CONVENTION,
        kind=operator_code,
        title=title,
        piece=document,
        added_by=user,
    )
    tracking.status = TrackingStatus.RECEIVED
    tracking.signed_on = signed_on
    tracking.piece = document
    tracking.updated_by = user
    tracking.validated_by = None
    tracking.save()
    _journal(
        app,
        user=user,
        action=Action.CONVENTION,
        from_state=app.state,
        comment=f"{tracking.operator.name} : convention signée reçue.",
        data={"operator": operator_code, "status": tracking.status},
    )
    return tracking


@transaction.atomic
def set_convention_status(
    *, user: User, application_id, operator_code: str, status: str, comment: str = ""
) -> ConventionTracking:
    """Instructor: validate a received convention, mark it covered by a national agreement, or
    set it back to awaited (with a comment)."""
    app = _lock(application_id)
    _require_instructor(user, app)
    _require_state(app, State.CONVENTIONS)
    tracking = _tracking(app, operator_code)
    if status == TrackingStatus.SIGNED:
        if tracking.status != TrackingStatus.RECEIVED:
            raise TransitionNotAllowed("Aucune convention signée n'a été reçue pour cet opérateur.")
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
    _journal(
        app,
        user=user,
        action=Action.CONVENTION,
        from_state=app.state,
        comment=f"{tracking.operator.name} : {tracking.get_status_display()}. {comment}".strip(),
        data={"operator": operator_code, "status": status},
    )
    return tracking


@transaction.atomic
def finish_conventions(*, user: User, application_id) -> Application:
    app = _lock(application_id)
    _require_instructor(user, app)
    _require_state(app, State.CONVENTIONS)
    pending = app.convention_trackings.exclude(
        status__in=[TrackingStatus.SIGNED, TrackingStatus.NATIONAL]
    ).select_related("operator")
    if pending:
        raise InvalidInput(
            "Conventions encore attendues ou à valider : "
            + ", ".join(t.operator.name for t in pending)
            + "."
        )
    _move(
        app,
        user=user,
        to_state=State.PROPOSAL,
        action=Action.FINISH_CONVENTIONS,
        stage="proposal",
    )
    _complete(app, _flow().conventions)
    return app


# --- proposal and decision ----------------------------------------------------------------


@transaction.atomic
def propose(
    *,
    user: User,
    application_id,
    outcome: str,
    reasons: str,
    effective_on: datetime.date | None = None,
    failed_criteria: Iterable[str] = (),
) -> Application:
    app = _lock(application_id)
    _require_instructor(user, app)
    _require_state(app, State.PROPOSAL)
    reasons = reasons.strip()
    failed = sorted(set(failed_criteria))
    errors: dict[str, list[str]] = {}
    if not reasons:
        errors["reasons"] = ["Motivez la proposition."]
    if outcome == Outcome.REFUSE:
        codes = {c["code"] for c in current_criteria(app)}
        if not failed:
            errors["failed_criteria"] = ["Un refus nomme les critères non remplis."]
        elif set(failed) - codes:
            errors["failed_criteria"] = ["Ces critères n'existent pas dans la version du dossier."]
    elif outcome == Outcome.LABEL:
        if effective_on is None:
            errors["effective_on"] = ["Indiquez la date d'effet proposée."]
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
    _move(
        app,
        user=user,
        to_state=State.DECISION,
        action=Action.PROPOSE,
        comment=reasons,
        data={"outcome": outcome, "failed_criteria": failed},
        stage="decision",
    )
    _complete(app, _flow().proposal)
    labels = {c["code"]: c for c in current_criteria(app)}
    reviews = [
        {
            "code": r.criterion_code,
            "label": labels.get(r.criterion_code, {}).get("label", ""),
            "automatic": r.automatic_status,
            "verdict": r.verdict,
            "comment": r.comment,
            "justification": r.override_justification,
        }
        for r in app.reviews.filter(revision=app.revision)
    ]
    _request_document(
        app,
        kind="rapport_instruction",
        user=user,
        title=f"Rapport d'instruction (révision {app.revision})",
        suffix="rapport",
        proposal={
            "outcome": outcome,
            "reasons": reasons,
            "failed_criteria": _criteria_details(app, failed),
            "effective_on": effective_on.isoformat() if effective_on else None,
        },
        reviews=reviews,
        instructor=_person(user),
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


@transaction.atomic
def sign_decision(
    *,
    user: User,
    application_id,
    decided_on: datetime.date | None = None,
    effective_on: datetime.date | None = None,
    reasons: str = "",
) -> Application:
    """The signataire (never the proposer) signs the decision proposed."""
    app = _lock(application_id)
    _require_signataire(user, app)
    _require_state(app, State.DECISION)
    if app.proposed_by_id == user.pk:
        raise AccessDenied("Vous avez rédigé la proposition : un autre signataire doit signer.")
    decided_on = decided_on or today()
    app.decided_by = user
    app.decided_on = decided_on
    app.decision_reasons = reasons.strip() or app.proposal_reasons
    place = Place.objects.select_for_update().get(pk=app.place_id)
    if app.proposed_outcome == Outcome.LABEL:
        app.effective_on = effective_on or app.proposed_effective_on or decided_on
        if app.effective_on < decided_on:
            raise InvalidInput(
                "La date d'effet ne peut précéder la décision.",
                field_errors={"effective_on": ["La date d'effet ne peut précéder la décision."]},
            )
        _move(
            app,
            user=user,
            to_state=State.LABELLED,
            action=Action.SIGN,
            comment=app.decision_reasons,
        )
        # The instructed declaration becomes the place's reference (hours, agents, operators).
        apply_declaration_to_place(place=place, declaration=app.declaration)
        place.label_status = LabelStatus.LABELLED
        place.labelled_on = app.decided_on
        place.label_effective_on = app.effective_on
        place.save(
            update_fields=["label_status", "labelled_on", "label_effective_on", "updated_at"]
        )
        _record_conventions(app, place)
        kind, title = "arrete_labellisation", "Arrêté de labellisation"
    else:
        _move(
            app, user=user, to_state=State.REFUSED, action=Action.SIGN, comment=app.decision_reasons
        )
        if place.label_status == LabelStatus.LABELLED:
            # Only after a reopened file: the label granted by the earlier decision falls.
            place.label_status = LabelStatus.CANDIDATE
            place.labelled_on = None
            place.label_effective_on = None
            place.save(
                update_fields=["label_status", "labelled_on", "label_effective_on", "updated_at"]
            )
        kind, title = "refus", "Décision motivée de refus"
    _complete(app, _flow().decision)
    _request_document(
        app,
        kind=kind,
        user=user,
        title=f"{title} (révision {app.revision})",
        suffix="decision",
        decision={
            "outcome": "label" if app.proposed_outcome == Outcome.LABEL else "refusal",
            "decided_on": decided_on.isoformat(),
            "effective_on": app.effective_on.isoformat() if app.effective_on else None,
            "reasons": app.decision_reasons,
            "failed_criteria": _criteria_details(app, app.refusal_criteria),
        },
        signataire=_person(user),
        declaration=app.declaration,
    )
    return app


@transaction.atomic
def return_proposal(*, user: User, application_id, reason: str) -> Application:
    """The signataire does not sign and sends the proposal back to the instructor."""
    app = _lock(application_id)
    _require_signataire(user, app)
    _require_state(app, State.DECISION)
    reason = _required_reason(reason, "Dites pourquoi la proposition est renvoyée.")
    previous = {"outcome": app.proposed_outcome, "reasons": app.proposal_reasons}
    app.proposed_outcome = ""
    app.proposal_reasons = ""
    app.refusal_criteria = []
    app.proposed_effective_on = None
    app.proposed_by = None
    app.proposed_at = None
    _move(
        app,
        user=user,
        to_state=State.PROPOSAL,
        action=Action.RETURN_PROPOSAL,
        comment=reason.strip(),
        data={"previous": previous},
        stage="proposal",
    )
    _complete(app, _flow().decision)
    return app


# --- ending early and reopening -------------------------------------------------------------


@transaction.atomic
def withdraw(*, user: User, application_id, reason: str) -> Application:
    """The porteur withdraws the application ("sans suite"), at any time before the decision."""
    app = _lock(application_id)
    _require_porteur(user, app)
    _require_state(app, *OPEN_STATES)
    reason = _required_reason(reason, "Indiquez la raison du retrait.")
    app.closing_reason = reason.strip()
    app.paused_remaining_days = None
    _move(app, user=user, to_state=State.WITHDRAWN, action=Action.WITHDRAW, comment=reason.strip())
    _cancel_process(app)
    return app


@transaction.atomic
def close_abandoned(*, user: User, application_id, reason: str) -> Application:
    """The instructor closes a file the porteur abandoned."""
    app = _lock(application_id)
    _require_instructor(user, app)
    _require_state(app, *[s for s in OPEN_STATES if s != State.DRAFT])
    reason = _required_reason(reason, "Indiquez le motif de la clôture.")
    app.closing_reason = reason.strip()
    app.paused_remaining_days = None
    _move(app, user=user, to_state=State.CLOSED, action=Action.CLOSE, comment=reason.strip())
    _cancel_process(app)
    return app


@transaction.atomic
def reopen(*, user: User, application_id, reason: str) -> Application:
    """A signataire reopens a decided file: a new revision goes back to instruction; the signed
    documents of the earlier revision are kept."""
    app = _lock(application_id)
    _require_signataire(user, app)
    _require_state(app, *DECIDED_STATES)
    reason = _required_reason(reason, "Motivez la réouverture.")
    previous = {
        "revision": app.revision,
        "state": app.state,
        "decided_on": app.decided_on.isoformat() if app.decided_on else None,
        "decided_by": app.decided_by_id,
    }
    app.revision += 1
    app.proposed_outcome = ""
    app.proposal_reasons = ""
    app.refusal_criteria = []
    app.proposed_effective_on = None
    app.proposed_by = None
    app.proposed_at = None
    app.decided_by = None
    app.decided_on = None
    app.effective_on = None
    app.decision_reasons = ""
    _move(
        app,
        user=user,
        to_state=State.INSTRUCTION,
        action=Action.REOPEN,
        comment=reason.strip(),
        data={"previous": previous},
        stage="instruction",
    )
    _flow().start.run(application=app)
    return app


# --- assignment, messages -------------------------------------------------------------------


@transaction.atomic
def assign(*, user: User, application_id, assignee_id=None) -> Application:
    """Take a file (assignee_id None or the user's own id) or give it to another instructor."""
    app = _lock(application_id)
    _require_instructor(user, app)
    _require_state(app, *[s for s in OPEN_STATES if s != State.DRAFT])
    assignee = user
    if assignee_id and str(assignee_id) != str(user.pk):
        assignee = User.objects.filter(pk=assignee_id).first()
        if assignee is None or not permissions.INSTRUCTOR.allows(assignee, app):
            raise InvalidInput("Cet instructeur n'est pas de la préfecture du département.")
    app.assigned_to = assignee
    app.save(update_fields=["assigned_to", "updated_at"])
    process = _current_process(app)
    if process is not None:
        process.task_set.filter(status=STATUS.NEW, flow_task_type="FUNCTION").update(
            owner=assignee, assigned=timezone.now()
        )
    _journal(
        app,
        user=user,
        action=Action.ASSIGN,
        from_state=app.state,
        comment=f"Dossier attribué à {assignee.get_full_name() or assignee.email}.",
        private=True,
        data={"assignee": assignee.pk},
    )
    return app


@transaction.atomic
def post_message(*, user: User, application_id, body: str, files: Sequence = ()) -> Message:
    app = _lock(application_id)
    _require(permissions.PORTEUR | permissions.PREFECTURE, user, app)
    if app.state == State.DRAFT:
        raise TransitionNotAllowed("La messagerie s'ouvre au dépôt du dossier.")
    if not body.strip():
        raise InvalidInput(
            "Le message est vide.", field_errors={"body": ["Écrivez votre message."]}
        )
    message = Message.objects.create(application=app, author=user, body=body.strip())
    for uploaded in files:
        document = integrations.store_supporting_document(
            place=app.place,
            subject_key=f"application:{app.pk}:message:{message.pk}",
            title=uploaded.name,
            uploaded_file=uploaded,
            uploaded_by=user,
            audience=permissions.file_readers(app),
        )
        ApplicationDocument.objects.create(
            application=app,
            revision=app.revision,
            role=DocumentRole.MESSAGE,
            title=uploaded.name,
            piece=document,
            message=message,
            added_by=user,
        )
    from workflows import tasks

    transaction.on_commit(lambda: tasks.notify_message.delay(str(message.pk)))
    return message


@transaction.atomic
def remind_opinion(*, opinion_id) -> bool:
    """Remind the addressee of an overdue opinion, once (the beat task calls this)."""
    application_id = (
        Opinion.objects.filter(pk=opinion_id).values_list("application_id", flat=True).first()
    )
    if application_id is None:
        return False
    # Same lock order as every transition: the application first, then its rows.
    app = _lock(application_id)
    opinion = (
        app.opinions.select_for_update()
        .filter(pk=opinion_id, answered_at__isnull=True, reminded_at__isnull=True)
        .first()
    )
    if opinion is None or opinion.due_on >= today() or app.state not in OPEN_STATES:
        return False
    opinion.reminded_at = timezone.now()
    opinion.save(update_fields=["reminded_at"])
    _journal(
        app,
        user=None,
        action=Action.REMIND_OPINION,
        from_state=app.state,
        comment=f"Relance de {opinion.addressee}.",
        private=True,
        data={"opinion": str(opinion.pk)},
    )
    from workflows import tasks

    transaction.on_commit(lambda: tasks.send_opinion_reminder.delay(str(opinion.pk)))
    return True
