"""The access policy of a label application (dossier), written once.

Who sees a file (`VIEW`, a `labelling.access.Policy`): its porteur, at every stage; the
préfecture of its département and the national agency, once it is submitted. The same rule
gives the predicate `may_view(user, app)` and the scope `applications_in_scope(user)` of the
lists and the queue.

Who may act (`Actor`s): a kind of user, narrowed to the files they see. The transition table
(`workflows.lifecycle`) names, for each transition, the actor who may fire it; services check
it before anything else, pages offer only what the actor may do, and the help page says who.

Partner operators never see the file: they see the opinions asked of them
(`opinions_in_scope`) and what each opinion request shares with them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet

from documents.audiences import Audience
from labelling.access import Policy, Reach, is_active_user
from labelling.models import User
from workflows.models import Application, Opinion, OpinionKind, State
from workflows.onboarding.models import Invitation

# --- who sees a file -------------------------------------------------------------------------

AS_PORTEUR = Reach(
    "le porteur du dossier",
    who=lambda user: user.is_porteur,
    match={"porteur_id": lambda user: user.porteur_id},
)
AS_PREFECTURE = Reach(
    "la préfecture du département",
    who=lambda user: user.is_prefecture,
    match={"departement_id": lambda user: user.departement_id},
    exclude={"state": (State.DRAFT,)},
)
AS_NATIONAL = Reach(
    "l'agence nationale",
    who=lambda user: user.is_national,
    exclude={"state": (State.DRAFT,)},
)

VIEW = Policy(Application, [AS_PORTEUR, AS_PREFECTURE, AS_NATIONAL])


def may_view(user: User, app: Application) -> bool:
    return VIEW.allows(user, app)


def applications_in_scope(user: User, queryset: QuerySet | None = None) -> QuerySet:
    return VIEW.scope(user, queryset)


def sees_private_parts(user: User, app: Application) -> bool:
    """Private notes, per-criterion appraisals and comments, opinions, the rapport: the
    préfecture and the agency, never the porteur."""
    return (AS_PREFECTURE.applies_to(user) and AS_PREFECTURE.matches(user, app)) or (
        AS_NATIONAL.applies_to(user) and AS_NATIONAL.matches(user, app)
    )


# --- who may act ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    """Who may fire a transition: a kind of user (`who`) among those who see the file
    (`reach`). `label` names them in French for the help page; `refusal` is the message of a
    refused attempt."""

    label: str
    refusal: str
    who: Callable[[User], bool]
    reach: Reach

    def allows(self, user: User, app: Application) -> bool:
        if not (is_active_user(user) and self.who(user) and self.reach.applies_to(user)):
            return False
        if self.reach.plain:
            return self.reach.matches(user, app)
        return Application.objects.filter(self.reach.q(user), pk=app.pk).exists()

    def __or__(self, other: Actor | AnyActor) -> AnyActor:
        return AnyActor((self,)) | other


@dataclass(frozen=True)
class AnyActor:
    """Several kinds of users, any of whom may act."""

    actors: tuple[Actor, ...]

    @property
    def label(self) -> str:
        labels = [actor.label for actor in self.actors]
        return ", ".join(labels[:-1]) + " ou " + labels[-1] if len(labels) > 1 else labels[0]

    @property
    def refusal(self) -> str:
        return f"Seul {self.label} peut faire cette action."

    def allows(self, user: User, app: Application) -> bool:
        return any(actor.allows(user, app) for actor in self.actors)

    def __or__(self, other: Actor | AnyActor) -> AnyActor:
        others = other.actors if isinstance(other, AnyActor) else (other,)
        return AnyActor(self.actors + others)


PORTEUR = Actor(
    "le porteur",
    "Seul le porteur du lieu peut faire cette action.",
    who=lambda user: user.is_porteur,
    reach=AS_PORTEUR,
)
INSTRUCTOR = Actor(
    "un instructeur de la préfecture",
    "Seul un instructeur de la préfecture du département peut le faire.",
    who=lambda user: user.is_instructor,
    reach=AS_PREFECTURE,
)
SIGNATAIRE = Actor(
    "un signataire de la préfecture",
    "Seul un signataire de la préfecture du département peut le faire.",
    who=lambda user: user.is_signataire,
    reach=AS_PREFECTURE,
)
PREFECTURE = Actor(
    "un agent de la préfecture",
    "Seule la préfecture du département peut le faire.",
    who=lambda user: user.is_prefecture,
    reach=AS_PREFECTURE,
)


CONSULTED_OPERATOR = Actor(
    "l'opérateur partenaire consulté",
    "Seul l'opérateur partenaire consulté peut donner cet avis.",
    who=lambda user: user.is_operator,
    reach=Reach(
        "l'opérateur partenaire consulté",
        who=lambda user: user.is_operator,
        # One opinion row asked of this operator (both lookups on the same row).
        match={
            "opinions__kind": lambda user: OpinionKind.OPERATEUR,
            "opinions__operator_id": lambda user: user.operator_id,
        },
    ),
)


# --- invitations of the porteurs of imported places (workflows.onboarding) ------------------

INVITATION_AS_PREFECTURE = Reach(
    "la préfecture du département",
    who=lambda user: user.is_prefecture,
    match={"departement_id": lambda user: user.departement_id},
)
INVITATION_AS_NATIONAL = Reach("l'agence nationale", who=lambda user: user.is_national)

# Who sees an invitation, its declared porteur and its journal: the same stewards as the place's
# (`labelling.permissions.PLACE_STEWARDS`). The invitee reaches it by its link only.
INVITATIONS = Policy(Invitation, [INVITATION_AS_PREFECTURE, INVITATION_AS_NATIONAL])


def may_view_invitation(user: User, invitation: Invitation) -> bool:
    return INVITATIONS.allows(user, invitation)


def invitations_in_scope(user: User, queryset: QuerySet | None = None) -> QuerySet:
    return INVITATIONS.scope(user, queryset)


INVITATION_PREFECTURE = Actor(
    "un agent de la préfecture",
    "Seule la préfecture du département du lieu peut confirmer ou refuser ce rattachement.",
    who=lambda user: user.is_prefecture,
    reach=INVITATION_AS_PREFECTURE,
)
INVITATION_NATIONAL = Actor(
    "l'agence nationale",
    "Seule l'agence nationale peut le faire.",
    who=lambda user: user.is_national,
    reach=INVITATION_AS_NATIONAL,
)
# Who invites (and may cancel an invitation not yet used).
INVITER = INVITATION_PREFECTURE | INVITATION_NATIONAL


@dataclass(frozen=True)
class InvitationHolder:
    """Whoever opened the invitation's link: signed out (a new account), or signed in with the
    invited address (an existing account). The link itself is the proof (services check it)."""

    label: str = "la personne invitée (par le lien reçu)"
    refusal: str = (
        "Vous êtes connecté avec une autre adresse que celle qui a été invitée : "
        "déconnectez-vous, puis ouvrez de nouveau le lien."
    )

    def allows(self, user, invitation: Invitation) -> bool:
        if user is None or not getattr(user, "is_authenticated", False):
            return True
        return is_active_user(user) and user.email.lower() == invitation.email.lower()


INVITEE = InvitationHolder()


# --- partner operators ------------------------------------------------------------------------


def opinions_in_scope(user: User) -> QuerySet[Opinion]:
    """The opinions asked of the user's partner operator (none for anyone else)."""
    if not (is_active_user(user) and user.is_operator):
        return Opinion.objects.none()
    return Opinion.objects.filter(kind=OpinionKind.OPERATEUR, operator_id=user.operator_id)


