"""Reading an uploaded table: UTF-8 CSV (with or without BOM) or XLSX, told apart by content
(pure: no Flask, no database)."""
import csv
import io
import warnings
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls / .doc

Cell = str | int | float | date | datetime | None


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


def read_rows(data: bytes) -> list[tuple[int, list[Cell]]]:
    """Every row with its spreadsheet row number (1 = the header). Raises UnreadableFile."""
    return _xlsx_rows(data) if sniff(data) == "xlsx" else _csv_rows(data)


def _csv_rows(data: bytes) -> list[tuple[int, list[Cell]]]:
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise UnreadableFile(f"CSV 格式错误：{exc}") from None
    return list(enumerate(rows, start=1))


def _xlsx_rows(data: bytes) -> list[tuple[int, list[Cell]]]:
    with warnings.catch_warnings():
        # openpyxl warns about features it ignores (styles, data validation); irrelevant here
        warnings.simplefilter("ignore")
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
            raise UnreadableFile("无法读取 XLSX 工作簿（文件损坏或不是 Excel 文件）") from None
        try:
            rows = [list(row) for row in book.active.iter_rows(values_only=True)]
        finally:
            book.close()
    return list(enumerate(rows, start=1))


def is_blank(cells: list[Cell]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


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
        table = read_rows(data)
    except UnreadableFile as exc:
        result.header_errors.append(str(exc))
        return None
    if not table:
        result.header_errors.append("文件为空")
        return None
    columns, result.header_errors = header_columns(table[0][1], aliases=aliases, known=known, required=required)
    if len(table) - 1 > max_rows:
        result.header_errors.append(f"一次最多导入 {max_rows} 行")
    body = [(line, list(cells)) for line, cells in table[1:] if not is_blank(cells)]
    if not result.header_errors and not body:
        result.header_errors.append("文件没有数据行")
    return None if result.header_errors else (columns, body)
