"""Reads for the workflow pages, scoped by who asks, in a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.urls import reverse

from documents import selectors as documents_selectors
from labelling.models import Place, User
from labelling.models.network import LabelStatus
from labelling.selectors import places_visible_to
from workflows import draft, integrations
from workflows.deadlines import today
from workflows.models import (
    OPEN_STATES,
    Application,
    ApplicationDocument,
    JournalEntry,
    Message,
    Opinion,
)
from workflows.permissions import (
    INTERNAL_DOCUMENT_KINDS,
    applications_in_scope,
    opinions_in_scope,
    sees_private_parts,
)


def _with_overdue(qs: QuerySet[Application]) -> QuerySet[Application]:
    return qs.annotate(
        overdue=Case(
            When(
                # Only a stage with a clock has a deadline (workflows.lifecycle.STAGES).
                Q(stage_deadline__lt=today()),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def applications_visible_to(*, user: User) -> QuerySet[Application]:
    base = _with_overdue(
        Application.objects.select_related(
            "place__commune", "porteur", "assigned_to", "departement"
        )
    )
    return applications_in_scope(user, base)


def application_for_user(*, user: User, application_id) -> Application | None:
    """The application with what its page shows, or None when missing or not the user's."""
    return (
        applications_visible_to(user=user)
        .select_related("conformity_report", "proposed_by", "decided_by", "created_by")
        .filter(pk=application_id)
        .first()
    )


@dataclass(frozen=True)
class QueueFilters:
    state: str = ""
    commune: str = ""
    porteur_kind: str = ""
    overdue: bool = False
    assigned: str = ""  # "", "moi", "personne"
    sort: str = "echeance"


SORTS = {
    "echeance": ("stage_deadline", "submitted_at"),
    "-echeance": ("-stage_deadline", "-submitted_at"),
    "depot": ("first_submitted_at",),
    "-depot": ("-first_submitted_at",),
    "commune": ("place__commune__name", "place__name"),
    "lieu": ("place__name",),
    "etape": ("state", "stage_deadline"),
}


def queue(*, user: User, filters: QueueFilters) -> QuerySet[Application]:
    apps = applications_visible_to(user=user)
    if filters.state:
        apps = apps.filter(state=filters.state)
    if filters.commune:
        apps = apps.filter(
            Q(place__commune__name__icontains=filters.commune)
            | Q(place__commune_id=filters.commune)
            | Q(place__name__icontains=filters.commune)
        )
    if filters.porteur_kind:
        apps = apps.filter(porteur__kind=filters.porteur_kind)
    if filters.overdue:
        apps = apps.filter(overdue=True)
    if filters.assigned == "moi":
        apps = apps.filter(assigned_to=user)
    elif filters.assigned == "personne":
        apps = apps.filter(assigned_to__isnull=True)
    return apps.order_by(*SORTS.get(filters.sort, SORTS["echeance"]), "pk")


def overdue_for_instructor(*, user: User) -> list[Application]:
    return list(
        queue(user=user, filters=QueueFilters(overdue=True)).filter(
            Q(assigned_to=user) | Q(assigned_to__isnull=True)
        )
    )


def porteur_applications(*, user: User) -> QuerySet[Application]:
    return applications_visible_to(user=user).order_by("-updated_at")


def journal_for(*, user: User, app: Application) -> list[JournalEntry]:
    entries = app.journal.select_related("actor").order_by("at", "id")
    if not sees_private_parts(user, app):
        entries = entries.filter(private=False)
    return list(entries)


def messages_for(*, app: Application) -> list[Message]:
    return list(app.messages.select_related("author").order_by("created_at"))


@dataclass(frozen=True)
class DocumentLink:
    """A document of the file as a page lists it: `url` downloads its latest revision."""

    title: str
    role: str
    role_label: str
    revision: int
    created_at: datetime.datetime
    url: str
    message_id: object = None
    # False while a produced document is still being made (or waits for the broker).
    ready: bool = True


