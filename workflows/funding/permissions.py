"""Who sees a funding file, and who may act on it (one policy, read both ways).

- the préfecture of the place's département and the national agency: every file;
- the porteur: its decisions once signed (and a place funded through another channel), with
  their payments; never a file under instruction.

Actors of the transition table (`workflows.funding.lifecycle`): the instructor proposes and
adjusts, a signataire (never the proposer) signs or sends back, the préfecture orders and
records payments, the agency allows a decision beyond the envelope."""

from __future__ import annotations

from django.db.models import QuerySet

from documents.audiences import Audience
from labelling.access import Policy, Reach, is_active_user
from labelling.models import User
from workflows.funding.models import FundingFile, FundingState
from workflows.permissions import Actor

AS_PREFECTURE = Reach(
    "la préfecture du département",
    who=lambda user: user.is_prefecture,
    match={"departement_id": lambda user: user.departement_id},
)
AS_NATIONAL = Reach("l'agence nationale", who=lambda user: user.is_national)
AS_PORTEUR = Reach(
    "le porteur du lieu",
    who=lambda user: user.is_porteur,
    match={"porteur_id": lambda user: user.porteur_id},
    exclude={
        "state": (FundingState.TO_REVIEW, FundingState.TO_SIGN, FundingState.CLOSED),
    },
)

FILES = Policy(FundingFile, [AS_PREFECTURE, AS_NATIONAL, AS_PORTEUR])


def may_view(user: User, file: FundingFile) -> bool:
    return FILES.allows(user, file)


def files_in_scope(user: User, queryset: QuerySet | None = None) -> QuerySet:
    return FILES.scope(user, queryset)


def sees_instruction(user: User, file: FundingFile) -> bool:
    """The journal, the reasons and the envelopes: the préfecture and the agency."""
    return (AS_PREFECTURE.applies_to(user) and AS_PREFECTURE.matches(user, file)) or (
        AS_NATIONAL.applies_to(user)
    )


def may_see_queue(user: User) -> bool:
    return is_active_user(user) and (user.is_prefecture or user.is_national)


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
NATIONAL = Actor(
    "l'agence nationale",
    "Seule l'agence nationale peut autoriser un dépassement d'enveloppe.",
    who=lambda user: user.is_national,
    reach=AS_NATIONAL,
)


def decision_readers(file: FundingFile) -> Audience:
    """The signed decision: the porteur, the préfecture, the agency; verifiable by its code."""
    return Audience.of(
        porteur=file.porteur_id,
        prefecture=file.departement_id,
        national=True,
        public_verification=True,
    )
