"""The generic CSV / XLSX exporter: what a spreadsheet user gets back."""
import csv
import io
import os
import tempfile
from datetime import date, datetime, timezone
from decimal import Decimal
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from ltc.web.exports import (Column, content_disposition, csv_text, iter_csv, iter_xlsx, requested_format,
                              xlsx_value)

COLUMNS = [Column("编号", "id"), Column("姓名", "name"), Column("日期", "day"),
           Column("金额", lambda r: r["amount"]), Column("备注", "note")]
ROWS = [
    {"id": 1, "name": "张三", "day": date(2026, 3, 16), "amount": Decimal("50.92"), "note": None},
    {"id": 2, "name": "李四", "day": date(2026, 3, 17), "amount": Decimal("0.10"), "note": "=1+1"},
]


def parse_csv(chunks) -> list[list[str]]:
    data = b"".join(chunks)
    assert data.startswith("\ufeff".encode())  # BOM: Excel reads UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def parse_xlsx(chunks) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(b"".join(chunks))).active
    return list(sheet.iter_rows(values_only=True))


def test_csv_has_a_bom_the_header_and_one_line_per_row():
    assert parse_csv(iter_csv(COLUMNS, ROWS)) == [
        ["编号", "姓名", "日期", "金额", "备注"],
        ["1", "张三", "2026-03-16", "50.92", ""],
        ["2", "李四", "2026-03-17", "0.10", "'=1+1"],
    ]


def test_csv_is_sent_in_chunks_while_rows_are_read():
    read = []

    def rows():
        for n in range(5):
            read.append(n)
            yield {"id": n, "name": "x", "day": None, "amount": 0, "note": ""}

    stream = iter_csv(COLUMNS, rows(), chunk_rows=2)
    first = next(stream)
    assert read == [0, 1] and first.count(b"\r\n") == 3   # header + two rows, the rest not read yet
    assert len(parse_csv([first, *stream])) == 6


def test_xlsx_keeps_types_and_formula_looking_text_stays_text():
    rows = parse_xlsx(iter_xlsx(COLUMNS, ROWS, title="队列"))
    assert rows[0] == ("编号", "姓名", "日期", "金额", "备注")
    assert rows[1] == (1, "张三", datetime(2026, 3, 16), 50.92, None)
    assert rows[2][4] == "=1+1"


def test_xlsx_temporary_file_is_removed():
    before = set(os.listdir(tempfile.gettempdir()))
    b"".join(iter_xlsx(COLUMNS, ROWS))
    leftovers = {n for n in set(os.listdir(tempfile.gettempdir())) - before if n.startswith("ltc-export-")}
    assert leftovers == set()


def test_objects_are_read_by_attribute_and_timestamps_shown_in_shanghai_time():
    row = SimpleNamespace(at=datetime(2026, 3, 16, 2, 0, tzinfo=timezone.utc))
    [_, line] = parse_csv(iter_csv([Column("时间", "at")], [row]))
    assert line == ["2026-03-16 10:00:00"]
    [_, cells] = parse_xlsx(iter_xlsx([Column("时间", "at")], [row]))
    assert cells == (datetime(2026, 3, 16, 10, 0),)


@pytest.mark.parametrize("value,text", [(None, ""), (True, "true"), (Decimal("1.50"), "1.50"), (-3, "-3"),
                                        ("-3", "'-3"), ("@SUM(A1)", "'@SUM(A1)"), ("普通", "普通")])
def test_csv_text(value, text):
    assert csv_text(value) == text


def test_xlsx_drops_characters_excel_refuses():
    assert xlsx_value("a\x01b") == "ab"


@pytest.mark.parametrize("raw,fmt", [("csv", "csv"), ("XLSX", "xlsx"), ("pdf", None), (None, None), ("", None)])
def test_requested_format(raw, fmt):
    assert requested_format(raw) == fmt


def test_content_disposition_has_an_ascii_fallback_and_the_utf8_name():
    header = content_disposition("待受理.csv")
    assert header.startswith('attachment; filename="___.csv"')
    assert "filename*=UTF-8''%E5%BE%85%E5%8F%97%E7%90%86.csv" in header