def document_links(*, user: User, app: Application) -> list[DocumentLink]:
    """The documents of the file that this user may read (their audience says so), each with
    the link to its latest revision; in a fixed number of queries."""
    rows = list(app.documents.select_related("document", "piece").order_by("created_at", "id"))
    return _links(user, rows)


def _links(user: User, rows: list[ApplicationDocument]) -> list[DocumentLink]:
    generated = [row.document for row in rows if row.document_id]
    readable = documents_selectors.readable_document_ids(user=user, ids=[d.pk for d in generated])
    readable_pieces = documents_selectors.readable_piece_ids(
        user=user, ids=[row.piece_id for row in rows if row.piece_id]
    )
    latest = documents_selectors.latest_revisions(documents=generated)
    links = []
    seen: set[str] = set()  # a document produced again is listed once, at its latest revision
    for row in rows:
        ready = True
        if row.document_id:
            if row.document_id not in readable:
                continue
            url = reverse("documents:download", args=[latest[row.document_id].pk])
            ready = latest[row.document_id].status == "ready"
        else:
            if row.piece_id not in readable_pieces:
                continue
            url = reverse("documents:download_supporting", args=[row.piece_id])
        if url in seen and row.message_id is None:
            continue
        seen.add(url)
        links.append(
            DocumentLink(
                title=row.title,
                role=row.role,
                role_label=row.get_role_display(),
                revision=row.revision,
                created_at=row.created_at,
                url=url,
                message_id=row.message_id,
                ready=ready,
            )
        )
    return links


def pending_opinions(*, app: Application) -> QuerySet[Opinion]:
    return app.opinions.filter(answered_at__isnull=True)


def shareable_documents(*, app: Application) -> list[ApplicationDocument]:
    """The documents of the file an instructor may show a consulted operator: all but what the
    préfecture writes for itself (the rapport)."""
    return list(
        app.documents.select_related("document", "piece")
        .exclude(kind__in=INTERNAL_DOCUMENT_KINDS)
        .order_by("created_at", "id")
    )


def opinion_document_links(*, user: User, opinion: Opinion) -> list[DocumentLink]:
    """The documents an opinion request shares with the operator, that the user may read."""
    rows = list(opinion.shared_documents.select_related("document", "piece"))
    return _links(user, rows)


def opinions_for_operator(*, user: User) -> QuerySet[Opinion]:
    """Opinions asked of the user's partner operator (operator accounts answer them)."""
    return (
        opinions_in_scope(user)
        .select_related("application__place__commune", "application__porteur", "operator")
        .order_by("answered_at", "due_on")
    )


# --- what the file holds, read for pages and services ------------------------------------------


def current_criteria(app: Application) -> list[dict]:
    """The automatic results of the declaration under instruction (after any correction),
    with the labels of the version's criteria: dicts with code, status, message, reference,
    label."""
    snapshot = list((app.submitted_snapshot or {}).get("conformity", {}).get("criteria", []))
    if not app.conformity_report_id:
        return snapshot
    results = app.conformity_report.results
    criteria = results.get("criteria", []) if isinstance(results, dict) else results
    labels = {c["code"]: c.get("label", "") for c in snapshot}
    return [{**c, "label": c.get("label") or labels.get(c["code"]) or c["code"]} for c in criteria]


def live_check(app: Application) -> integrations.ConformityOutcome:
    """The conformity of the draft as it stands, against the version of the file."""
    raw = draft.for_check(app.draft_declaration, on=today())
    return integrations.check_declaration(raw, version_code=app.version_code)


def candidate_places_without_application(*, user: User) -> QuerySet[Place]:
    """The porteur's places still in project that no open application covers."""
    return (
        places_visible_to(user=user)
        .filter(porteur_id=user.porteur_id, label_status=LabelStatus.CANDIDATE)
        .exclude(applications__state__in=OPEN_STATES)
    )
