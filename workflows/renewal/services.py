"""The actions of the yearly review: the campaign, the porteur's answer, the reminders, the
préfecture's decisions. Each is one keyword-only function; each checks, writes and journals in
one transaction through the transitions of `workflows.renewal.lifecycle`, so that a refused
action changes nothing. Errors are the workflow errors (`workflows.errors`), in French."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from documents import contexts
from documents import services as documents
from labelling.directory import in_force_filter
from labelling.models import LabelStatus, Place, User
from labelling.queueing import enqueue
from labelling.selectors import declaration_gaps
from workflows import draft, journal
from workflows.deadlines import today
from workflows.errors import InvalidInput, TransitionNotAllowed
from workflows.fsm import transition
from workflows.renewal import conformity, deadlines, selectors
from workflows.renewal.lifecycle import ReviewLifecycle
from workflows.renewal.models import (
    JournalEntry,
    Review,
    ReviewAction,
    ReviewDocument,
    ReviewState,
)
from workflows.renewal.permissions import review_readers

SECTIONS = ("horaires", "agents", "operateurs", "locaux")


# --- the campaign ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignOutcome:
    year: int
    review_date: datetime.date
    created: int
    existing: int

    def summary(self) -> str:
        return f"{self.created} revues créées, {self.existing} déjà existantes"


def eligible_places(*, on: datetime.date):
    """The places reviewed on `on`: labelled with their date of effect passed (a suspended
    label too: it is not withdrawn), never a withdrawn one."""
    labelled = in_force_filter(on=on)
    suspended = Q(label_status=LabelStatus.SUSPENDED)
    return Place.objects.filter(labelled | suspended)


def review_date_for(year: int, *, on: datetime.date | None = None) -> datetime.date:
    if on is not None:
        return on
    current = today()
    return current if current.year == year else deadlines.campaign_date(year)


def _label_versions(dates: set[datetime.date]) -> dict[datetime.date, str]:
    """The version in force on each date (one query for all)."""
    from labelling.models import Version
    from labelling.models.referential import VersionStatus

    versions = list(
        Version.objects.filter(status=VersionStatus.PUBLISHED)
        .order_by("starts_on")
        .values_list("code", "starts_on", "ends_on")
    )
    found = {}
    for day in dates:
        code = ""
        for candidate, starts_on, ends_on in versions:
            if starts_on and starts_on <= day and (ends_on is None or day <= ends_on):
                code = candidate
        found[day] = code
    return found


def open_campaign(
    *, year: int, on: datetime.date | None = None, notify: bool = True
) -> CampaignOutcome:
    """One review for `year` per eligible place (see `eligible_places`), in bulk; idempotent:
    a place that has its review of the year keeps it. Returns the counts; the porteurs are told
    by e-mail once the transaction commits."""
    if year < 2016 or year > 2100:
        raise InvalidInput(f"Année invalide : {year}.")
    review_date = review_date_for(year, on=on)
    version_code = conformity.version_code_on(review_date)
    answer_deadline = deadlines.deadline_for("answer", start=review_date)
    for attempt in range(2):
        try:
            with transaction.atomic():
                places = list(
                    eligible_places(on=review_date).values_list(
                        "pk", "departement_id", "label_effective_on", "labelled_on"
                    )
                )
                existing = set(Review.objects.filter(year=year).values_list("place_id", flat=True))
                missing = [row for row in places if row[0] not in existing]
                label_versions = _label_versions({(r[2] or r[3]) for r in missing if r[2] or r[3]})
                now = timezone.now()
                reviews = [
                    Review(
                        id=uuid.uuid4(),
                        place_id=place_id,
                        year=year,
                        departement_id=departement_id,
                        state=ReviewState.OPEN,
                        review_date=review_date,
                        version_code=version_code,
                        label_version_code=label_versions.get(effective or labelled_on, ""),
                        stage_deadline=answer_deadline,
                        created_at=now,
                        updated_at=now,
                    )
                    for place_id, departement_id, effective, labelled_on in missing
                ]
                Review.objects.bulk_create(reviews, batch_size=1000)
                JournalEntry.objects.bulk_create(
                    [
                        JournalEntry(
                            review_id=review.pk,
                            actor=None,
                            actor_label=journal.AUTOMATIC_ACTOR,
                            from_state=ReviewState.OPEN,
                            to_state=ReviewState.OPEN,
                            action=ReviewAction.OPEN,
                            data={
                                "annee": year,
                                "version": version_code,
                                "echeance": answer_deadline.isoformat(),
                            },
                        )
                        for review in reviews
                    ],
                    batch_size=1000,
                )
                if notify and reviews:
                    from workflows.renewal import tasks

                    transaction.on_commit(lambda: enqueue(tasks.notify_campaign_opened, year))
                elif reviews:
                    # Opened without e-mail (--no-email, the demo): recorded as told, so that
                    # the catch-up of unsent e-mails does not send them later.
                    from workflows.models import NotificationLog

                    NotificationLog.objects.bulk_create(
                        [NotificationLog(key=f"review-opened:{r.pk}") for r in reviews],
                        ignore_conflicts=True,
                    )
            break
        except IntegrityError:
            # Another run of the same campaign at the same moment: count again.
            if attempt:
                raise
    in_scope = {row[0] for row in places}
    return CampaignOutcome(
        year=year,
        review_date=review_date,
        created=len(reviews),
        existing=len(existing & in_scope),
    )


def open_due_campaign(*, on: datetime.date | None = None) -> CampaignOutcome | None:
    """The beat's entry: from the configured date on, the year's campaign is open (run daily,
    it creates only what is missing, e.g. places labelled since)."""
    day = on or today()
    if day < deadlines.campaign_date(day.year):
        return None
    return open_campaign(year=day.year, on=day)


# --- the porteur's answer --------------------------------------------------------------------


def save_section(*, user: User, review_id, step: str, data: Any) -> Review:
    """The porteur updates one part of the declaration (horaires, agents, opérateurs, locaux)."""
    if step not in SECTIONS:
        raise InvalidInput("Cette partie de la déclaration n'existe pas.")
    with transition(ReviewLifecycle, "edit", user=user, pk=review_id) as run:
        review = run.obj
        review.declaration = draft.apply_step(
            selectors.declaration_of(review), step=step, data=data
        )
        review.unchanged = None
        run.fire(data={"partie": step}, save=True)
    return review


def _check_answer(review: Review, declaration: dict, *, user: User):
    """Validate and check the declaration; raise `InvalidInput` listing what is missing."""
    place = review.place
    gaps = selectors.answer_gaps(declaration, place)
    if gaps:
        raise InvalidInput(
            "La déclaration est incomplète ou invalide : il manque " + " ; ".join(gaps) + ". "
            "Complétez chaque partie, puis déposez la revue."
        )
    if place.porteur_id is not None:
        porteur = place.porteur
        part = {"kind": porteur.kind, "name": porteur.name}
        if porteur.siret:
            part["siret"] = porteur.siret
        declaration = draft.set_path(declaration, "site.porteur", part)
    outcome = conformity.check(declaration, version_code=review.version_code, on=review.review_date)
    if not outcome.valid:
        lines = [f"{e.path} : {e.message}" for e in outcome.errors[:10]]
        raise InvalidInput(
            "La déclaration est incomplète ou invalide : complétez-la avant de déposer la "
            "revue. " + " ; ".join(lines)
        )
    return declaration, outcome


def _store_answer(review: Review, declaration: dict, outcome, *, user: User) -> None:
    from workflows import integrations

    report = integrations.record_report(
        raw=draft.for_check(declaration, on=review.review_date),
        version_code=review.version_code,
        place=review.place,
        checked_by=user,
        process=f"revue annuelle {review.year}",
    )
    review.declaration = declaration
    review.conformity_report = report
    review.conform = outcome.conform
    review.failed_criteria = outcome.failed_codes
    review.submitted_at = timezone.now()
    review.submitted_by = user
    review.activity_confirmed = True


def _require_activity(activity_confirmed: bool) -> None:
    if not activity_confirmed:
        message = "Confirmez l'activité de l'année (les chiffres mensuels du lieu)."
        raise InvalidInput(message, field_errors={"activity_confirmed": [message]})


def confirm_unchanged(*, user: User, review_id, activity_confirmed: bool) -> Review:
    """« Rien à changer »: in one step, the place's declaration is confirmed as it is."""
    _require_activity(activity_confirmed)
    with transition(ReviewLifecycle, "confirm", user=user, pk=review_id) as run:
        review = run.obj
        gaps = declaration_gaps(place=review.place)
        if gaps:
            raise InvalidInput(
                "La déclaration du lieu est incomplète : il manque " + " ; ".join(gaps) + ". "
                "Complétez-la, puis déposez la revue."
            )
        declaration, outcome = _check_answer(
            review, selectors.place_declaration(review.place), user=user
        )
        _store_answer(review, declaration, outcome, user=user)
        review.unchanged = True
        run.fire(data={"conforme": outcome.conform, "non_respectes": outcome.failed_codes})
    return review


