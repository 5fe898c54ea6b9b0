"""One rule, two readings: the predicate and the scope of places agree for every kind of user,
and users' groups follow their role without anyone calling a sync."""

import pytest

from labelling.models import Operator, Role
from labelling.permissions import PLACES, may_view_place, places_in_scope
from tests.factories import (
    InstructeurFactory,
    OperateurUserFactory,
    OperatorPresenceFactory,
    PlaceFactory,
    PorteurUserFactory,
    SignataireFactory,
    UserFactory,
    commune,
)

pytestmark = pytest.mark.django_db


def test_predicate_and_scope_agree_for_every_user_and_place():
    places = [
        PlaceFactory(commune=commune("63003")),
        PlaceFactory(commune=commune("05061")),
        PlaceFactory(commune=commune("63113")),
    ]
    OperatorPresenceFactory(place=places[0], operator=Operator.objects.get(pk="caf"))
    OperatorPresenceFactory(
        place=places[1], operator=Operator.objects.get(pk="caf"), presence="none"
    )
    users = [
        InstructeurFactory(departement_id="63"),
        SignataireFactory(departement_id="05"),
        PorteurUserFactory(porteur=places[1].porteur),
        OperateurUserFactory(operator=Operator.objects.get(pk="caf")),
        OperateurUserFactory(operator=Operator.objects.get(pk="msa")),
        UserFactory(),
        UserFactory(is_active=False),
    ]
    expected = {
        0: {0, 2},  # instructor 63
        1: {1},  # signataire 05
        2: {1},  # porteur of the Gap place
        3: {0},  # CAF, present only at Ambert (absent at Gap)
        4: set(),
        5: {0, 1, 2},  # national
        6: set(),  # inactive
    }
    for u, user in enumerate(users):
        scope = set(places_in_scope(user).values_list("pk", flat=True))
        predicate = {p.pk for p in places if may_view_place(user, p)}
        assert scope == predicate == {places[i].pk for i in expected[u]}, user.role


def test_presence_change_is_followed_without_a_sync():
    place = PlaceFactory()
    operator = OperateurUserFactory(operator=Operator.objects.get(pk="caf"))
    assert not may_view_place(operator, place)
    presence = OperatorPresenceFactory(place=place, operator=Operator.objects.get(pk="caf"))
    assert may_view_place(operator, place)
    presence.delete()
    assert not PLACES.scope(operator).exists()


def test_groups_follow_the_role_on_every_save():
    user = InstructeurFactory(departement_id="63")
    assert list(user.groups.values_list("name", flat=True)) == ["Préfecture 63"]
    user.departement_id = "05"
    user.save()
    assert list(user.groups.values_list("name", flat=True)) == ["Préfecture 05"]
    user.role = Role.NATIONAL
    user.save()
    assert list(user.groups.values_list("name", flat=True)) == ["Agence nationale"]
    user.is_active = False
    user.save()
    assert not user.groups.exists()
