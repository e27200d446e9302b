"""Reading uploaded tables: CSV (UTF-8, BOM or not) and XLSX, told apart by content."""
import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from ltc.core.sheets import UnreadableFile, as_date, as_text, read_rows, sniff


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_csv_with_and_without_bom_reads_the_same():
    text = "id_number,name\n110101193006151231,张三\n"
    for data in (text.encode("utf-8"), text.encode("utf-8-sig")):
        assert read_rows(data) == [(1, ["id_number", "name"]), (2, ["110101193006151231", "张三"])]


def test_xlsx_rows_keep_cell_types_and_row_numbers():
    data = xlsx([["id_number", "valid_from"], ["110101193006151231", datetime(2026, 3, 1)]])
    assert sniff(data) == "xlsx"
    rows = read_rows(data)
    assert rows[1] == (2, ["110101193006151231", datetime(2026, 3, 1)])


@pytest.mark.parametrize("data,message", [
    ("身份证号,姓名\n".encode("gbk"), "UTF-8"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "UTF-8"),
    (b"PK\x03\x04not really a zip", "XLSX"),
    (b"a,b\x00,c\n", "CSV"),
])
def test_other_files_are_refused_by_content(data, message):
    with pytest.raises(UnreadableFile, match=message):
        read_rows(data)


def test_a_zip_that_is_not_a_workbook_is_refused():
    import zipfile
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("word/document.xml", "<xml/>")
    with pytest.raises(UnreadableFile):
        read_rows(buffer.getvalue())


@pytest.mark.parametrize("value,text", [
    (None, ""), (" 张三 ", "张三"), (13812345678, "13812345678"), (13812345678.0, "13812345678"),
    (datetime(2026, 3, 1, 0, 0), "2026-03-01"), (date(2026, 3, 1), "2026-03-01"),
])
def test_as_text(value, text):
    assert as_text(value) == text


@pytest.mark.parametrize("value,day", [
    ("2026-03-01", date(2026, 3, 1)), ("2026/03/01", date(2026, 3, 1)),
    (datetime(2026, 3, 1), date(2026, 3, 1)), (date(2026, 3, 1), date(2026, 3, 1)),
])
def test_as_date(value, day):
    assert as_date(value) == day


@pytest.mark.parametrize("value", ["2026-02-30", "next monday", "01.03.2026"])
def test_as_date_refuses_other_text(value):
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        as_date(value)