def is_consulted_operator(user: User, opinion: Opinion) -> bool:
    return (
        is_active_user(user)
        and user.is_operator
        and opinion.kind == OpinionKind.OPERATEUR
        and opinion.operator_id == user.operator_id
    )


# --- who reads the documents of a file (handed to the documents app) ---------------------------


def file_readers(app: Application) -> Audience:
    """Those who read the file and its thread: the porteur, the préfecture, the agency."""
    return Audience.of(porteur=app.porteur_id, prefecture=app.departement_id, national=True)


def prefecture_readers(app: Application) -> Audience:
    """The préfecture and the agency only: never the porteur nor an operator."""
    return Audience.of(prefecture=app.departement_id, national=True)


# What the préfecture writes for itself never reaches the porteur or an operator.
INTERNAL_DOCUMENT_KINDS = frozenset({"rapport_instruction"})


def document_readers(app: Application, kind: str) -> Audience:
    """The readers of a document the file produces; every produced document is verifiable."""
    readers = prefecture_readers(app) if kind in INTERNAL_DOCUMENT_KINDS else file_readers(app)
    return readers | Audience(public_verification=True)


def operator_readers(opinion: Opinion) -> Audience:
    """The partner operator an opinion is asked of (for what the request shares with it)."""
    return Audience.of(operators=[opinion.operator_id] if opinion.operator_id else [])


def may_see_queue(user: User) -> bool:
    """The préfecture's queue and its exports (the agency sees every département's)."""
    return is_active_user(user) and (user.is_prefecture or user.is_national)
