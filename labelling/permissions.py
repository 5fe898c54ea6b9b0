"""Object-level access with django-guardian: one group per préfecture (département), per porteur
and per partner operator, holding permissions on the places they may see."""

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from labelling.models import (
    OperatorPresence,
    Place,
    PlaceGroupObjectPermission,
    Presence,
    Role,
    User,
)

PLACE_PERMISSIONS = ("view_place", "change_place")


def prefecture_group_name(departement_code: str) -> str:
    return f"Préfecture {departement_code}"


def porteur_group_name(porteur_id) -> str:
    return f"Porteur {porteur_id}"


def operator_group_name(operator_code: str) -> str:
    return f"Opérateur {operator_code}"


def groups_for_user(user: User) -> list[str]:
    if user.role in (Role.INSTRUCTEUR, Role.SIGNATAIRE) and user.departement_id:
        return [prefecture_group_name(user.departement_id)]
    if user.role == Role.PORTEUR and user.porteur_id:
        return [porteur_group_name(user.porteur_id)]
    if user.role == Role.OPERATEUR and user.operator_id:
        return [operator_group_name(user.operator_id)]
    return []


@transaction.atomic
def sync_user_groups(*, user: User) -> None:
    wanted = {Group.objects.get_or_create(name=name)[0] for name in groups_for_user(user)}
    user.groups.set(wanted)


def _place_grants(place: Place, operator_codes: Iterable[str]) -> list[tuple[str, str]]:
    """(group name, permission codename) pairs a place should have."""
    grants = [(prefecture_group_name(place.departement_id), c) for c in PLACE_PERMISSIONS]
    if place.porteur_id is not None:  # a place of the national list may wait for its porteur
        grants += [(porteur_group_name(place.porteur_id), c) for c in PLACE_PERMISSIONS]
    grants += [
        (operator_group_name(code), "view_place") for code in operator_codes if code != "autre"
    ]
    return grants


@transaction.atomic
def sync_place_permissions(*, places: Iterable[Place]) -> None:
    """Make the guardian rows of these places match who should see them, in a bounded number of
    queries whatever the number of places."""
    places = list(places)
    if not places:
        return
    place_ids = [p.pk for p in places]
    present: dict = {pid: set() for pid in place_ids}
    for place_id, code in (
        OperatorPresence.objects.filter(place_id__in=place_ids)
        .exclude(presence=Presence.NONE)
        .values_list("place_id", "operator_id")
    ):
        present[place_id].add(code)
    wanted = {
        (place.pk, group, codename)
        for place in places
        for group, codename in _place_grants(place, sorted(present[place.pk]))
    }
    group_names = {g for _, g, _ in wanted}
    existing_groups = {g.name: g for g in Group.objects.filter(name__in=group_names)}
    missing = [Group(name=n) for n in group_names - existing_groups.keys()]
    for group in Group.objects.bulk_create(missing):
        existing_groups[group.name] = group
    # bulk_create on some backends does not set pks: re-read to be safe.
    if missing:
        existing_groups = {g.name: g for g in Group.objects.filter(name__in=group_names)}
    permissions = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label="labelling", codename__in=PLACE_PERMISSIONS
        )
    }
    PlaceGroupObjectPermission.objects.filter(content_object_id__in=place_ids).delete()
    PlaceGroupObjectPermission.objects.bulk_create(
        [
            PlaceGroupObjectPermission(
                content_object_id=place_id,
                group=existing_groups[group],
                permission=permissions[codename],
            )
            for place_id, group, codename in sorted(wanted, key=str)
        ],
        batch_size=2000,
    )
