"""Opening the funding file of a place for a year: by the labelling decision, by the renewal
(`open_funding_file`), for the whole network of a year."""

import datetime
from decimal import Decimal

import pytest

from labelling.models import LabelStatus, Porteur
from tests.factories import LabelledPlaceFactory, commune
from workflows.funding.models import FundingAction, FundingCause, FundingFile, FundingState
from workflows.funding.services import NotFundable, open_funding_file

pytestmark = pytest.mark.django_db


def test_the_first_year_is_pro_rated_from_the_date_of_effect(place):
    file = open_funding_file(place=place, year=2020, cause=FundingCause.LABELLING)
    assert file.state == FundingState.TO_REVIEW
    assert file.departement_id == "63" and file.porteur_id == place.porteur_id
    # From 1 July (the date of effect), not 15 June (the decision): 184 days of 366.
    assert (file.days, file.days_in_year, file.prorated) == (184, 366, True)
    assert file.proposed_amount == file.amount == Decimal("15081.97")
    parts = {p.funder_id: p.amount for p in file.parts.all()}
    assert parts == {"fnadt": Decimal("7540.99"), "fonds_national_fs": Decimal("7540.98")}
    entry = file.journal.get()
    assert entry.action == FundingAction.OPEN and "184 jours sur 366" in entry.comment


def test_the_next_years_are_whole(place):
    file = open_funding_file(place=place, year=2023, cause=FundingCause.RENEWAL)
    assert file.amount == Decimal("35000.00") and not file.prorated
    assert file.cause == FundingCause.RENEWAL


def test_opening_twice_gives_the_same_file(place):
    first = open_funding_file(place=place, year=2021, cause=FundingCause.RENEWAL)
    again = open_funding_file(place=place, year=2021, cause=FundingCause.YEAR)
    assert first.pk == again.pk and FundingFile.objects.count() == 1


def test_la_poste_is_funded_through_another_channel():
    poste = Porteur.objects.create(kind="la_poste", name="La Poste", siret="35600000000048")
    place = LabelledPlaceFactory(porteur=poste)
    file = open_funding_file(place=place, year=2021, cause=FundingCause.YEAR)
    assert file.state == FundingState.OTHER_CHANNEL
    assert file.amount == 0 and not file.parts.exists()
    assert file.journal.get().action == FundingAction.OTHER_CHANNEL


@pytest.mark.parametrize("status", [LabelStatus.SUSPENDED, LabelStatus.WITHDRAWN])
def test_a_place_suspended_or_withdrawn_gets_no_decision(place, status):
    place.label_status = status
    place.save()
    with pytest.raises(NotFundable, match="aucune décision de financement"):
        open_funding_file(place=place, year=2022, cause=FundingCause.RENEWAL)
    assert not FundingFile.objects.exists()


def test_nothing_before_the_label(place):
    with pytest.raises(NotFundable, match="après 2019"):
        open_funding_file(place=place, year=2019, cause=FundingCause.YEAR)


def test_a_year_without_rate_opens_a_file_that_says_so():
    place = LabelledPlaceFactory(label_effective_on=datetime.date(2014, 3, 1))
    file = open_funding_file(place=place, year=2015, cause=FundingCause.YEAR)
    assert file.rate_missing and file.amount == 0
    assert "Aucun taux de financement n'est fixé pour l'année 2015" in file.journal.get().comment


def test_the_labelling_decision_opens_the_year_of_effect():
    from tests.workflows.factories import signed

    app = signed()
    file = FundingFile.objects.get(place_id=app.place_id)
    # The factory's label takes effect on 1 January 2030: a whole year at the 2023 rate.
    assert (file.year, file.cause, file.amount) == (2030, FundingCause.LABELLING, Decimal("35000"))
    assert file.state == FundingState.TO_REVIEW


def test_opening_a_whole_year_in_bulk(place, instructor):
    from workflows.funding.services import open_year

    poste = Porteur.objects.create(kind="la_poste", name="La Poste", siret="35600000000048")
    postal = LabelledPlaceFactory(porteur=poste)
    suspended = LabelledPlaceFactory(label_status=LabelStatus.SUSPENDED)
    later = LabelledPlaceFactory(label_effective_on=datetime.date(2021, 3, 1))
    elsewhere = LabelledPlaceFactory(commune=commune("05061"))
    existing = open_funding_file(place=place, year=2020, cause=FundingCause.LABELLING)
    result = open_year(user=instructor, year=2020)
    # The instructor opens its département only.
    assert (result.opened, result.other_channel, result.already) == (0, 1, 1)
    files = {f.place_id: f for f in FundingFile.objects.filter(year=2020)}
    assert files[place.pk].pk == existing.pk
    assert files[postal.pk].state == FundingState.OTHER_CHANNEL
    assert suspended.pk not in files and later.pk not in files and elsewhere.pk not in files
    result = open_year(user=None, year=2021)
    files = {f.place_id: f for f in FundingFile.objects.filter(year=2021)}
    assert result.opened == 3 and result.other_channel == 1
    assert files[later.pk].amount == Decimal("25150.68") and files[later.pk].prorated
    assert sum(p.amount for p in files[later.pk].parts.all()) == Decimal("25150.68")
    assert files[later.pk].journal.get().action == FundingAction.OPEN
    assert files[postal.pk].journal.get().action == FundingAction.OTHER_CHANNEL
    # Again: nothing more.
    assert open_year(user=None, year=2021).opened == 0


def test_the_yearly_task_opens_the_year(place):
    from workflows.funding.tasks import open_new_year

    assert open_new_year.delay(2024).get() == {"year": 2024, "opened": 1, "other_channel": 0}
    assert open_new_year.delay(2024).get()["opened"] == 0
