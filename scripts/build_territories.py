#!/usr/bin/env python3
"""Regenerate the vendored territories files from ``@etalab/decoupage-administratif``.

Usage::

    python scripts/build_territories.py PATH/node_modules/@etalab/decoupage-administratif

Writes ``labelling/data/territories/`` (regions.csv, departements.csv, epci.csv.gz,
communes.csv.gz, SOURCE.md). Only metropolitan France and the five DROM are kept (the
collectivités d'outre-mer are out of scope), and only communes of type
``commune-actuelle`` (no arrondissements municipaux, communes déléguées or associées).
The output is deterministic: rebuilding from the same package gives identical bytes.

Standard library only.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import sys
from pathlib import Path

PACKAGE_NAME = "@etalab/decoupage-administratif"
KEPT_ZONES = {"metro", "drom"}
OUTPUT_DIR = Path(__file__).resolve().parent.parent / "labelling" / "data" / "territories"

EXPECTED_REGIONS = 18
EXPECTED_DEPARTEMENTS = 101


def _load_json(package_dir: Path, name: str) -> list[dict]:
    with (package_dir / "data" / f"{name}.json").open(encoding="utf-8") as handle:
        return json.load(handle)


def _to_csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.write_bytes(_to_csv_bytes(header, rows))


def _write_csv_gz(path: Path, header: list[str], rows: list[list[str]]) -> None:
    data = _to_csv_bytes(header, rows)
    # mtime=0 and no file name in the header: identical input gives identical bytes.
    with (
        path.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz,
    ):
        gz.write(data)


def build(package_dir: Path, output_dir: Path = OUTPUT_DIR) -> dict[str, int]:
    package = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))
    if package.get("name") != PACKAGE_NAME:
        raise SystemExit(f"{package_dir} is not the {PACKAGE_NAME} package")
    version = package["version"]

    regions = sorted(
        (r for r in _load_json(package_dir, "regions") if r["zone"] in KEPT_ZONES),
        key=lambda r: r["code"],
    )
    region_codes = {r["code"] for r in regions}

    departements = sorted(
        (d for d in _load_json(package_dir, "departements") if d["zone"] in KEPT_ZONES),
        key=lambda d: d["code"],
    )
    departement_codes = {d["code"] for d in departements}

    communes = sorted(
        (
            c
            for c in _load_json(package_dir, "communes")
            if c["type"] == "commune-actuelle" and c["zone"] in KEPT_ZONES
        ),
        key=lambda c: c["code"],
    )
    commune_codes = {c["code"] for c in communes}

    epcis = sorted(_load_json(package_dir, "epci"), key=lambda e: e["code"])
    epci_of_commune: dict[str, str] = {}
    for epci in epcis:
        for member in epci["membres"]:
            previous = epci_of_commune.setdefault(member["code"], epci["code"])
            if previous != epci["code"]:
                raise SystemExit(f"commune {member['code']} in EPCI {previous} and {epci['code']}")

    # Consistency checks: fail loudly rather than vendoring broken data.
    errors: list[str] = []
    if len(regions) != EXPECTED_REGIONS:
        errors.append(f"{len(regions)} régions, expected {EXPECTED_REGIONS}")
    if len(departements) != EXPECTED_DEPARTEMENTS:
        errors.append(f"{len(departements)} départements, expected {EXPECTED_DEPARTEMENTS}")
    errors += [
        f"département {d['code']} has unknown région {d['region']}"
        for d in departements
        if d["region"] not in region_codes
    ]
    errors += [
        f"commune {c['code']} has unknown département {c['departement']}"
        for c in communes
        if c["departement"] not in departement_codes
    ]
    errors += [
        f"EPCI member {code} is not a current commune"
        for code in sorted(epci_of_commune)
        if code not in commune_codes
    ]
    if len(commune_codes) != len(communes):
        errors.append("duplicate commune codes")
    if errors:
        raise SystemExit("Inconsistent source data:\n" + "\n".join(errors))

    output_dir.mkdir(parents=True, exist_ok=True)
    _write_csv(
        output_dir / "regions.csv",
        ["code", "name"],
        [[r["code"], r["nom"]] for r in regions],
    )
    _write_csv(
        output_dir / "departements.csv",
        ["code", "name", "region_code"],
        [[d["code"], d["nom"], d["region"]] for d in departements],
    )
    _write_csv_gz(
        output_dir / "epci.csv.gz",
        ["siren", "name", "kind"],
        [[e["code"], e["nom"], e["type"]] for e in epcis],
    )
    _write_csv_gz(
        output_dir / "communes.csv.gz",
        ["insee_code", "name", "departement_code", "epci_siren", "population", "postal_codes"],
        [
            [
                c["code"],
                c["nom"],
                c["departement"],
                epci_of_commune.get(c["code"], ""),
                "" if c.get("population") is None else str(int(c["population"])),
                " ".join(sorted(set(c.get("codesPostaux") or []))),
            ]
            for c in communes
        ],
    )
    counts = {
        "regions": len(regions),
        "departements": len(departements),
        "epci": len(epcis),
        "communes": len(communes),
    }
    (output_dir / "SOURCE.md").write_text(_source_md(version, counts), encoding="utf-8")
    return counts


def _source_md(version: str, counts: dict[str, int]) -> str:
    return f"""# Territories reference data

Generated from the npm package `{PACKAGE_NAME}` version **{version}**
(Etalab / data.gouv.fr, built from the INSEE Code officiel géographique, the DGCL list of
EPCI à fiscalité propre, INSEE legal populations and the La Poste postal codes base).

Licence of the data: **Licence Ouverte / Open Licence (Etalab)**,
<https://www.etalab.gouv.fr/licence-ouverte-open-licence>. The package code itself is MIT.

## Contents

| file | columns | rows |
| --- | --- | --- |
| `regions.csv` | `code,name` | {counts["regions"]} |
| `departements.csv` | `code,name,region_code` | {counts["departements"]} |
| `epci.csv.gz` | `siren,name,kind` | {counts["epci"]} |
| `communes.csv.gz` | `insee_code,name,departement_code,epci_siren,population,postal_codes` | {counts["communes"]} |

Scope: metropolitan France and the five DROM (971, 972, 973, 974, 976); the collectivités
d'outre-mer (975, 977, 978, 984, 986-989) are left out. Communes are the current ones only
(type `commune-actuelle`: no arrondissements municipaux, communes déléguées or associées).
`kind` is the package's EPCI type (CC, CA, CU, METRO, MET69). `postal_codes` is
space-separated; `population` and `epci_siren` may be empty.

All files are UTF-8, sorted by code; the `.gz` files are written with `mtime=0` so that a
rebuild from the same package version gives identical bytes.

## Regenerating

```sh
scripts/build_territories.sh            # latest version of the package
scripts/build_territories.sh {version}  # a given version
```

which installs the package in a temporary directory and runs
`python3 scripts/build_territories.py TMP/node_modules/{PACKAGE_NAME}`.
The data is loaded into the database by `labelling.territories_loader.load_territories`.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("package_dir", type=Path, help=f"installed {PACKAGE_NAME} directory")
    parser.add_argument("--output", type=Path, default=OUTPUT_DIR, help="output directory")
    args = parser.parse_args(argv)
    counts = build(args.package_dir, args.output)
    for kind, count in counts.items():
        print(f"{kind}: {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
