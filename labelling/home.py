"""Sections that other applications add to a signed-in user's home page (labelling never
imports them: they register here when they start, e.g. the files to sign)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class HomeItem:
    label: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class HomeSection:
    title: str
    items: list[HomeItem] = field(default_factory=list)
    empty: str = ""
    more_url: str = ""
    more_label: str = ""


_SECTIONS: list[Callable] = []


def register(section: Callable) -> Callable:
    """`section(user)` returns a `HomeSection`, or None when it is not for this user."""
    if section not in _SECTIONS:
        _SECTIONS.append(section)
    return section


def sections_for(user) -> list[HomeSection]:
    return [s for s in (section(user) for section in _SECTIONS) if s is not None]
