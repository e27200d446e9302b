"""Exporting a list as CSV or XLSX, streamed (SPEC §10: every list is exportable).

A list declares its columns once — a header and how to read the value from a row (a key, an
attribute name or a function) — and hands them with an iterable of rows to ``export_response``.
Rows are consumed lazily, so a list of any length is exported in constant memory:

- CSV: UTF-8 with a byte-order mark (Excel then reads Chinese text correctly), CRLF line ends,
  sent in chunks while the rows are read;
- XLSX: an openpyxl *write-only* workbook (rows are not kept in memory), written to a temporary
  file while the rows are read, then sent in chunks.

Values: dates stay dates in XLSX (ISO text in CSV), aware timestamps are shown in Asia/Shanghai
local time, Decimals stay exact, None is blank. Text that a spreadsheet would run as a formula
(starting with ``= + - @``) is neutralised: a leading apostrophe in CSV, a text cell in XLSX.
"""
import csv
import io
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, BinaryIO
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from ltc.core.clock import to_local

BOM = "\ufeff"
CHUNK_ROWS = 200
CHUNK_BYTES = 64 * 1024
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MIME = {"csv": "text/csv",  # Werkzeug adds "; charset=utf-8" to text types
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
FORMATS = tuple(MIME)


@dataclass(frozen=True)
class Column:
    """One exported column: ``header`` (a string or lazy string) and ``value``, either a key /
    attribute name of the row or a function of the row."""

    header: Any
    value: str | Callable[[Any], Any]

    def read(self, row: Any) -> Any:
        if callable(self.value):
            return self.value(row)
        if isinstance(row, Mapping):
            return row.get(self.value)
        return getattr(row, self.value)


# --- values ------------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime) and value.tzinfo is not None:
        return to_local(value).replace(tzinfo=None)
    return value


def csv_text(value: Any) -> str:
    """The text of one CSV cell."""
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (Decimal, int, float)):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def xlsx_value(value: Any) -> Any:
    """The value of one XLSX cell: numbers, booleans, dates and datetimes kept; other values as text."""
    value = _plain(value)
    if value is None or isinstance(value, (bool, int, float, Decimal, date)):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


# --- CSV ---------------------------------------------------------------------------------

def iter_csv(columns: Sequence[Column], rows: Iterable[Any], *, chunk_rows: int = CHUNK_ROWS) -> Iterator[bytes]:
    """The CSV document in UTF-8 chunks: the BOM and header first, then ``chunk_rows`` rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([csv_text(str(c.header)) for c in columns])
    pending = 0
    for row in rows:
        writer.writerow([csv_text(c.read(row)) for c in columns])
        pending += 1
        if pending >= chunk_rows:
            yield _drain(buffer)
            pending = 0
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data


# --- XLSX --------------------------------------------------------------------------------

def write_xlsx(columns: Sequence[Column], rows: Iterable[Any], target: BinaryIO | str, *,
               title: str = "Sheet1") -> None:
    """Write a one-sheet workbook (bold header, frozen first row) to ``target``, row by row."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(title))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = _cell(sheet, str(column.header))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_cell(sheet, c.read(row)) for c in columns])
    workbook.save(target)


def _cell(sheet, value: Any) -> WriteOnlyCell:
    value = xlsx_value(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"  # text that looks like a formula stays text
    return cell


def _sheet_title(title: str) -> str:
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in (title or "Sheet1"))
    return cleaned[:31] or "Sheet1"


def iter_xlsx(columns: Sequence[Column], rows: Iterable[Any], *, title: str = "Sheet1",
              chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
    """The XLSX workbook in chunks. It is written to a temporary file first (a zip archive is
    only complete at the end); the file is removed once sent or when the download is abandoned."""
    handle, path = tempfile.mkstemp(prefix="ltc-export-", suffix=".xlsx")
    os.close(handle)
    try:
        write_xlsx(columns, rows, path, title=title)
        with open(path, "rb") as source:
            while chunk := source.read(chunk_bytes):
                yield chunk
    finally:
        os.unlink(path)


# --- HTTP --------------------------------------------------------------------------------

def requested_format(value: str | None) -> str | None:
    """``csv`` or ``xlsx`` when ``value`` (e.g. ``request.args.get("format")``) asks for an export."""
    value = (value or "").strip().lower()
    return value if value in MIME else None


def content_disposition(filename: str) -> str:
    """An attachment header with an ASCII fallback and the UTF-8 name (RFC 6266)."""
    fallback = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "_" for ch in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def export_response(columns: Sequence[Column], rows: Iterable[Any], *, fmt: str, filename: str,
                    title: str | None = None):
    """A streamed download of ``rows`` as ``fmt`` (``csv`` or ``xlsx``); ``filename`` without
    its suffix. Rows are read while the response is sent, inside the request context."""
    from flask import Response, stream_with_context

    if fmt not in MIME:
        raise ValueError(f"unknown export format {fmt!r}")
    body = (iter_csv(columns, rows) if fmt == "csv"
            else iter_xlsx(columns, rows, title=title or filename))
    return Response(stream_with_context(body), mimetype=MIME[fmt], headers={
        "Content-Disposition": content_disposition(f"{filename}.{fmt}"),
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
    })
