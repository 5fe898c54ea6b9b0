#!/usr/bin/env bash
# Regenerate labelling/data/territories/ from @etalab/decoupage-administratif.
# Usage: scripts/build_territories.sh [VERSION]   (default: 6.0.0, the vendored one; rerunning it
# gives byte-identical files)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
version="${1:-6.0.0}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm install --no-save --no-audit --no-fund \
    "@etalab/decoupage-administratif@${version}" >/dev/null)
python3 "$here/build_territories.py" "$tmp/node_modules/@etalab/decoupage-administratif"
