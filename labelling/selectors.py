"""Reads for pages, scoped by what the user may see, in a fixed number of queries."""

from django.db.models import QuerySet

from labelling.models import Departement, Place, Region, User
from labelling.permissions import places_in_scope


def places_visible_to(*, user: User) -> QuerySet[Place]:
    """The places the user may see (`labelling.permissions.PLACES`), with what lists show."""
    return places_in_scope(
        user, Place.objects.select_related("commune", "departement__region", "porteur")
    )


def place_for_user(*, user: User, place_id) -> Place | None:
    """The place, or None when it does not exist or the user may not see it (same answer)."""
    return (
        places_visible_to(user=user)
        .select_related("commune_alias")
        .prefetch_related(
            "opening_intervals",
            "agents__trainings",
            "presences__operator",
        )
        .filter(pk=place_id)
        .first()
    )


def place_list(
    *,
    user: User,
    region_code: str = "",
    departement_code: str = "",
    label_status: str = "",
    search: str = "",
) -> QuerySet[Place]:
    places = places_visible_to(user=user)
    if region_code:
        places = places.filter(departement__region_id=region_code)
    if departement_code:
        places = places.filter(departement_id=departement_code)
    if label_status:
        places = places.filter(label_status=label_status)
    if search:
        places = places.filter(name__icontains=search) | places.filter(
            commune__name__icontains=search
        )
    return places.order_by("departement_id", "name")


def regions_with_departements() -> list[Region]:
    return list(Region.objects.prefetch_related("departements").order_by("name"))


def departements() -> QuerySet[Departement]:
    return Departement.objects.order_by("code")


def declaration_gaps(*, place: Place) -> list[str]:
    """What the place's declaration does not say yet, in French, in the order of the
    declaration: without it the conformity to the cahier des charges cannot be checked (a place
    imported from the national list knows none of it but its opening hours). Empty when the
    declaration is complete. Reads ``opening_intervals``, ``agents`` and ``presences`` (prefetch
    them for many places)."""
    gaps = []
    if place.porteur_id is None:
        gaps.append("son porteur, la structure qui gère le lieu (porteur à rattacher)")
    if not place.opening_intervals.all():
        gaps.append("ses horaires d'ouverture")
    if not place.agents.all():
        gaps.append("ses agents et leurs formations")
    if not place.presences.all():
        gaps.append("les opérateurs partenaires présents et leur mode de présence")
    if (place.confidential_office, place.digital_space, place.accessible_pmr) == (None,) * 3:
        gaps.append(
            "ses locaux : bureau de confidentialité, espace numérique, accessibilité aux "
            "personnes à mobilité réduite"
        )
    return gaps
