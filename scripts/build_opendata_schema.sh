#!/usr/bin/env bash
# Regenerate labelling/data/opendata/ (the data·inclusion « structure » schema the open-data JSON
# export is validated against) from the PyPI package data-inclusion-schema.
# Usage: scripts/build_opendata_schema.sh [VERSION]   (default: 1.0.10, the vendored one; rerunning
# it gives byte-identical files)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/../labelling/data/opendata"
version="${1:-1.0.10}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install -q "data-inclusion-schema==${version}"
"$tmp/venv/bin/python" - "$out" "$version" <<'PY'
import json
import pathlib
import sys
from importlib import metadata

from data_inclusion.schema.v1 import Structure

out, version = pathlib.Path(sys.argv[1]), sys.argv[2]
schema = Structure.model_json_schema()
schema = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "Structure (schéma data·inclusion v1)",
    "description": f"Generated from the PyPI package data-inclusion-schema {version} "
    "(data_inclusion.schema.v1.Structure.model_json_schema()) by scripts/build_opendata_schema.sh.",
    **schema,
}
(out / "data-inclusion-structure.schema.json").write_text(
    json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
)
dist = metadata.distribution("data-inclusion-schema")
licence = next(f for f in dist.files if f.name == "LICENSE.md")
(out / "LICENSE.md").write_text(licence.read_text(encoding="utf-8"), encoding="utf-8")
PY
echo "labelling/data/opendata/ regenerated from data-inclusion-schema ${version}"
