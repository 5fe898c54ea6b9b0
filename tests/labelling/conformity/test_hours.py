import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from labelling.conformity.hours import (
    MINUTES_PER_DAY,
    day_minutes,
    format_duration,
    merge_intervals,
)

interval = st.integers(0, MINUTES_PER_DAY - 1).flatmap(
    lambda start: st.tuples(st.just(start), st.integers(start + 1, MINUTES_PER_DAY))
)
intervals = st.lists(interval, max_size=12)


def covered(day: list[tuple[int, int]]) -> int:
    return len({minute for start, end in day for minute in range(start, end)})


@given(intervals, st.randoms())
def test_order_does_not_change_the_total(day, random):
    shuffled = list(day)
    random.shuffle(shuffled)
    assert day_minutes(shuffled) == day_minutes(day) == covered(day)


@given(intervals, st.data())
def test_splitting_an_interval_does_not_change_the_total(day, data):
    if not day:
        return
    index = data.draw(st.integers(0, len(day) - 1))
    start, end = day[index]
    if end - start < 2:
        return
    cut = data.draw(st.integers(start + 1, end - 1))
    split = [*day[:index], (start, cut), (cut, end), *day[index + 1 :]]
    assert day_minutes(split) == day_minutes(day)


@settings(max_examples=50)
@given(st.lists(st.lists(interval, max_size=4), min_size=7, max_size=7))
def test_a_week_never_exceeds_168_hours(week):
    total = sum(day_minutes(day) for day in week)
    assert 0 <= total <= 168 * 60


@given(intervals)
def test_merged_intervals_are_sorted_and_disjoint(day):
    merged = merge_intervals(day)
    for (_, end), (start, _) in itertools.pairwise(merged):
        assert end < start


def test_format_duration():
    assert format_duration(1350) == "22 h 30"
    assert format_duration(1440) == "24 h"
    assert format_duration(1) == "0 h 01"
