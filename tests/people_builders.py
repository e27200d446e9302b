"""Builders for insured persons in tests."""
import io
from datetime import date, timedelta

from openpyxl import Workbook
from stdnum.cn import ric

from ltc.core.audit import SYSTEM
from ltc.people import services
from tests.conftest import NOW

CODES = {"东城区": "110101", "西城区": "110102", "朝阳区": "110105", "海淀区": "110108"}
CSV_HEADER = "id_number,name,phone,address,district,township,village,category,status,tags,valid_from"


def id_number(n: int = 1, *, birth: date = date(1950, 1, 1), code: str = "110101", female: bool = False) -> str:
    """A valid ID number; ``n`` makes it unique for the same birth date."""
    seq = (n * 2) % 1000 + (0 if female else 1)
    body = f"{code}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def person(session, n: int = 1, *, name: str = "张三丰", district: str = "东城区", phone: str | None = "13812345678",
           category: str | None = "employee", tags=(), valid_from: date = date(2026, 1, 1), **fields):
    from tests.builders import district as listed_district

    listed_district(session, district)  # a person's district is one of the MIA's list
    values = {"id_number": id_number(n, code=CODES.get(district, "110101")), "name": name, "district": district,
              "phone": phone, "address": "幸福路 1 号", "township": "东华门街道", "village": "第一社区", **fields}
    return services.create_person(session, values, actor=SYSTEM, now=NOW, category=category, tags=tags,
                                  valid_from=valid_from)


def csv_bytes(*rows: str, header: str = CSV_HEADER, bom: bool = False) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8-sig" if bom else "utf-8")


def xlsx_bytes(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def roster_rows(count: int, *, bad_lines: tuple[int, ...] = ()) -> list[str]:
    """``count`` valid roster rows (distinct ID numbers); the rows at ``bad_lines`` (file line
    numbers, 2 = the first data row) get an ID number with a wrong last character."""
    rows = []
    for n in range(count):
        number = id_number(n % 500, birth=date(1950, 1, 1) + timedelta(days=n // 500))
        if n + 2 in bad_lines:
            number = number[:-1] + "Z"
        rows.append(f"{number},张{n},,,东城区,,,employee,active,,2026-01-01")
    return rows
