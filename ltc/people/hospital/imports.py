"""Import of hospital stays from CSV / XLSX (SPEC §2): preview, then apply.

Columns ``id_number,hospital,category,admitted_on,discharged_on`` (Chinese headers accepted);
an empty ``discharged_on`` means the stay is still open. Upsert by (person, hospital,
admission date), so re-importing a file changes nothing. A file with any error is rejected
whole and nothing is written.
"""
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.errors import ValidationFailed
from ltc.people.hospital import services as hospital
from ltc.people.hospital.services import FIELDS, StayInput
from ltc.core.sheets import Preview, read_table, row_cells
from ltc.people.ids import id_cell_problem

HEADER_ALIASES = {"身份证号": "id_number", "医院": "hospital", "医院名称": "hospital", "住院类别": "category",
                  "类别": "category", "入院日期": "admitted_on", "出院日期": "discharged_on"}
REQUIRED_COLUMNS = ("id_number", "hospital", "category", "admitted_on")
MAX_ROWS = 100_000


@dataclass
class StayRow:
    line: int
    values: dict                  # cleaned values by field
    errors: list[str] = field(default_factory=list)
    person_id: int | None = None
    action: str | None = None     # create / update / unchanged

    @property
    def stay(self) -> StayInput:
        v = self.values
        return StayInput(person_id=self.person_id, hospital=v["hospital"], category=v["category"],
                         admitted_on=v["admitted_on"], discharged_on=v["discharged_on"])


@dataclass
class StaysPreview(Preview):
    rows: list[StayRow] = field(default_factory=list)


def parse_row(line: int, cells: list, columns: list[str], today: date) -> StayRow:
    """One data row checked on its own (cell shapes, codes, dates)."""
    raw, errors = row_cells(cells, columns)
    if problem := id_cell_problem(raw.get("id_number")):
        errors.append(problem)
    clean, problems = hospital.check_fields(raw, today=today)
    errors += list(problems.values())
    return StayRow(line=line, values=clean, errors=errors)


def _resolve_persons(session: Session, rows: list[StayRow]) -> None:
    numbers = [r.values["id_number"] for r in rows if r.values["id_number"]]
    persons = hospital.person_ids_by_number(session, numbers)
    for row in rows:
        number = row.values["id_number"]
        row.person_id = persons.get(number)
        if number and row.person_id is None:
            row.errors.append(f"身份证号 {number} 未登记为参保人")


def _mark_duplicates(rows: list[StayRow]) -> None:
    first: dict[tuple, int] = {}
    for row in rows:
        v = row.values
        if not (v["id_number"] and v["hospital"] and v["admitted_on"]):
            continue
        key = (v["id_number"], v["hospital"], v["admitted_on"])
        if key in first:
            row.errors.append(f"与第 {first[key]} 行的参保人、医院和入院日期重复")
        else:
            first[key] = row.line


def classify(session: Session, rows: list[StayRow]) -> None:
    """Set each valid row's action against the stored stays (one query per 5,000 persons)."""
    valid = [r for r in rows if not r.errors]
    stored = hospital.existing_stays(session, [r.stay for r in valid])
    for row in valid:
        row.action = hospital.action_for(row.stay, stored.get(row.stay.key))


def preview(session: Session, data: bytes, filename: str, *, today: date) -> StaysPreview:
    """Read and check a whole file without writing anything."""
    result = StaysPreview(filename=filename, sha256=hashlib.sha256(data).hexdigest(), today=today)
    table = read_body(result, data)
    if table is None:
        return result
    columns, body = table
    result.rows = [parse_row(line, cells, columns, today) for line, cells in body]
    check_rows(session, result.rows)
    return result


def check_rows(session: Session, rows: list[StayRow]) -> None:
    """The checks of parsed rows against the roster, each other and the stored stays."""
    _resolve_persons(session, rows)
    _mark_duplicates(rows)
    classify(session, rows)


def read_body(result: StaysPreview, data: bytes) -> tuple[list[str], list[tuple[int, list]]] | None:
    """The file's columns and data rows ``(line, cells)``; None after recording on ``result.header_errors``
    why the file cannot be read."""
    return read_table(result, data, aliases=HEADER_ALIASES, known=FIELDS, required=REQUIRED_COLUMNS,
                      max_rows=MAX_ROWS)


def apply(session: Session, result: StaysPreview, *, actor: Actor, now: datetime) -> dict[str, int]:
    """Write a checked preview. Raises ValidationFailed when it has any error (nothing written)."""
    if not result.ok:
        raise ValidationFailed("文件有错误，未导入任何数据", {"file": "has errors"})
    counts = hospital.upsert_stays(session, [r.stay for r in result.rows], actor=actor, now=now,
                                   source=f"import {result.filename}"[:500])
    audit.record(session, actor, "import", "hospital_stay_import", None, now=now, detail=result.filename[:500],
                 after={"filename": result.filename, "sha256": result.sha256, "counts": counts})
    session.flush()
    return counts
