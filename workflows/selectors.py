"""Reads for the workflow pages, scoped by who asks, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Value, When

from labelling.models import Role, User
from workflows.deadlines import today
from workflows.models import (
    PREFECTURE_STATES,
    Application,
    ApplicationDocument,
    JournalEntry,
    Message,
    Opinion,
    State,
)
from workflows.services import can_view


def _with_overdue(qs: QuerySet[Application]) -> QuerySet[Application]:
    return qs.annotate(
        overdue=Case(
            When(
                Q(state__in=PREFECTURE_STATES, stage_deadline__lt=today()),
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
    if not user.is_authenticated or not user.is_active:
        return base.none()
    if user.role == Role.PORTEUR:
        return base.filter(porteur_id=user.porteur_id)
    if user.role in (Role.INSTRUCTEUR, Role.SIGNATAIRE):
        return base.filter(departement_id=user.departement_id).exclude(state=State.DRAFT)
    if user.is_national:
        return base.exclude(state=State.DRAFT)
    return base.none()


def application_for_user(*, user: User, application_id) -> Application | None:
    """The application with what its page shows, or None when missing or not the user's."""
    app = (
        applications_visible_to(user=user)
        .select_related("conformity_report", "proposed_by", "decided_by", "created_by")
        .filter(pk=application_id)
        .first()
    )
    if app is None or not can_view(user, app):
        return None
    return app


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
    if user.role == Role.PORTEUR:
        entries = entries.filter(private=False)
    return list(entries)


def messages_for(*, app: Application) -> list[Message]:
    return list(
        app.messages.select_related("author").prefetch_related("attachments").order_by("created_at")
    )


def documents_for(*, app: Application) -> list[ApplicationDocument]:
    return list(app.documents.exclude(role="message").order_by("created_at", "id"))


def pending_opinions(*, app: Application) -> QuerySet[Opinion]:
    return app.opinions.filter(answered_at__isnull=True)


def has_open_task(app: Application, node_name: str) -> bool:
    from viewflow.workflow.status import STATUS

    from workflows.flows import ApplicationFlow
    from workflows.models import ApplicationProcess

    node = getattr(ApplicationFlow, node_name)
    process_qs = ApplicationProcess.objects.filter(application=app, finished__isnull=True)
    return process_qs.filter(
        Exists(
            node.flow_class.task_class.objects.filter(
                process_id=OuterRef("pk"), flow_task=node, status=STATUS.NEW
            )
        )
    ).exists()


def opinions_for_operator(*, user: User) -> QuerySet[Opinion]:
    """Opinions asked of the user's partner operator (operator accounts answer them)."""
    if user.role != Role.OPERATEUR or not user.operator_id:
        return Opinion.objects.none()
    return (
        Opinion.objects.filter(kind="operateur", operator_id=user.operator_id)
        .select_related("application__place__commune", "application__porteur", "operator")
        .order_by("answered_at", "due_on")
    )
