"""Weekly opening hours in minutes since midnight: parsing, merging and totals."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

MINUTES_PER_DAY = 1440
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY

Interval = tuple[int, int]


def parse_time(text: str) -> int:
    """ "HH:MM" → minutes since midnight ("24:00" → 1440). The format is checked by the schema."""
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def format_time(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def merge_intervals(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    """Merge the intervals of one day that overlap or touch, so that no minute counts twice."""
    merged: list[list[int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1][1] = end
        else:
            merged.append([start, end])
    return tuple((start, end) for start, end in merged)


def day_minutes(intervals: Iterable[Interval]) -> int:
    """Minutes of opening of one day, intervals merged first (at most 1440)."""
    return sum(end - start for start, end in merge_intervals(intervals))


@lru_cache(maxsize=4096)
def format_duration(minutes: int) -> str:
    """1350 → "22 h 30", 1440 → "24 h"."""
    hours, rest = divmod(minutes, 60)
    return f"{hours} h" if rest == 0 else f"{hours} h {rest:02d}"
