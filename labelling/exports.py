"""One helper for every CSV/XLSX table the apps export (queue, impact study, and those to come).

Declare the columns once, as a header and a getter, then answer in either format:

    PLACES = Table("Lieux", [Column("Lieu", lambda p: p.name), Column("Commune", ...)])
    return PLACES.response(fmt, places, filename="lieux-2026-11-29")

- CSV: UTF-8 with a byte order mark and ``;`` as separator, what French Excel opens directly;
  streamed row by row (`StreamingHttpResponse`), so a large table never sits in memory.
- XLSX: openpyxl in write-only mode (rows go to a temporary file as they come).

Every cell is written as text, cleaned so that stored text can never break the file nor run in
the spreadsheet (OWASP « CSV injection »):

- C0 control characters other than line breaks (``\\n``, ``\\r``) are removed (openpyxl refuses
  them, and they mean nothing in a cell), a vertical tab or form feed becoming a space;
- a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
  apostrophe, so that the spreadsheet shows the text instead of evaluating a formula;
- line breaks are written ``\\n`` whatever they were stored as;
- XLSX cells are cut at 32,767 characters, the most a cell holds.

Values are shown in French: ``None`` → empty, booleans → « oui » / « non », dates → dd/mm/yyyy,
date-times in Europe/Paris → dd/mm/yyyy hh:mm."""

from __future__ import annotations

import codecs
import csv
import datetime
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.http import FileResponse, Http404, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone

T = TypeVar("T")

FORMATS = ("csv", "xlsx")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_CELL = 32_767

# C0 controls except \n (0x0A) and \r (0x0D); DEL too.
_CONTROL = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]")
_SEPARATORS = re.compile(r"[\x0b\x0c]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def display(value: Any) -> str:
    """A value as a person reads it in a cell (not yet made safe: see `safe_cell`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def safe_cell(value: Any) -> str:
    """The text of a cell: control characters removed, a formula made inert."""
    # Word's manual line break (vertical tab) and page break (form feed) separate words.
    text = _CONTROL.sub("", _SEPARATORS.sub(" ", display(value)))
    if text.startswith(_FORMULA_START):
        text = "'" + text
    # One kind of line break: XLSX (XML) would turn a lone carriage return into one anyway.
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class Column(Generic[T]):
    """One column: its French header and how to read its value from a row object."""

    header: str
    get: Callable[[T], Any]


class Table(Generic[T]):
    """Columns declared once; the page, the CSV and the XLSX all read them."""

    def __init__(self, sheet_title: str, columns: Sequence[Column[T]]):
        self.sheet_title = sheet_title[:31]  # the longest sheet name Excel accepts
        self.columns = tuple(columns)

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    def values(self, obj: T) -> list[str]:
        """The row as shown on a page (HTML escapes it; no apostrophe added)."""
        return [display(column.get(obj)) for column in self.columns]

    def cells(self, obj: T) -> list[str]:
        """The row as written to a file: text cells, cleaned and inert."""
        return [safe_cell(column.get(obj)) for column in self.columns]

    def _rows(self, objects: Iterable[T]) -> Iterator[list[str]]:
        yield [safe_cell(header) for header in self.headers]
        for obj in objects:
            yield self.cells(obj)

    # --- files -----------------------------------------------------------------------------

    def csv_chunks(self, objects: Iterable[T]) -> Iterator[bytes]:
        """The CSV, line by line, as UTF-8 bytes starting with the byte order mark."""
        encoder = codecs.getincrementalencoder("utf-8")(errors="replace")
        line = _Line()
        writer = csv.writer(line, delimiter=";", lineterminator="\r\n")
        yield codecs.BOM_UTF8
        for row in self._rows(objects):
            writer.writerow(row)
            yield encoder.encode(line.pop())

    def write_xlsx(self, objects: Iterable[T], output) -> None:
        """Write the workbook into a binary file object."""
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(self.sheet_title)
        for row in self._rows(objects):
            cells = []
            for text in row:
                cell = WriteOnlyCell(sheet, value=text[:XLSX_MAX_CELL])
                cell.data_type = "s"  # text, whatever it looks like
                cells.append(cell)
            sheet.append(cells)
        workbook.save(output)

    # --- responses -------------------------------------------------------------------------

    def csv_response(self, objects: Iterable[T], *, filename: str) -> StreamingHttpResponse:
        response = StreamingHttpResponse(self.csv_chunks(objects), content_type=CSV_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response

    def xlsx_response(self, objects: Iterable[T], *, filename: str) -> FileResponse:
        # Spooled: small tables stay in memory, large ones go to a temporary file.
        output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (FileResponse closes it)
        self.write_xlsx(objects, output)
        output.seek(0)
        return FileResponse(
            output,
            as_attachment=True,
            filename=f"{filename}.xlsx",
            content_type=XLSX_CONTENT_TYPE,
        )

    def response(self, fmt: str, objects: Iterable[T], *, filename: str) -> HttpResponseBase:
        """The CSV or XLSX download; an unknown format is a 404."""
        if fmt == "csv":
            return self.csv_response(objects, filename=filename)
        if fmt == "xlsx":
            return self.xlsx_response(objects, filename=filename)
        raise Http404("Format d'export inconnu.")


class _Line:
    """A write-only buffer for csv.writer: it keeps the last line written."""

    def __init__(self):
        self._parts: list[str] = []

    def write(self, text: str) -> None:
        self._parts.append(text)

    def pop(self) -> str:
        text = "".join(self._parts)
        self._parts.clear()
        return text
