"""Who sees which place, and the groups users belong to.

Places: one `Policy` (see `labelling.access`) gives both `may_view_place(user, place)` and
`places_visible_to(user)`. The agency sees every place; a préfecture agent the places of its
département; a porteur its own places; a partner operator the places where it is present (on
site or at a distance). Everything is derived from the place's columns and presences, so it
can never drift from them.

Groups: each user belongs to the group of its préfecture, porteur or operator, or to the
national group. They are kept in step by a `post_save` signal on `User` (see
`labelling.signals`) and are what document grants name (see `documents.permissions`)."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

from labelling.access import Policy, Reach
from labelling.groups import (
    NATIONAL_GROUP,
    operator_group_name,
    porteur_group_name,
    prefecture_group_name,
)
from labelling.models import MonthlyActivity, OperatorPresence, Place, Presence, User

# --- places ---------------------------------------------------------------------------------


def _places_where_present(user: User):
    return (
        OperatorPresence.objects.filter(operator_id=user.operator_id)
        .exclude(presence=Presence.NONE)
        .exclude(operator_id="autre")
        .values("place_id")
    )


PLACES = Policy(
    Place,
    [
        Reach("l'agence nationale", who=lambda user: user.is_national),
        Reach(
            "la préfecture du département",
            who=lambda user: user.is_prefecture,
            match={"departement_id": lambda user: user.departement_id},
        ),
        Reach(
            "le porteur du lieu",
            who=lambda user: user.is_porteur,
            match={"porteur_id": lambda user: user.porteur_id},
        ),
        Reach(
            "un opérateur partenaire présent dans le lieu",
            who=lambda user: user.is_operator,
            match={"pk__in": _places_where_present},
        ),
    ],
)


def may_view_place(user: User, place: Place) -> bool:
    return PLACES.allows(user, place)


# Who answers for a place before the State: the agency everywhere, the préfecture in its
# département. They invite the porteur of a place imported from the national list
# (`workflows.onboarding`) and see the network's status (`workflows.dashboard`).
PLACE_STEWARDS = Policy(
    Place,
    [
        Reach("l'agence nationale", who=lambda user: user.is_national),
        Reach(
            "la préfecture du département",
            who=lambda user: user.is_prefecture,
            match={"departement_id": lambda user: user.departement_id},
        ),
    ],
)


def may_invite_porteur(user: User, place: Place) -> bool:
    """May this user invite the porteur of this place (whether the place still waits for one
    is the onboarding's condition, not a right)."""
    return PLACE_STEWARDS.allows(user, place)


def is_steward(user: User) -> bool:
    """A national or préfecture user: the network's status pages, the invitations' list."""
    return PLACE_STEWARDS.q(user) is not None


def places_in_scope(user: User, queryset=None):
    """The places the user may see (a queryset; `labelling.selectors` adds what pages need)."""
    return PLACES.scope(user, queryset)


# --- activity figures ---------------------------------------------------------------------

# Who reads the monthly figures: the agency all of them, a préfecture those of its
# département, a porteur those of its places, a partner operator those of its own operator
# across the places where it is present.
ACTIVITY = Policy(
    MonthlyActivity,
    [
        Reach("l'agence nationale", who=lambda user: user.is_national),
        Reach(
            "la préfecture du département",
            who=lambda user: user.is_prefecture,
            match={"place__departement_id": lambda user: user.departement_id},
        ),
        Reach(
            "le porteur du lieu",
            who=lambda user: user.is_porteur,
            match={"place__porteur_id": lambda user: user.porteur_id},
        ),
        Reach(
            "l'opérateur partenaire, pour ses propres chiffres",
            who=lambda user: user.is_operator,
            match={"operator_id": lambda user: user.operator_id},
        ),
    ],
)

# Who enters or corrects the figures of a place: its porteur, and the préfecture of its
# département (for a place still waiting for its porteur).
ACTIVITY_WRITERS = Policy(
    Place,
    [
        Reach(
            "le porteur du lieu",
            who=lambda user: user.is_porteur,
            match={"porteur_id": lambda user: user.porteur_id},
        ),
        Reach(
            "la préfecture du département",
            who=lambda user: user.is_prefecture,
            match={"departement_id": lambda user: user.departement_id},
        ),
    ],
)


def activity_in_scope(user: User, queryset=None):
    return ACTIVITY.scope(user, queryset)


def may_enter_activity(user: User, place: Place) -> bool:
    return ACTIVITY_WRITERS.allows(user, place)


def activity_places(user: User, queryset=None):
    """The places whose figures this user may enter."""
    return ACTIVITY_WRITERS.scope(user, queryset)


def sees_activity(user: User) -> bool:
    return ACTIVITY.q(user) is not None


# --- groups ---------------------------------------------------------------------------------


def groups_for_user(user: User) -> list[str]:
    if not user.is_active:
        return []
    if user.is_prefecture:
        return [prefecture_group_name(user.departement_id)]
    if user.is_porteur:
        return [porteur_group_name(user.porteur_id)]
    if user.is_operator:
        return [operator_group_name(user.operator_id)]
    if user.is_national:
        return [NATIONAL_GROUP]
    return []


@transaction.atomic
def sync_user_groups(*, user: User) -> None:
    """Put the user in exactly the groups of its role (called on every save of a user)."""
    wanted = {Group.objects.get_or_create(name=name)[0] for name in groups_for_user(user)}
    user.groups.set(wanted)


# --- the network's status pages -----------------------------------------------------------------


class OutOfScope(Exception):
    """The area asked for is not the user's (the page answers 404, as missing)."""


def network_area(user: User, *, region_code: str = "", departement_code: str = ""):
    """The part of the network a steward's status pages show (`labelling.network_status.Area`):
    the agency chooses the whole network, a région or a département; a préfecture sees its
    département only (asking for another one is out of its scope, as is any area for users who
    are not stewards)."""
    from labelling.models import Departement, Region
    from labelling.network_status import Area

    if not is_steward(user):
        raise OutOfScope
    if user.is_prefecture:
        if departement_code and departement_code != user.departement_id:
            raise OutOfScope
        if region_code and region_code != user.departement.region_id:
            raise OutOfScope
        return Area(departement=user.departement)
    departement = region = None
    if departement_code:
        departement = (
            Departement.objects.select_related("region").filter(pk=departement_code).first()
        )
        if departement is None:
            raise OutOfScope
    elif region_code:
        region = Region.objects.filter(pk=region_code).first()
        if region is None:
            raise OutOfScope
    return Area(region=region, departement=departement)


# --- funding rules (labelling.funding) -------------------------------------------------------


def may_edit_funding_rules(user: User) -> bool:
    """Rates by year, their split and the départements' envelopes: national users only."""
    from labelling.access import is_active_user

    return is_active_user(user) and user.is_national


def may_read_funding_rules(user: User) -> bool:
    """The rates and envelopes are read by the préfectures too (their own envelopes)."""
    from labelling.access import is_active_user

    return is_active_user(user) and (user.is_national or user.is_prefecture)
