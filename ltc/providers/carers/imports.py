"""Import of a provider's carers from CSV / XLSX (SPEC §1, like the person import of §2):
preview with per-row errors and row numbers, then apply; idempotent upsert by ID number within the
provider's register; a file with any error is rejected whole and nothing is written.

Columns (Chinese headers as in the template, or the field names): 身份证号, 姓名, 人员类别 (a word of
the staff-type list or its code), 电话, 入职日期.
"""
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.errors import ValidationFailed
from ltc.core.sheets import Preview, as_date, as_text, is_blank, read_table, row_cells
from ltc.people.ids import id_cell_problem
from ltc.providers.carers.models import Carer
from ltc.providers.carers.services import register
from ltc.providers.carers.services.register import FIELDS, CarerInput
from ltc.providers.kinds import STAFF_TYPE_LABELS

#: the template's header row (column → Chinese header)
TEMPLATE = {"id_number": "身份证号", "name": "姓名", "staff_type": "人员类别", "phone": "电话",
            "employed_from": "入职日期"}
HEADER_ALIASES = {header: name for name, header in TEMPLATE.items()}
REQUIRED_COLUMNS = ("id_number", "name", "staff_type", "employed_from")
STAFF_TYPE_WORDS = {word: code.value for code, word in STAFF_TYPE_LABELS.items()} | {"养老护理员": "assistant"}
MAX_ROWS = 20_000
CHUNK = 2_000
ENTITY = "carer_import"


@dataclass
class CarerRow:
    line: int
    values: dict
    errors: list[str] = field(default_factory=list)
    action: str | None = None     # create / update / unchanged
    carer_id: int | None = None

    @property
    def entry(self) -> CarerInput:
        return CarerInput(**{name: self.values.get(name) for name in FIELDS})


@dataclass
class CarersPreview(Preview):
    provider_id: int = 0
    rows: list[CarerRow] = field(default_factory=list)


def _cell_values(raw: dict, errors: list[str]) -> dict:
    values = {name: as_text(raw.get(name)) or None for name in FIELDS if name != "employed_from"}
    if values.get("staff_type"):
        values["staff_type"] = STAFF_TYPE_WORDS.get(values["staff_type"], values["staff_type"])
    values["employed_from"] = None
    if not is_blank([raw.get("employed_from")]):
        try:
            values["employed_from"] = as_date(raw["employed_from"])
        except ValueError as exc:
            errors.append(f"入职日期：{exc}")
    return values


def parse_row(line: int, cells: list, columns: list[str], today: date) -> CarerRow:
    """One data row checked on its own (cell shapes, the ID number, the staff type, dates)."""
    raw, errors = row_cells(cells, columns)
    if problem := id_cell_problem(raw.get("id_number")):
        errors.append(problem)
    values = _cell_values(raw, errors)
    clean, problems = register.check_fields(values, today=today)
    errors += [register.describe(name, message) for name, message in problems.items()
               if not (name == "employed_from" and errors)]
    return CarerRow(line=line, values=clean, errors=errors)


def _mark_duplicates(rows: list[CarerRow]) -> None:
    first: dict[str, int] = {}
    for row in rows:
        number = row.values.get("id_number")
        if not number:
            continue
        if number in first:
            row.errors.append(f"与第 {first[number]} 行的身份证号重复")
        else:
            first[number] = row.line


def _stored(session: Session, provider_id: int, numbers: list[str]) -> dict[str, Carer]:
    found: dict[str, Carer] = {}
    for start in range(0, len(numbers), CHUNK):
        found.update((c.id_number, c) for c in session.scalars(select(Carer).where(
            Carer.provider_id == provider_id, Carer.id_number.in_(numbers[start:start + CHUNK]))))
    return found


def classify(session: Session, provider_id: int, rows: list[CarerRow]) -> None:
    """Each valid row's action against the provider's register (one query per 2,000 rows)."""
    valid = [r for r in rows if not r.errors]
    stored = _stored(session, provider_id, sorted({r.values["id_number"] for r in valid}))
    for row in valid:
        carer = stored.get(row.values["id_number"])
        if carer is None:
            row.action = "create"
            continue
        row.carer_id = carer.id
        _, changed = audit.changes(register.snapshot(carer), {name: row.values.get(name) for name in FIELDS})
        row.action = "update" if changed else "unchanged"
        if changed and carer.left_on is not None and row.values["employed_from"] >= carer.left_on:
            row.errors.append("入职日期应早于该护理人员的离职日期")


def preview(session: Session, data: bytes, filename: str, *, today: date, provider_id: int) -> CarersPreview:
    """Read and check a whole file for ``provider_id``'s register without writing anything."""
    result = CarersPreview(filename=filename, sha256=hashlib.sha256(data).hexdigest(), today=today,
                           provider_id=provider_id)
    table = read_table(result, data, aliases=HEADER_ALIASES, known=FIELDS, required=REQUIRED_COLUMNS,
                       max_rows=MAX_ROWS)
    if table is None:
        return result
    columns, body = table
    result.rows = [parse_row(line, cells, columns, today) for line, cells in body]
    _mark_duplicates(result.rows)
    classify(session, provider_id, result.rows)
    return result


def apply(session: Session, result: CarersPreview, *, actor: Actor, now: datetime) -> dict[str, int]:
    """Write a checked preview (create or update each changed row, audited like a form entry).
    Raises ValidationFailed when it has any error (nothing written)."""
    if not result.ok:
        raise ValidationFailed("文件有错误，未导入任何数据", {"file": "has errors"})
    for row in result.rows:
        if row.action == "create":
            register.register_carer(session, provider_id=result.provider_id, entry=row.entry, actor=actor, now=now)
        elif row.action == "update":
            carer = session.get_one(Carer, row.carer_id)
            register.update_carer(session, carer, entry=row.entry, expected_version=carer.version, actor=actor,
                                  now=now)
    counts = {key: value for key, value in result.counts.items() if key != "error"}
    audit.record(session, actor, "import", ENTITY, None, now=now, detail=result.filename[:500],
                 after={"provider_id": result.provider_id, "filename": result.filename, "sha256": result.sha256,
                        "counts": counts})
    session.flush()
    return counts