def submit(*, user: User, review_id, activity_confirmed: bool) -> Review:
    """The porteur submits its updated declaration (checked against the version in force)."""
    _require_activity(activity_confirmed)
    with transition(ReviewLifecycle, "submit", user=user, pk=review_id) as run:
        review = run.obj
        declaration, outcome = _check_answer(review, selectors.declaration_of(review), user=user)
        _store_answer(review, declaration, outcome, user=user)
        review.unchanged = declaration == selectors.place_declaration(review.place)
        run.fire(data={"conforme": outcome.conform, "non_respectes": outcome.failed_codes})
    return review


def comply(*, user: User, review_id, comment: str = "") -> Review:
    """Under a mise en demeure, the porteur says it has corrected: the review is re-examined."""
    with transition(ReviewLifecycle, "comply", user=user, pk=review_id) as run:
        review = run.obj
        declaration, outcome = _check_answer(review, selectors.declaration_of(review), user=user)
        _store_answer(review, declaration, outcome, user=user)
        run.fire(
            comment=comment.strip(),
            data={"conforme": outcome.conform, "non_respectes": outcome.failed_codes},
        )
    return review


# --- Estampille: reminders and deadlines -----------------------------------------------------


def send_reminders(*, on: datetime.date | None = None) -> int:
    """Remind the porteurs of the reviews still « à remplir », after each of
    `RENEWAL_REMINDER_DAYS` days (15 and 30 by default), each reminder once: a review that
    passed several thresholds unseen gets one reminder, counted for all."""
    day = on or today()
    days = deadlines.reminder_days()
    sent = 0
    candidates = Review.objects.filter(
        state=ReviewState.OPEN, reminders_sent__lt=len(days)
    ).values_list("pk", "review_date", "reminders_sent")
    for pk, review_date, already in list(candidates):
        due = sum(1 for d in days if review_date + datetime.timedelta(days=d) <= day)
        if due <= already:
            continue
        try:
            with transition(ReviewLifecycle, "remind", user=None, pk=pk) as run:
                review = run.obj
                if review.reminders_sent >= due:  # another worker did it
                    run.fire(journal=False, save=False)
                    continue
                review.reminders_sent = due
                run.fire(
                    data={"relance": due, "jours": days[due - 1]},
                    save=True,
                    notify=True,
                )
                sent += 1
        except TransitionNotAllowed:
            continue
    return sent


