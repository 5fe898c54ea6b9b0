"""Register numbers: ``<département>-<year>-<series>-<number>`` (``63-2026-LAB-0042``),
sequential per préfecture, kind and year, without gap.

The number is taken in the transaction that creates the document, under a row lock on the
register's counter: two requests at once wait for each other, and a request that rolls back gives
its number back with its own rollback."""

from __future__ import annotations

from django.db import transaction

from documents.models import REGISTER_SERIES, RegisterCounter


def format_number(*, departement: str, year: int, series: str, number: int) -> str:
    return f"{departement}-{year}-{series}-{number:04d}"


def next_number(*, departement: str, kind: str, year: int) -> str:
    """The next number of this register. Must run inside the transaction that stores it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Un numéro d'enregistrement se prend dans une transaction.")
    series = REGISTER_SERIES[kind]
    departement = departement or "00"
    # Create the counter when it is the register's first number, without racing: a concurrent
    # insert of the same row is ignored and both then lock the one row.
    RegisterCounter.objects.bulk_create(
        [RegisterCounter(departement=departement, series=series, year=year)],
        ignore_conflicts=True,
    )
    counter = RegisterCounter.objects.select_for_update().get(
        departement=departement, series=series, year=year
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return format_number(departement=departement, year=year, series=series, number=counter.last)
