"""The access policy of the yearly reviews, written once (`labelling.access.Policy`).

Who sees a review: the porteur of its place (the place's current porteur: a place imported
without one gets its review as soon as its porteur is attached), the préfecture of its
département, the national agency. Partner operators do not see reviews (they see the activity
figures of their operator, `labelling.activity`).

Who may act (`ReviewActor`s, named by the transition table `workflows.renewal.lifecycle`): the
porteur answers, an instructor of the préfecture instructs and decides, a signataire signs the
abrogation (never the one who proposed it), Estampille itself reminds and wakes files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet

from documents.audiences import Audience
from labelling.access import Policy, Reach, is_active_user
from labelling.models import User
from workflows.renewal.models import Review

AS_PORTEUR = Reach(
    "le porteur du lieu",
    who=lambda user: user.is_porteur,
    match={"place__porteur_id": lambda user: user.porteur_id},
)
AS_PREFECTURE = Reach(
    "la préfecture du département",
    who=lambda user: user.is_prefecture,
    match={"departement_id": lambda user: user.departement_id},
)
AS_NATIONAL = Reach("l'agence nationale", who=lambda user: user.is_national)

REVIEWS = Policy(Review, [AS_PORTEUR, AS_PREFECTURE, AS_NATIONAL])


def may_view_review(user: User, review: Review) -> bool:
    return REVIEWS.allows(user, review)


def reviews_in_scope(user: User, queryset: QuerySet | None = None) -> QuerySet:
    return REVIEWS.scope(user, queryset)


def sees_private_parts(user: User, review: Review) -> bool:
    """Private journal entries and the instructor's notes: the préfecture and the agency."""
    return is_active_user(user) and (
        user.is_national or (user.is_prefecture and user.departement_id == review.departement_id)
    )


def may_see_queue(user: User) -> bool:
    return is_active_user(user) and (user.is_prefecture or user.is_national)


@dataclass(frozen=True)
class ReviewActor:
    """A kind of user (`who`) among those who see the review (`reach`)."""

    label: str
    refusal: str
    who: Callable[[User], bool]
    reach: Reach

    def allows(self, user: User, review: Review) -> bool:
        if not (is_active_user(user) and self.who(user) and self.reach.applies_to(user)):
            return False
        if self.reach.plain:
            return self.reach.matches(user, review)
        if self.reach is AS_PORTEUR:
            # The place is loaded with the review (select_related): no query.
            return review.place.porteur_id is not None and review.place.porteur_id == (
                user.porteur_id
            )
        return Review.objects.filter(self.reach.q(user), pk=review.pk).exists()


PORTEUR = ReviewActor(
    "le porteur du lieu",
    "Seul le porteur du lieu peut répondre à la revue.",
    who=lambda user: user.is_porteur,
    reach=AS_PORTEUR,
)
INSTRUCTOR = ReviewActor(
    "un instructeur de la préfecture",
    "Seul un instructeur de la préfecture du département peut le faire.",
    who=lambda user: user.is_instructor,
    reach=AS_PREFECTURE,
)
SIGNATAIRE = ReviewActor(
    "un signataire de la préfecture",
    "Seul un signataire de la préfecture du département peut signer.",
    who=lambda user: user.is_signataire,
    reach=AS_PREFECTURE,
)
PREFECTURE = ReviewActor(
    "un agent de la préfecture",
    "Seule la préfecture du département peut le faire.",
    who=lambda user: user.is_prefecture,
    reach=AS_PREFECTURE,
)


# --- who reads the documents of a review (handed to the documents app) -----------------------


def review_readers(review: Review) -> Audience:
    """The porteur of the place, the préfecture, the agency; every decision is verifiable."""
    return Audience.of(
        porteur=review.place.porteur_id,
        prefecture=review.departement_id,
        national=True,
    ) | Audience(public_verification=True)