def wake_due_notices(*, on: datetime.date | None = None) -> int:
    """At the deadline of a mise en demeure, check the place again and put the review back in
    the préfecture's queue (« à réexaminer »)."""
    day = on or today()
    woken = 0
    due = Review.objects.filter(state=ReviewState.NOTICE, notice_deadline__lte=day)
    for pk in list(due.values_list("pk", flat=True)):
        try:
            with transition(ReviewLifecycle, "wake", user=None, pk=pk) as run:
                review = run.obj
                outcome = conformity.check(
                    selectors.declaration_of(review), version_code=review.version_code, on=day
                )
                if outcome.valid:
                    review.conform = outcome.conform
                    review.failed_criteria = outcome.failed_codes
                review.woken_at = timezone.now()
                run.fire(
                    data={
                        "conforme": outcome.conform if outcome.valid else None,
                        "non_respectes": outcome.failed_codes,
                        "echeance": review.notice_deadline.isoformat(),
                    }
                )
                woken += 1
        except TransitionNotAllowed:
            continue
    return woken


# --- the préfecture ---------------------------------------------------------------------------


def assign(*, user: User, review_id) -> Review:
    with transition(ReviewLifecycle, "assign", user=user, pk=review_id) as run:
        review = run.obj
        review.assigned_to = user
        run.fire(save=True, data={"instructeur": user.get_full_name() or user.email})
    return review


