"""Run the benchmarks: ``python -m benchmarks.run [--only GROUP]``.

A group is a module ``benchmarks/<group>.py`` exposing ``run() -> list[dict]`` (one dict per
measure, in the format of BENCH.md). Results go to ``benchmarks/results/latest.json`` and are
printed as a table. The exit status is 0 even when a goal is missed, 1 when a benchmark crashed,
2 for an unknown group.

Django runs on a throw-away test database: SQLite in memory by default, or a
``<name>_bench`` database on the server of ``DATABASE_URL`` (never the shared test database)."""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import pkgutil
import sys
import traceback
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "latest.json"
NOT_GROUPS = {"run", "generate", "labelled_places"}


def discover() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if m.name not in NOT_GROUPS)


def setup_django():
    """Configure Django and create a throw-away database; returns a function that drops it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    sys.path.insert(0, str(HERE.parent))
    import django
    from django.conf import settings

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    database = settings.DATABASES["default"]
    if connection.vendor != "sqlite":
        database.setdefault("TEST", {})["NAME"] = f"{database['NAME']}_bench"
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)

    def teardown() -> None:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    return teardown


def print_table(results: list[dict]) -> None:
    rows = [("mesure", "valeur", "unité", "objectif", "atteint")]
    for r in results:
        value = r.get("value")
        shown = f"{value:,.3f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
        met = {True: "oui", False: "NON", None: "—"}[r.get("met")]
        rows.append((r["name"], shown, r.get("unit", ""), r.get("goal", ""), met))
    widths = [max(len(str(row[i])) for row in rows) for i in range(5)]
    for n, row in enumerate(rows):
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
        if n == 0:
            print("  ".join("-" * width for width in widths))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Mesures de performance d'Estampille")
    parser.add_argument(
        "--only", metavar="GROUP", help="un seul groupe (" + ", ".join(discover()) + ")"
    )
    args = parser.parse_args(argv)
    groups = discover()
    if args.only:
        if args.only not in groups:
            print(f"groupe inconnu : {args.only} ; groupes : {', '.join(groups)}", file=sys.stderr)
            return 2
        groups = [args.only]

    teardown = setup_django()
    from django.db import connection

    results: list[dict] = []
    crashed = False
    try:
        for group in groups:
            print(f"… {group}", file=sys.stderr)
            try:
                module = importlib.import_module(f"benchmarks.{group}")
                results.extend(module.run())
            except Exception:
                crashed = True
                traceback.print_exc()
                results.append({"name": f"{group}.crash", "value": None, "met": False})
        database = connection.vendor
    finally:
        teardown()

    report = {
        "when": datetime.datetime.now(ZoneInfo("Europe/Paris")).isoformat(timespec="seconds"),
        "database": database,
        "results": results,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print_table(results)
    print(f"\nRésultats écrits dans {RESULTS.relative_to(HERE.parent)}")
    return 1 if crashed else 0


if __name__ == "__main__":
    raise SystemExit(main())
