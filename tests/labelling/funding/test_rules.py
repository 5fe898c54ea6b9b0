"""The pure rules: pro-rata edge cases, rounding half-up, parts that add up exactly."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labelling.funding import rules
from labelling.funding.money import euros, parse_amount, plain

HALF = (rules.Share("fnadt", Decimal(50)), rules.Share("fonds_national_fs", Decimal(50)))


def rate(year, amount="30000.00", shares=HALF, prorata=True):
    return rules.Rate(year=year, amount=Decimal(amount), shares=shares, prorata_first_year=prorata)


def total(year, effective_on, **kwargs):
    return rules.compute(rate(year, **kwargs), effective_on=effective_on)


def test_the_example_of_the_issue():
    result = total(2020, datetime.date(2020, 7, 1))
    assert result.as_json() == {
        "year": 2020,
        "total": "15081.97",
        "parts": [
            {"funder": "fnadt", "amount": "7540.99"},
            {"funder": "fonds_national_fs", "amount": "7540.98"},
        ],
    }
    assert (result.days, result.days_in_year, result.prorated) == (184, 366, True)


def test_first_of_january_is_the_whole_year():
    result = total(2021, datetime.date(2021, 1, 1))
    assert result.total == Decimal("30000.00") and not result.prorated
    assert result.days == 365


def test_thirty_first_of_december_is_one_day():
    assert total(2021, datetime.date(2021, 12, 31)).total == Decimal("82.19")  # 30000/365
    assert total(2020, datetime.date(2020, 12, 31)).total == Decimal("81.97")  # 30000/366


def test_twenty_ninth_of_february_in_a_leap_year():
    result = total(2024, datetime.date(2024, 2, 29), amount="35000.00")
    # 29 February included: 307 days of 366.
    assert (result.days, result.days_in_year) == (307, 366)
    assert result.total == Decimal("29357.92")


def test_leap_and_common_years_count_their_days():
    assert rules.days_in_year(2020) == 366
    assert rules.days_in_year(2100) == 365
    assert rules.days_in_year(2000) == 366
    # The same date of effect gives less in a leap year (one more day in the year).
    leap = total(2020, datetime.date(2020, 3, 1)).total
    common = total(2021, datetime.date(2021, 3, 1)).total
    assert leap == Decimal("25081.97") and common == Decimal("25150.68")  # 306 days both


def test_a_label_of_an_earlier_year_gets_the_whole_year():
    result = total(2023, datetime.date(2019, 9, 1), amount="35000.00")
    assert result.total == Decimal("35000.00") and not result.prorated


def test_a_label_after_the_year_is_refused():
    with pytest.raises(rules.RuleError, match="après l'année 2020"):
        total(2020, datetime.date(2021, 1, 1))


def test_prorata_is_a_setting_of_the_rate():
    assert total(2020, datetime.date(2020, 7, 1), prorata=False).total == Decimal("30000.00")


def test_half_up_rounding():
    # 15000 × 1/365 = 41.0958… → 41.10; 0.005 goes up.
    assert total(2019, datetime.date(2019, 12, 31), amount="15000").total == Decimal("41.10")
    parts = rules.split(Decimal("0.01"), HALF)
    assert [p.amount for p in parts] == [Decimal("0.01"), Decimal("0.00")]
    parts = rules.split(Decimal("0.03"), HALF)
    assert [p.amount for p in parts] == [Decimal("0.02"), Decimal("0.01")]


def test_shares_must_add_up_to_one_hundred():
    with pytest.raises(rules.RuleError, match="exactement 100"):
        rules.check_shares([rules.Share("a", Decimal(60)), rules.Share("b", Decimal(30))])
    with pytest.raises(rules.RuleError, match="une fois"):
        rules.check_shares([rules.Share("a", Decimal(50)), rules.Share("a", Decimal(50))])
    with pytest.raises(rules.RuleError, match="au moins un"):
        rules.check_shares([])
    with pytest.raises(rules.RuleError, match="positif"):
        rules.check_shares([rules.Share("a", Decimal(110)), rules.Share("b", Decimal(-10))])


percents = st.lists(st.integers(min_value=1, max_value=9999), min_size=1, max_size=6).map(
    lambda weights: _to_percents(weights)
)


def _to_percents(weights):
    """Percentages with two decimals, each > 0, adding up to exactly 100."""
    scale = Decimal(10000) / sum(weights)
    cents = [max(1, int(Decimal(w) * scale)) for w in weights]
    cents[-1] += 10000 - sum(cents)
    if cents[-1] <= 0:
        return [Decimal(100)]
    return [Decimal(c) / 100 for c in cents]


@given(
    amount=st.decimals(min_value=0, max_value=1_000_000, places=2),
    effective_on=st.dates(
        min_value=datetime.date(2010, 1, 1), max_value=datetime.date(2030, 12, 31)
    ),
    year=st.integers(min_value=2016, max_value=2030),
    split_percents=percents,
)
def test_parts_always_add_up_exactly(amount, effective_on, year, split_percents):
    shares = tuple(rules.Share(f"f{i}", p) for i, p in enumerate(split_percents))
    r = rules.Rate(year=year, amount=amount, shares=shares)
    if effective_on > datetime.date(year, 12, 31):
        with pytest.raises(rules.RuleError):
            rules.compute(r, effective_on=effective_on)
        return
    result = rules.compute(r, effective_on=effective_on)
    assert sum(p.amount for p in result.parts) == result.total
    assert result.total == result.total.quantize(Decimal("0.01"))
    assert Decimal(0) <= result.total <= amount
    assert all(p.amount == p.amount.quantize(Decimal("0.01")) for p in result.parts)
    # Every part but the last is its percentage rounded half-up.
    for part, share in zip(result.parts[:-1], shares[:-1], strict=True):
        assert part.amount == rules.cents(result.total * share.percent / 100)


@given(st.decimals(min_value=0, max_value=10**9, places=2))
def test_money_reads_back(amount):
    assert parse_amount(euros(amount)) == amount
    assert parse_amount(plain(amount)) == amount


def test_money_french_display():
    assert euros(Decimal("15000")) == "15\u00a0000,00\u00a0€"
    assert euros(Decimal("15081.97")) == "15\u00a0081,97\u00a0€"
    assert plain(Decimal("15081.97")) == "15081,97"
    assert parse_amount("15 000,50 €") == Decimal("15000.50")
    assert parse_amount("abc") is None
    assert parse_amount("1,234") is None  # not an amount in cents
    assert parse_amount("1e400") is None
    assert parse_amount("NaN") is None