def _required(text: str, field: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(message, field_errors={field: [message]})
    return text


def renew(*, user: User, review_id, comment: str = "") -> Review:
    """The label goes on: the review's declaration becomes the place's, a suspended label is
    restored, and the year's funding file opens."""
    with transition(ReviewLifecycle, "renew", user=user, pk=review_id) as run:
        review = run.obj
        place = Place.objects.select_for_update(of=("self",)).get(pk=review.place_id)
        if review.declaration is not None and place.porteur_id is not None and not review.unchanged:
            from labelling.declarations import apply_declaration_to_place

            apply_declaration_to_place(place=place, declaration=review.declaration)
        if place.label_status != LabelStatus.LABELLED:
            place.label_status = LabelStatus.LABELLED
            place.save(update_fields=["label_status", "updated_at"])
        review.decided_by = user
        review.decided_on = today()
        review.decision_comment = (comment or "").strip()
        funding = _open_funding_file(place=place, year=review.year, user=user)
        run.fire(comment=review.decision_comment, data={"financement": funding})
        _close_activity(review)
    return review


def _close_activity(review: Review) -> None:
    """The figures of the year the review confirmed can no longer be corrected."""
    from labelling.activity.services import close_year

    close_year(
        place=review.place,
        year=selectors.activity_year(review),
        reason=f"revue annuelle {review.year} décidée ({review.get_state_display().lower()})",
    )


def _open_funding_file(*, place: Place, year: int, user: User) -> str:
    """The funding file of the renewed year (`workflows.funding`); the label goes on even when
    the year is not funded (the refusal's reason is journaled)."""
    from workflows.funding.models import FundingCause
    from workflows.funding.services import open_funding_file

    try:
        funding = open_funding_file(place=place, year=year, cause=FundingCause.RENEWAL, user=user)
    except InvalidInput as exc:
        return exc.message
    return str(funding.pk)


def _document_parts(review: Review) -> dict[str, Any]:
    place = review.place
    porteur = place.porteur
    return {
        "place": contexts.Place(
            name=place.name,
            address=place.address,
            commune=place.commune.name,
            commune_insee=place.commune_id,
            departement=place.departement_id,
        ),
        "porteur": contexts.Porteur(
            name=porteur.name if porteur else "Porteur à rattacher",
            kind=porteur.get_kind_display() if porteur else "",
            address=porteur.address if porteur else "",
            article=porteur.article if porteur else "",
        ),
        "application": contexts.FileReference(
            reference=review.reference,
            version_code=review.version_code,
            submitted_on=timezone.localdate(review.submitted_at) if review.submitted_at else None,
        ),
        "issued_on": today(),
    }


def _criteria(review: Review, codes) -> tuple[contexts.Criterion, ...]:
    by_code = {c["code"]: c for c in selectors.criteria_of(review)}
    return tuple(
        contexts.Criterion(
            code=code,
            label=by_code.get(code, {}).get("label") or code,
            message=by_code.get(code, {}).get("message", ""),
            reference=by_code.get(code, {}).get("reference", ""),
        )
        for code in codes
    )


def _request_document(review: Review, context, *, user: User | None, title: str) -> ReviewDocument:
    document = documents.request_document(
        place=review.place,
        subject_key=f"review:{review.pk}:{context.kind}",
        context=context,
        audience=review_readers(review),
        requested_by=user,
    )
    return ReviewDocument.objects.create(
        review=review, kind=context.kind, title=title, document=document
    )


def issue_notice(
    *,
    user: User,
    review_id,
    reasons: str,
    deadline: datetime.date | None,
    criteria: list[str] | None = None,
) -> Review:
    """Mise en demeure: what to correct (the failed criteria chosen, and the reasons) and the
    date by which to comply; the `mise_en_demeure` PDF is made for the porteur."""
    reasons = _required(reasons, "reasons", "Dites ce que le porteur doit corriger.")
    if deadline is None:
        message = "Indiquez la date avant laquelle le porteur doit se mettre en conformité."
        raise InvalidInput(message, field_errors={"deadline": [message]})
    if deadline <= today():
        message = "Le délai de la mise en demeure doit être une date à venir."
        raise InvalidInput(message, field_errors={"deadline": [message]})
    with transition(ReviewLifecycle, "notice", user=user, pk=review_id) as run:
        review = run.obj
        codes = list(criteria if criteria is not None else review.failed_criteria)
        review.notice_reasons = reasons
        review.notice_criteria = codes
        review.notice_deadline = deadline
        review.notice_issued_at = timezone.now()
        review.notice_by = user
        run.fire(
            comment=reasons,
            data={"echeance": deadline.isoformat(), "criteres": codes},
        )
        place = review.place
        _request_document(
            review,
            contexts.MiseEnDemeure(
                **_document_parts(review),
                failed=_criteria(review, codes),
                comply_by=deadline,
                review_on=review.review_date,
                labelled_on=place.labelled_on or place.label_effective_on,
                reasons=reasons,
                review_reference=review.reference,
            ),
            user=user,
            title="Mise en demeure",
        )
    return review


def suspend(*, user: User, review_id, reasons: str) -> Review:
    """The label is suspended: the place leaves the public directory and the open data until
    the next decision (renewal restores it, abrogation ends it)."""
    reasons = _required(reasons, "reasons", "Indiquez les motifs de la suspension.")
    with transition(ReviewLifecycle, "suspend", user=user, pk=review_id) as run:
        review = run.obj
        review.suspension_reasons = reasons
        place = Place.objects.select_for_update(of=("self",)).get(pk=review.place_id)
        place.label_status = LabelStatus.SUSPENDED
        place.save(update_fields=["label_status", "updated_at"])
        run.fire(comment=reasons)
    return review


def propose_abrogation(*, user: User, review_id, reasons: str) -> Review:
    reasons = _required(reasons, "reasons", "Indiquez les motifs de l'abrogation.")
    with transition(ReviewLifecycle, "propose_abrogation", user=user, pk=review_id) as run:
        review = run.obj
        review.abrogation_reasons = reasons
        review.proposed_by = user
        review.proposed_at = timezone.now()
        run.fire(comment=reasons)
    return review


def return_abrogation(*, user: User, review_id, reason: str) -> Review:
    reason = _required(reason, "reason", "Dites pourquoi la proposition est renvoyée.")
    with transition(ReviewLifecycle, "return_abrogation", user=user, pk=review_id) as run:
        run.fire(comment=reason)
    return run.obj


def sign_abrogation(*, user: User, review_id, effective_on: datetime.date | None = None) -> Review:
    """The signataire (never the proposer) signs the abrogation arrêté: the label ends for the
    future (the place leaves the directory and the open data), its history stays."""
    effective_on = effective_on or today()
    if effective_on < today():
        message = "Une abrogation ne vaut que pour l'avenir : choisissez aujourd'hui ou après."
        raise InvalidInput(message, field_errors={"effective_on": [message]})
    with transition(ReviewLifecycle, "sign_abrogation", user=user, pk=review_id) as run:
        review = run.obj
        place = Place.objects.select_for_update(of=("self",)).get(pk=review.place_id)
        place.label_status = LabelStatus.WITHDRAWN
        place.save(update_fields=["label_status", "updated_at"])
        review.decided_by = user
        review.decided_on = today()
        run.fire(
            comment=review.abrogation_reasons,
            data={"effet": effective_on.isoformat()},
        )
        _close_activity(review)
        _request_document(
            review,
            contexts.ArreteAbrogation(
                **_document_parts(review),
                signataire=contexts.Person(name=user.get_full_name() or user.email),
                failed=_criteria(review, review.notice_criteria or review.failed_criteria),
                effective_on=effective_on,
                labelled_on=place.labelled_on or place.label_effective_on,
                notice_on=(
                    timezone.localdate(review.notice_issued_at) if review.notice_issued_at else None
                ),
                comply_by=review.notice_deadline,
                reasons=review.abrogation_reasons,
                observations=_observations(review),
                observations_on=_observations_on(review),
                notice_reference=_notice_reference(review),
            ),
            user=user,
            title="Arrêté d'abrogation du label",
        )
    return review


def _notice_reference(review: Review) -> str:
    """The register number of the mise en demeure the abrogation follows."""
    notice = (
        review.documents.filter(kind=contexts.MiseEnDemeure.kind)
        .select_related("document")
        .order_by("-created_at")
        .first()
    )
    return notice.document.register_number if notice is not None else ""


def _observations_on(review: Review) -> datetime.date | None:
    """The day of the porteur's latest observation after the mise en demeure."""
    from workflows.renewal.models import ReviewMessage

    if review.notice_issued_at is None:
        return None
    moments = [
        entry.at
        for entry in review.journal.filter(
            action=ReviewAction.COMPLY, at__gte=review.notice_issued_at
        ).exclude(comment="")
    ]
    moments += [
        message.created_at
        for message in ReviewMessage.objects.filter(
            review=review, created_at__gte=review.notice_issued_at, author__porteur__isnull=False
        ).exclude(body="")
    ]
    return timezone.localdate(max(moments)) if moments else None


def _observations(review: Review) -> str:
    """What the porteur answered to the mise en demeure (its corrections' comments and its
    messages since), which the abrogation must cite rather than say it answered nothing."""
    from workflows.renewal.models import ReviewMessage

    if review.notice_issued_at is None:
        return ""
    said = [
        (entry.at, entry.comment)
        for entry in review.journal.filter(
            action=ReviewAction.COMPLY, at__gte=review.notice_issued_at
        ).exclude(comment="")
    ]
    said += [
        (message.created_at, message.body)
        for message in ReviewMessage.objects.filter(
            review=review, created_at__gte=review.notice_issued_at, author__porteur__isnull=False
        )
    ]
    return " ".join(text.strip() for _, text in sorted(said, key=lambda pair: pair[0]))


def post_message(*, user: User, review_id, body: str):
    from workflows.renewal.models import ReviewMessage

    body = _required(body, "body", "Écrivez votre message.")
    review = selectors.review_for_user(user=user, review_id=review_id)
    if review is None:
        from workflows.errors import NotFound

        raise NotFound("Cette revue n'existe pas ou vous n'y avez pas accès.")
    message = ReviewMessage.objects.create(review=review, author=user, body=body)
    from workflows.renewal import tasks

    transaction.on_commit(lambda: enqueue(tasks.notify_review_message, str(message.pk)))
    return message
