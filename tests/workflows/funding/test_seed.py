"""The demo data has funding to show: decisions signed and paid, a proposal to sign, and the
Puy-de-Dôme porteur sees its decisions."""

import pytest
from django.core.management import call_command

from labelling.models import User
from workflows.funding.models import FundingFile, FundingState
from workflows.funding.selectors import porteur_files

pytestmark = pytest.mark.django_db


def test_seed_demo_has_funding_in_63():
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent
    files = FundingFile.objects.filter(departement_id="63")
    states = set(files.values_list("state", flat=True))
    assert {FundingState.PAID, FundingState.SIGNED, FundingState.TO_SIGN} <= states
    assert FundingState.OTHER_CHANNEL in states  # La Poste's places
    assert files.filter(year=2025).count() == files.filter(year=2026).count() == 13
    porteur = User.objects.get(email="porteur-63@estampille.test")
    assert porteur_files(user=porteur)
