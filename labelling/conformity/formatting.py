"""French renderings of figures and of a whole check result."""

from __future__ import annotations

import datetime
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from labelling.conformity.engine import CheckResult

STATUS_LABELS = {"pass": "respecté", "fail": "NON RESPECTÉ", "warning": "avertissement"}


@lru_cache(maxsize=4096)
def format_fte(value: Decimal) -> str:
    """Decimal("0.900") → "0,9"; Decimal("2") → "2"."""
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


@lru_cache(maxsize=4096)
def format_date(day: datetime.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


@lru_cache(maxsize=1024)
def plural(count: int, singular: str, plural_form: str) -> str:
    return f"{count} {singular if count <= 1 else plural_form}"


def format_text(result: CheckResult) -> str:
    """The result for a person, in French, one block per criterion."""
    warnings = sum(1 for c in result.criteria if c.status == "warning")
    failures = sum(1 for c in result.criteria if c.status == "fail")
    if result.conform:
        verdict = "CONFORME"
    else:
        verdict = "NON CONFORME (" + plural(failures, "critère", "critères") + " non respecté"
        verdict += ("s" if failures > 1 else "") + ")"
    if warnings:
        verdict += " — " + plural(warnings, "avertissement", "avertissements")
    lines = [
        f"Cahier des charges : {result.version_title} ({result.version_code})",
        f"Résultat : {verdict}",
        "",
    ]
    for criterion in result.criteria:
        lines.append(f"[{STATUS_LABELS[criterion.status]}] {criterion.label}")
        lines.append(f"    {criterion.message}")
        lines.append(f"    Référence : {criterion.reference}")
    return "\n".join(lines) + "\n"
