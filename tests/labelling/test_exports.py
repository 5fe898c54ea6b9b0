"""The one export helper: columns declared once, CSV and XLSX read back, text cells only."""

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from labelling.exports import Column, Table, safe_cell

HOSTILE = [
    '=HYPERLINK("http://exemple.invalid";"Voir")',
    "+33 4 73 00 00 00",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "Maison France\u000bServices",
    "nul\x00 et cloche\x07",
    "deux\nlignes",
]

TABLE = Table(
    "Essai",
    [
        Column("Nom", lambda row: row["name"]),
        Column("Date", lambda row: row.get("on")),
        Column("Conforme", lambda row: row.get("ok")),
    ],
)


def rows_from_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def rows_from_xlsx(data: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(data)).active
    values = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    return values, [c.data_type for row in sheet.iter_rows() for c in row if c.value]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://exemple.invalid";"Voir")', '\'=HYPERLINK("http://exemple.invalid";"Voir")'),
        ("+33", "'+33"),
        ("-2", "'-2"),
        ("@x", "'@x"),
        ("\t=1", "'=1"),  # the tab goes, the formula stays inert
        ("\r=1", "'\n=1"),
        ("a\r\nb", "a\nb"),
        ("Maison France\u000bServices", "Maison France Services"),
        ("deux\nlignes", "deux\nlignes"),
        (None, ""),
        (True, "oui"),
        (False, "non"),
        (datetime.date(2026, 3, 9), "09/03/2026"),
        ("Ambert", "Ambert"),
    ],
)  # fmt: skip
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_csv_and_xlsx_from_the_same_columns_read_back():
    objects = [{"name": name, "on": datetime.date(2026, 1, 2), "ok": True} for name in HOSTILE]
    csv_rows = rows_from_csv(b"".join(TABLE.csv_chunks(objects)))
    assert csv_rows[0] == ["Nom", "Date", "Conforme"]
    assert [r[0] for r in csv_rows[1:]] == [safe_cell(v) for v in HOSTILE]
    assert csv_rows[1][1:] == ["02/01/2026", "oui"]

    buffer = io.BytesIO()
    TABLE.write_xlsx(objects, buffer)
    xlsx_rows, types = rows_from_xlsx(buffer.getvalue())
    assert [list(r) for r in xlsx_rows] == csv_rows
    assert set(types) == {"s"}  # text cells only: no formula, no number
    for row in xlsx_rows:
        assert not any(str(cell).startswith(("=", "+", "-", "@")) for cell in row)


def test_page_values_are_not_prefixed():
    assert TABLE.values({"name": "-Lieu", "ok": None}) == ["-Lieu", "", ""]


def test_huge_cell_is_cut_in_xlsx_only():
    objects = [{"name": "x" * 40_000}]
    buffer = io.BytesIO()
    TABLE.write_xlsx(objects, buffer)
    xlsx_rows, _ = rows_from_xlsx(buffer.getvalue())
    assert len(xlsx_rows[1][0]) == 32_767
    assert len(rows_from_csv(b"".join(TABLE.csv_chunks(objects)))[1][0]) == 40_000


def test_unknown_format_is_404():
    from django.http import Http404

    with pytest.raises(Http404):
        TABLE.response("ods", [], filename="x")


def test_csv_is_streamed():
    response = TABLE.response("csv", iter([{"name": "a"}]), filename="lieux")
    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="lieux.csv"'
    assert response["Content-Type"] == "text/csv; charset=utf-8"
