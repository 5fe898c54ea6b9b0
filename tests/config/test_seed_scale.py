"""seed_scale: a synthetic network written in bulk, in steps, removable."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from labelling.models import MonthlyActivity, Place
from labelling.models.network import LabelStatus
from workflows.models import Application, State

pytestmark = pytest.mark.django_db


def test_seed_scale_builds_places_and_files_and_grows_in_steps():
    out = io.StringIO()
    call_command("seed_scale", places=60, files=150, activity=400, stdout=out, stderr=io.StringIO())
    assert out.getvalue().startswith("60 lieux, ")
    assert "150 dossiers, 400 lignes d'activité créés" in out.getvalue()
    places = Place.objects.filter(id_fs__startswith="scale-")
    assert places.count() == 60
    assert Application.objects.filter(place__in=places).count() == 150
    # Every place in project has its porteur (the database says so too), the labels a date.
    assert not places.filter(label_status=LabelStatus.CANDIDATE, porteur=None).exists()
    assert (
        not places.exclude(label_status=LabelStatus.CANDIDATE)
        .filter(label_effective_on=None)
        .exists()
    )
    assert Application.objects.exclude(state=State.DRAFT).filter(submitted_at=None).count() == 0
    activity = MonthlyActivity.objects.filter(place__in=places)
    assert activity.count() == 400
    assert not activity.exclude(place__label_status=LabelStatus.LABELLED).exists()
    call_command(
        "seed_scale", places=10, files=5, activity=0, stdout=io.StringIO(), stderr=io.StringIO()
    )
    assert places.count() == 70 and places.filter(id_fs="scale-69").exists()
    call_command(
        "seed_scale",
        places=5,
        files=0,
        activity=0,
        clear=True,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert places.count() == 5
    assert Application.objects.count() == 0
    assert MonthlyActivity.objects.count() == 0


def test_seed_scale_refuses_nonsense_in_french():
    with pytest.raises(CommandError, match="Il faut au moins un lieu"):
        call_command("seed_scale", places=0, stdout=io.StringIO())
    with pytest.raises(CommandError, match="lignes d'activité"):
        call_command("seed_scale", places=5, activity=-1, stdout=io.StringIO())
