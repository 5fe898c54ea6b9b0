#!/usr/bin/env python3
"""Regenerate the vendored territories files from ``@etalab/decoupage-administratif``.

Usage::

    python scripts/build_territories.py PATH/node_modules/@etalab/decoupage-administratif

Writes ``labelling/data/territories/`` (regions.csv, departements.csv, epci.csv.gz,
communes.csv.gz, commune_aliases.csv.gz, SOURCE.md):

- régions and départements of metropolitan France and the five DROM, plus the collectivités
  d'outre-mer that have communes (975, 977, 978, 986, 987, 988), listed as départements of one
  pseudo-région ``COM`` « Collectivités d'outre-mer »;
- the current communes (type ``commune-actuelle``) of all of them;
- the other codes that designate a current commune (its history): municipal arrondissements
  (→ their commune, 13203 → 13055), communes déléguées and associées (→ their chef-lieu,
  93059 → 93066) and the former codes of merged communes (``anciensCodes``).

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
COM_ZONE = "com"
#: The pseudo-région that groups the collectivités d'outre-mer (the package makes each its own
#: "région" with the département code).
COM_REGION = ("COM", "Collectivités d'outre-mer")
#: Alias kinds, most explicit first: an explicit link wins over a former code.
ALIAS_KINDS = {
    "arrondissement-municipal": "arrondissement_municipal",
    "commune-deleguee": "commune_deleguee",
    "commune-associee": "commune_associee",
}
FORMER_CODE = "ancienne_commune"
_ALIAS_ORDER = [*ALIAS_KINDS.values(), FORMER_CODE]
OUTPUT_DIR = Path(__file__).resolve().parent.parent / "labelling" / "data" / "territories"

EXPECTED_REGIONS = 18
EXPECTED_DEPARTEMENTS = 101
#: Collectivités d'outre-mer kept: those with inhabited communes (the TAAF and Clipperton, 984
#: and 989, have none).
KEPT_COLLECTIVITES = {"975", "977", "978", "986", "987", "988"}


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

    all_communes = _load_json(package_dir, "communes")
    com_with_communes = {
        c["departement"]
        for c in all_communes
        if c["zone"] == COM_ZONE and c["type"] == "commune-actuelle"
    } & KEPT_COLLECTIVITES

    regions = sorted(
        (r for r in _load_json(package_dir, "regions") if r["zone"] in KEPT_ZONES),
        key=lambda r: r["code"],
    )
    regions.append({"code": COM_REGION[0], "nom": COM_REGION[1]})
    region_codes = {r["code"] for r in regions}

    departements = sorted(
        (
            {**d, "region": COM_REGION[0]} if d["zone"] == COM_ZONE else d
            for d in _load_json(package_dir, "departements")
            if d["zone"] in KEPT_ZONES or d["code"] in com_with_communes
        ),
        key=lambda d: d["code"],
    )
    departement_codes = {d["code"] for d in departements}

    communes = sorted(
        (
            c
            for c in all_communes
            if c["type"] == "commune-actuelle" and c["departement"] in departement_codes
        ),
        key=lambda c: c["code"],
    )
    commune_codes = {c["code"] for c in communes}
    aliases = _aliases(all_communes, commune_codes)

    epcis = sorted(_load_json(package_dir, "epci"), key=lambda e: e["code"])
    epci_of_commune: dict[str, str] = {}
    for epci in epcis:
        for member in epci["membres"]:
            previous = epci_of_commune.setdefault(member["code"], epci["code"])
            if previous != epci["code"]:
                raise SystemExit(f"commune {member['code']} in EPCI {previous} and {epci['code']}")

    # Consistency checks: fail loudly rather than vendoring broken data.
    errors: list[str] = []
    if len(regions) != EXPECTED_REGIONS + 1:
        errors.append(f"{len(regions) - 1} régions, expected {EXPECTED_REGIONS}")
    if len(departements) - len(com_with_communes) != EXPECTED_DEPARTEMENTS:
        errors.append(
            f"{len(departements) - len(com_with_communes)} départements, "
            f"expected {EXPECTED_DEPARTEMENTS}"
        )
    if com_with_communes != KEPT_COLLECTIVITES:
        errors.append(f"collectivités d'outre-mer {sorted(com_with_communes)}")
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
    errors += [
        f"alias {code} points to {target}, not a current commune"
        for code, (_name, _kind, target, _postal) in aliases.items()
        if target not in commune_codes
    ]
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
    _write_csv_gz(
        output_dir / "commune_aliases.csv.gz",
        ["code", "name", "kind", "commune_code", "postal_codes"],
        [[code, *aliases[code]] for code in sorted(aliases)],
    )
    counts = {
        "regions": len(regions),
        "departements": len(departements),
        "epci": len(epcis),
        "communes": len(communes),
        "commune_aliases": len(aliases),
    }
    (output_dir / "SOURCE.md").write_text(_source_md(version, counts), encoding="utf-8")
    return counts


def _aliases(
    all_communes: list[dict], commune_codes: set[str]
) -> dict[str, tuple[str, str, str, str]]:
    """Codes that designate a current commune without being one: code → (name, kind, commune
    code, postal codes). An explicit link (arrondissement, déléguée, associée) wins over a former
    code; a former code claimed by several communes (a split) is left out, being ambiguous."""
    explicit: dict[str, tuple[str, str, str, str]] = {}
    for c in all_communes:
        kind = ALIAS_KINDS.get(c["type"])
        if kind is None or c["code"] in commune_codes:
            continue  # a commune déléguée that keeps the code of its commune nouvelle
        target = c.get("commune") or c["chefLieu"]
        postal = " ".join(sorted(set(c.get("codesPostaux") or [])))
        previous = explicit.get(c["code"])
        if previous is not None and previous[2] != target:
            raise SystemExit(f"{c['code']} is both {previous} and {c}")
        # The same code listed twice for one commune: keep the most explicit kind.
        if previous is None or _ALIAS_ORDER.index(kind) < _ALIAS_ORDER.index(previous[1]):
            explicit[c["code"]] = (c["nom"], kind, target, postal)
    former: dict[str, set[str]] = {}
    for c in all_communes:
        if c["type"] != "commune-actuelle" or c["code"] not in commune_codes:
            continue
        for old in c.get("anciensCodes") or []:
            if old not in commune_codes and old not in explicit:
                former.setdefault(old, set()).add(c["code"])
    aliases = dict(explicit)
    for old, targets in former.items():
        if len(targets) == 1:
            aliases[old] = ("", FORMER_CODE, next(iter(targets)), "")
    return aliases


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
| `commune_aliases.csv.gz` | `code,name,kind,commune_code,postal_codes` | {counts["commune_aliases"]} |

Scope: metropolitan France, the five DROM (971, 972, 973, 974, 976) and the collectivités
d'outre-mer that have inhabited communes (975 Saint-Pierre-et-Miquelon, 977 Saint-Barthélemy,
978 Saint-Martin, 986 Wallis-et-Futuna, 987 Polynésie française, 988 Nouvelle-Calédonie). These
are listed among the départements (they have their own code and a representative of the State)
under one pseudo-région `COM` « Collectivités d'outre-mer »; the TAAF (984) and Clipperton (989)
are left out. `communes.csv.gz` holds the current communes only (type `commune-actuelle`).
`kind` is the package's EPCI type (CC, CA, CU, METRO, MET69). `postal_codes` is
space-separated; `population` and `epci_siren` may be empty.

`commune_aliases.csv.gz` is the history: every other code that designates a current commune,
with `kind` one of `arrondissement_municipal` (its `commune`: 13203 → 13055),
`commune_deleguee` or `commune_associee` (its `chefLieu`: 93059 → 93066) and
`ancienne_commune` (a code listed in the `anciensCodes` of exactly one current commune; no name
in the source). A code that is itself a current commune is never an alias.

All files are UTF-8, sorted by code; the `.gz` files are written with `mtime=0` so that a
rebuild from the same package version gives identical bytes.

## Regenerating

```sh
scripts/build_territories.sh         # version {version}: gives these very bytes again
scripts/build_territories.sh 6.1.0   # another version of the package
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
