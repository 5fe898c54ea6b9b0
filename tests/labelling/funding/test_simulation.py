"""`funding_simulation`: JSON on stdout and exit 0; exit 2 with a French message on stderr and
nothing on stdout."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from labelling.funding import selectors, services
from labelling.models import FundingRate
from tests.factories import InstructeurFactory, UserFactory

pytestmark = pytest.mark.django_db


class Result:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.fixture
def database(capsys):
    return capsys


def run(capsys, *args):
    capsys.readouterr()
    try:
        call_command("funding_simulation", *args)
        code = 0
    except SystemExit as exit:
        code = exit.code
    out = capsys.readouterr()
    return Result(code, out.out, out.err)


def test_the_example_of_the_issue(database):
    result = run(database, "--year", "2020", "--labelled-on", "2020-07-01")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["year"] == 2020 and data["total"] == "15081.97"
    assert [p["amount"] for p in data["parts"]] == ["7540.99", "7540.98"]
    assert data["parts"][0]["funder"] == "État (FNADT)"
    assert data["parts"][1]["funder"] == "Fonds national France Services"
    assert sum(Decimal(p["amount"]) for p in data["parts"]) == Decimal(data["total"])
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("year", "labelled_on", "total", "second"),
    [
        ("2018", "2018-01-01", "15000.00", "Fonds inter-opérateurs MSAP"),  # MSAP
        ("2022", "2019-05-01", "30000.00", "Fonds national France Services"),  # earlier label
        ("2023", "2023-12-31", "95.89", "Fonds national France Services"),  # 35000/365
        ("2031", "2020-01-01", "35000.00", "Fonds national France Services"),  # until a later year
    ],
)
def test_the_default_rates(database, year, labelled_on, total, second):
    result = run(database, "--year", year, "--labelled-on", labelled_on)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["total"] == total and data["parts"][1]["funder"] == second


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2015", "--labelled-on", "2015-01-01"], "Aucun taux de financement"),
        (["--year", "2021", "--labelled-on", "2021-02-29"], "Date invalide"),
        (["--year", "2020", "--labelled-on", "01/07/2020"], "Date invalide"),
        (["--year", "vingt", "--labelled-on", "2020-07-01"], "Année invalide"),
        (["--year", "2020"], "date d'effet"),
        (["--labelled-on", "2020-07-01"], "l'année"),
        (["--year", "2020", "--labelled-on", "2021-01-01"], "après l'année 2020"),
        (["--nimporte", "quoi"], "Arguments invalides"),
    ],
)
def test_invalid_input_exits_2_in_french(database, args, message):
    result = run(database, *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert message in result.stderr
    assert "Traceback" not in result.stderr and "error:" not in result.stderr


def test_a_rate_set_by_a_national_user_applies_from_its_year(capsys):
    national = UserFactory()
    services.save_rate(
        user=national,
        year=2027,
        amount=Decimal("50000"),
        prorata_first_year=False,
        shares=[("fnadt", Decimal("40")), ("fonds_national_fs", Decimal("60"))],
    )
    call_command("funding_simulation", "--year", "2028", "--labelled-on", "2028-07-01")
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == "50000.00"
    assert [p["amount"] for p in data["parts"]] == ["20000.00", "30000.00"]
    assert selectors.compute(year=2026, effective_on=datetime.date(2026, 1, 1)).total == Decimal(
        "35000.00"
    )


def test_rates_are_checked_and_national_only():
    national = UserFactory()
    with pytest.raises(services.FundingError) as error:
        services.save_rate(
            user=national,
            year=2027,
            amount=Decimal("1"),
            prorata_first_year=True,
            shares=[("fnadt", Decimal("40")), ("fonds_national_fs", Decimal("50"))],
        )
    assert "100" in error.value.field_errors["shares"][0]
    with pytest.raises(services.FundingError) as error:
        services.save_rate(
            user=national,
            year=2027,
            amount=Decimal("1"),
            prorata_first_year=True,
            shares=[("inconnu", Decimal("100"))],
        )
    assert "inconnu" in error.value.field_errors["shares"][0]
    with pytest.raises(services.FundingForbidden):
        services.save_rate(
            user=InstructeurFactory(),
            year=2027,
            amount=Decimal("1"),
            prorata_first_year=True,
            shares=[("fnadt", Decimal("100"))],
        )
    assert not FundingRate.objects.filter(year=2027).exists()
