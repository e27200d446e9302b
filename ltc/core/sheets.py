"""Reading an uploaded table: UTF-8 CSV (with or without BOM) or XLSX, told apart by content
(pure: no Flask, no database)."""
import csv
import io
import re
import warnings
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import load_workbook
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.exceptions import InvalidFileException

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls / .doc

Cell = str | int | float | date | datetime | None
ROW_ELEMENT = re.compile(rb"<(?:\w+:)?row[\s>/]")  # <row r="2">, <x:row>, <row/>; not <rowBreaks>
COUNT_CHUNK = 1 << 20


class UnreadableFile(ValueError):
    """Neither a UTF-8 CSV nor an XLSX workbook."""


def sniff(data: bytes) -> str:
    """``"xlsx"`` or ``"csv"``, judged by the bytes, not the file name. Raises UnreadableFile."""
    if data.startswith(ZIP_MAGIC):
        return "xlsx"
    if data.startswith(OLE_MAGIC):
        raise UnreadableFile("不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 UTF-8 编码的 CSV")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile("文件不是 UTF-8 编码的 CSV，也不是 XLSX 工作簿") from None
    if "\x00" in text:
        raise UnreadableFile("文件不是 CSV 文本")
    return "csv"


def read_rows(data: bytes, *, limit: int | None = None) -> list[tuple[int, list[Cell]]]:
    """The rows (at most ``limit``) with their spreadsheet row numbers (1 = the header), read
    as a stream: rows past the limit are never parsed. Raises UnreadableFile."""
    with _row_stream(data) as rows:
        return list(enumerate(islice(rows, limit), start=1))


def count_rows(data: bytes) -> int:
    """How many rows the file has (blank ones included), without parsing their cells: an XLSX
    counts its sheet's row elements, a CSV its records. Raises UnreadableFile."""
    if sniff(data) == "csv":
        with _row_stream(data) as rows:
            return sum(1 for _ in rows)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(_active_sheet_path(data)) as sheet:
            return _count_row_elements(sheet)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError):
        raise UnreadableFile("无法读取 XLSX 工作簿（文件损坏或不是 Excel 文件）") from None


def _active_sheet_path(data: bytes) -> str:
    """The zip path of the sheet ``load_workbook(...).active`` reads, from the workbook part alone
    (openpyxl's read-only loader scans a whole sheet that lacks a ``<dimension>`` element)."""
    reader = ExcelReader(io.BytesIO(data), read_only=True)
    reader.read_manifest()
    reader.read_workbook()
    targets = [rel.target for _sheet, rel in reader.parser.find_sheets() if rel.target in reader.valid_files]
    index = reader.wb._active_sheet_index  # what ``Workbook.active`` returns, before any sheet is read
    return targets[index if index < len(targets) else 0]


def _count_row_elements(sheet) -> int:
    tail, total = b"", 0
    while chunk := sheet.read(COUNT_CHUNK):
        window = tail + chunk
        total += len(ROW_ELEMENT.findall(window))
        # a row element cut by the chunk boundary is counted in the next window only
        cut = window.rfind(b"<", max(0, len(window) - 16))
        tail = window[cut:] if cut >= 0 and not ROW_ELEMENT.match(window, cut) else b""
    return total


@contextmanager
def _row_stream(data: bytes) -> Iterator[Iterator[list[Cell]]]:
    if sniff(data) == "csv":
        yield _csv_rows(data)
        return
    with _workbook(data) as book:
        yield (list(row) for row in book.active.iter_rows(values_only=True))


def _csv_rows(data: bytes) -> Iterator[list[Cell]]:
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    try:
        yield from reader
    except csv.Error as exc:
        raise UnreadableFile(f"CSV 格式错误：{exc}") from None


@contextmanager
def _workbook(data: bytes):
    with warnings.catch_warnings():
        # openpyxl warns about features it ignores (styles, data validation); irrelevant here
        warnings.simplefilter("ignore")
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
            raise UnreadableFile("无法读取 XLSX 工作簿（文件损坏或不是 Excel 文件）") from None
        try:
            yield book
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
            if isinstance(exc, UnreadableFile):
                raise
            raise UnreadableFile("无法读取 XLSX 工作簿（文件损坏或不是 Excel 文件）") from None
        finally:
            book.close()


def is_blank(cells: list[Cell]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def row_cells(cells: list[Cell], columns: list[str]) -> tuple[dict[str, Cell], list[str]]:
    """A data row's cells by column name, and its shape problem: cells beyond the header's columns."""
    errors = [] if is_blank(cells[len(columns):]) else ["该行的单元格多于表头的列"]
    return {name: cell for name, cell in zip(columns, cells, strict=False) if name}, errors


def as_text(value: Cell) -> str:
    """A cell as text: whole floats lose their ``.0`` (phone numbers typed as numbers)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def as_date(value: Cell) -> date:
    """A date cell, or text ``YYYY-MM-DD`` / ``YYYY/MM/DD``. Raises ValueError."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = as_text(value).replace("/", "-")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"日期格式应为 YYYY-MM-DD：{as_text(value)}") from None


def header_columns(header: list, *, aliases: dict[str, str], known, required) -> tuple[list[str], list[str]]:
    """Column names of a header row (Chinese aliases mapped) and the header's problems."""
    names = [aliases.get(as_text(c), as_text(c).lower()) for c in header]
    errors = [f"未知列：{n}" for n in names if n and n not in known]
    errors += [f"重复列：{n}" for n, k in Counter(names).items() if n and k > 1]
    errors += [f"缺少必需列：{n}" for n in required if n not in names]
    return names, errors


@dataclass
class Preview:
    """What an import would do: per-row actions and errors; nothing is written while any row fails."""

    filename: str
    sha256: str
    today: date
    header_errors: list[str] = field(default_factory=list)
    rows: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.header_errors and bool(self.rows) and not self.error_rows

    @property
    def error_rows(self) -> list:
        return [r for r in self.rows if r.errors]

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(r.action for r in self.rows if not r.errors)
        return {"create": counted["create"], "update": counted["update"],
                "unchanged": counted["unchanged"], "error": len(self.error_rows)}

    def sample(self, limit: int = 200) -> list:
        """Rows to show: the rows with errors when there are any, else the first rows."""
        return (self.error_rows or self.rows)[:limit]


def read_table(result: Preview, data: bytes, *, aliases: dict[str, str], known, required,
               max_rows: int) -> tuple[list[str], list[tuple[int, list[Cell]]]] | None:
    """The columns and the non-blank data rows ``(line, cells)`` of an uploaded file; None after
    recording on ``result.header_errors`` why the file cannot be read (unreadable, empty, bad
    header, too many rows, no data row)."""
    try:
        if count_rows(data) - 1 > max_rows:  # refused before any cell is parsed
            result.header_errors.append(f"一次最多导入 {max_rows} 行")
            return None
        table = read_rows(data)
    except UnreadableFile as exc:
        result.header_errors.append(str(exc))
        return None
    if not table:
        result.header_errors.append("文件为空")
        return None
    columns, result.header_errors = header_columns(table[0][1], aliases=aliases, known=known, required=required)
    body = [(line, list(cells)) for line, cells in table[1:] if not is_blank(cells)]
    if not result.header_errors and not body:
        result.header_errors.append("文件没有数据行")
    return None if result.header_errors else (columns, body)
