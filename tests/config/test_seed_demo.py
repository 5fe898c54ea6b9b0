import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.urls import reverse

from config.management.commands.seed_demo import DEMO_PASSWORD
from labelling.models import CoverageRun, LabelStatus, Place, Porteur, PorteurKind, User
from workflows.models import Application, State

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_matches_the_seeds(capsys):
    call_command("seed_demo")
    first = (Place.objects.count(), Porteur.objects.count(), User.objects.count())
    call_command("seed_demo")
    assert (Place.objects.count(), Porteur.objects.count(), User.objects.count()) == first
    # The network's coverage is computed once, for the status pages (beat does it hourly).
    assert CoverageRun.objects.count() == 1

    in_63 = Place.objects.filter(departement_id="63")
    assert in_63.filter(label_status=LabelStatus.LABELLED).count() == 13
    assert in_63.filter(label_status=LabelStatus.CANDIDATE).count() == 10
    assert (
        Place.objects.filter(departement_id="05", label_status=LabelStatus.LABELLED).count() == 11
    )
    assert set(Porteur.objects.values_list("kind", flat=True)) == set(PorteurKind.values)
    assert "instructeur-63@estampille.test" in capsys.readouterr().out
    assert sorted(Application.objects.values_list("state", flat=True)) == sorted(
        [State.DRAFT, State.SUBMITTED, State.INSTRUCTION]
    )


def test_demo_accounts_sign_in_and_see_their_scope(client, rf):
    call_command("seed_demo")
    # django-axes (first backend) needs the request to count attempts.
    user = authenticate(
        rf.post("/compte/connexion/"),
        username="instructeur-05@estampille.test",
        password=DEMO_PASSWORD,
    )
    assert user is not None
    response = client.post(
        reverse("login"),
        {"username": "instructeur-05@estampille.test", "password": DEMO_PASSWORD},
    )
    assert response.status_code == 302
    content = client.get("/lieux/").content.decode()
    assert "Briançon" in content
    assert "Ambert" not in content


def test_the_demo_password_meets_the_password_rules():
    from django.contrib.auth.password_validation import validate_password

    call_command("seed_demo")
    for user in User.objects.filter(email__endswith="@estampille.test"):
        validate_password(DEMO_PASSWORD, user)
