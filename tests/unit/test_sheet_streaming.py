"""Reading uploaded tables as a stream: rows are counted without parsing cells, and only the
rows asked for are parsed."""
import openpyxl
import pytest

from ltc.core import sheets
from ltc.core.sheets import UnreadableFile, count_rows, read_rows
from tests.people_builders import xlsx_bytes
from tests.sheet_builders import fast_xlsx


@pytest.mark.parametrize("chunk", [3, 7, 64, sheets.COUNT_CHUNK])
def test_an_xlsx_counts_its_rows_across_read_chunks_without_parsing_them(monkeypatch, chunk):
    monkeypatch.setattr(sheets, "COUNT_CHUNK", chunk)  # every place a row element can be cut
    data = fast_xlsx(["身份证号", "姓名", "区县"], [[f"{n:06d}", "名字", "东城区"] for n in range(300)])
    assert count_rows(data) == 301


def test_the_active_sheet_is_counted_not_the_first():
    book = openpyxl.Workbook()
    book.active.append(["a"])
    second = book.create_sheet("second")
    for n in range(5):
        second.append([n])
    book.active = 1
    data = xlsx_bytes_of(book)
    assert count_rows(data) == 5 and [cells for _, cells in read_rows(data)] == [[n] for n in range(5)]


def test_read_rows_stops_at_the_limit():
    data = fast_xlsx(["a"], ([str(n)] for n in range(1000)))
    assert read_rows(data, limit=3) == [(1, ["a"]), (2, ["0"]), (3, ["1"])]
    assert read_rows(b"a\n1\n2\n3\n", limit=2) == [(1, ["a"]), (2, ["1"])]
    assert count_rows(b"a\n1\n2\n3\n") == 4


def test_a_broken_workbook_is_unreadable_when_counted():
    with pytest.raises(UnreadableFile):
        count_rows(b"PK\x03\x04 not a zip")
    assert count_rows(xlsx_bytes([["身份证号"]])) == 1


def xlsx_bytes_of(book) -> bytes:
    import io

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
