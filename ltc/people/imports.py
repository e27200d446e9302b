"""Bulk import of the roster from CSV / XLSX (SPEC §2): preview, then apply.

Columns: ``id_number,name,phone,address,district,township,village,category,status,tags,
valid_from`` (codes or Chinese labels; Chinese headers accepted). A column present in the
header is authoritative (an empty ``tags`` cell means no tags, an empty phone clears it);
an absent column leaves that attribute alone. Empty ``status`` / ``category`` leave them
unchanged (a new person is ``active``). ``valid_from`` (default: today) dates the status,
category and tag changes. Upsert by ID number; re-importing a file changes nothing. A file
with any error is rejected whole.
"""
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.clock import local_today
from ltc.core.errors import ValidationFailed
from ltc.orgs.services import list_districts
from ltc.people import services
from ltc.people.dated import DatedConflict, Span, Step, plan_change, value_on, values_on
from ltc.people.ids import mask_id
from ltc.people.kinds import CATEGORY_LABELS, STATUS_LABELS, TAG_LABELS, Category, PersonStatus
from ltc.people.models import InsuredPerson, PersonCategoryPeriod, PersonStatusPeriod, PersonTagPeriod
from ltc.core.sheets import Preview, as_date, as_text, is_blank, read_table

COLUMNS = ("id_number", "name", "phone", "address", "district", "township", "village",
           "category", "status", "tags", "valid_from")
REQUIRED_COLUMNS = ("id_number", "name", "district")
HEADER_ALIASES = {"身份证号": "id_number", "姓名": "name", "电话": "phone", "地址": "address",
                  "区县": "district", "街道": "township", "乡镇": "township", "村居": "village",
                  "社区": "village", "参保类别": "category", "参保状态": "status", "人群标签": "tags",
                  "生效日期": "valid_from"}
TAG_SEPARATORS = re.compile(r"[|;；]")
CHUNK = 500
MAX_ROWS = 100_000


def _aliases(labels: dict) -> dict[str, str]:
    return {**{str(code): str(code) for code in labels}, **{label: str(code) for code, label in labels.items()}}


STATUS_VALUES = {**_aliases(STATUS_LABELS), "正常": PersonStatus.ACTIVE.value, "暂停": PersonStatus.SUSPENDED.value}
CATEGORY_VALUES = {**_aliases(CATEGORY_LABELS), "居民": Category.RESIDENT.value}
TAG_VALUES = _aliases(TAG_LABELS)


@dataclass
class RowResult:
    line: int
    id_number: str
    name: str
    fields: dict                    # person fields of the columns present, cleaned
    status: str | None = None
    category: str | None = None
    tags: list[str] | None = None   # None: no tags column
    valid_from: date | None = None
    errors: list[str] = field(default_factory=list)
    action: str | None = None       # create / update / unchanged
    changes: list[str] = field(default_factory=list)
    plan: dict = field(default_factory=dict)

    @property
    def masked_id(self) -> str:
        """For the preview table: it is a list, so the ID number is masked (SPEC §2)."""
        return mask_id(self.id_number)


@dataclass
class ImportPreview(Preview):
    rows: list[RowResult] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)


# --- parsing ----------------------------------------------------------------------------


def _choice(raw, values: dict[str, str], label: str, errors: list[str]) -> str | None:
    text = as_text(raw)
    if not text:
        return None
    if text not in values:
        errors.append(f"{label}取值无效：{text}")
    return values.get(text)


def _tags(raw, errors: list[str]) -> list[str]:
    parts = raw if isinstance(raw, list) else TAG_SEPARATORS.split(as_text(raw))
    tags = []
    for part in (p.strip() for p in parts):
        if part and (tag := _choice(part, TAG_VALUES, "人群标签", errors)):
            tags.append(tag)
    return sorted(set(tags))


def parse_row(line: int, cells: dict, today: date) -> RowResult:
    """One data row (cells by column name) checked on its own."""
    errors: list[str] = ["该行的单元格多于表头的列"] if None in cells else []
    raw_id = cells.get("id_number")
    if raw_id is not None and not isinstance(raw_id, str):
        errors.append("身份证号单元格须为文本格式（数字格式会丢失位数）")
    values = {k: as_text(cells[k]) for k in services.FIELDS if k in cells}
    clean, problems = services.check_fields(values, today=today)
    errors += [services.describe(k, msg) for k, msg in problems.items()]
    row = RowResult(line=line, id_number=clean.get("id_number") or "", name=clean.get("name") or "",
                    fields=clean, errors=errors)
    row.status = _choice(cells.get("status"), STATUS_VALUES, "参保状态", errors)
    if row.status == PersonStatus.DECEASED:
        errors.append("死亡须在参保人页面登记死亡日期，不能通过导入设置")
    row.category = _choice(cells.get("category"), CATEGORY_VALUES, "参保类别", errors)
    if "tags" in cells:
        row.tags = _tags(cells["tags"], errors)
    row.valid_from = today
    if as_text(cells.get("valid_from")):
        try:
            row.valid_from = as_date(cells["valid_from"])
        except ValueError as exc:
            errors.append(str(exc))
    return row


def _mark_duplicates(rows: list[RowResult]) -> None:
    first: dict[str, int] = {}
    for row in rows:
        if not row.id_number:
            continue
        if row.id_number in first:
            row.errors.append(f"身份证号与第 {first[row.id_number]} 行重复")
        else:
            first[row.id_number] = row.line


# --- comparing with the database ----------------------------------------------------------

def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def existing_persons(session: Session, id_numbers: list[str]) -> dict[str, InsuredPerson]:
    """The registered persons among ``id_numbers``, one query per chunk of numbers."""
    found: dict[str, InsuredPerson] = {}
    for chunk in _chunks(sorted(set(id_numbers))):
        for person in session.scalars(select(InsuredPerson).where(InsuredPerson.id_number.in_(chunk),
                                                                  InsuredPerson.live_filter())):
            found[person.id_number] = person
    return found


def _spans(session: Session, model, attr: str, person_ids: list[int]) -> dict[int, list[Span]]:
    spans: dict[int, list[Span]] = {}
    for chunk in _chunks(person_ids):
        for p in session.scalars(select(model).where(model.person_id.in_(chunk))):
            spans.setdefault(p.person_id, []).append(Span(p.valid_from, p.valid_to, getattr(p, attr)))
    return spans


def _plan_dated(row: RowResult, person: InsuredPerson, history: dict) -> None:
    day = row.valid_from
    for attr, label in (("status", "参保状态"), ("category", "参保类别")):
        want = getattr(row, attr)
        if want is None:
            continue
        if attr == "status" and person.death_date and value_on(history[attr], day) != want:
            raise DatedConflict("该参保人已登记死亡，不能变更参保状态")
        if plan_change(history[attr], want, day) is not Step.UNCHANGED:
            row.plan[attr] = want
            row.changes.append(label)
    if row.tags is not None:
        held = values_on(history["tag"], day)
        for tag in sorted(set(row.tags) - held):
            plan_change([s for s in history["tag"] if s.value == tag], tag, day)
        row.plan["add_tags"] = sorted(set(row.tags) - held)
        row.plan["end_tags"] = sorted(held - set(row.tags))
        row.changes += [f"+{TAG_LABELS[t]}" for t in row.plan["add_tags"]]
        row.changes += [f"-{TAG_LABELS[t]}" for t in row.plan["end_tags"]]


def classify(session: Session, rows: list[RowResult]) -> None:
    """Set each valid row's action (create / update / unchanged) and planned changes."""
    valid = [r for r in rows if not r.errors]
    persons = existing_persons(session, [r.id_number for r in valid])
    valid = _listed_districts(session, valid, persons)
    ids = [p.id for p in persons.values()]
    history = {"status": _spans(session, PersonStatusPeriod, "status", ids),
               "category": _spans(session, PersonCategoryPeriod, "category", ids),
               "tag": _spans(session, PersonTagPeriod, "tag", ids)}
    for row in valid:
        person = persons.get(row.id_number)
        if person is None:
            row.action = "create"
            continue
        before = services.snapshot(person)
        row.plan["fields"] = {k: v for k, v in row.fields.items()
                              if k in services.FIELDS and before[k] != v}
        row.changes = [services.FIELD_LABELS[k] for k in row.plan["fields"]]
        try:
            _plan_dated(row, person, {k: v.get(person.id, []) for k, v in history.items()})
        except DatedConflict as exc:
            row.errors.append(str(exc))
            continue
        row.action = "update" if row.changes else "unchanged"


def _listed_districts(session: Session, rows: list[RowResult], persons: dict[str, InsuredPerson]) -> list[RowResult]:
    """The rows whose district is an active one of the MIA's list, or the person's own (a
    deactivated district stays on the persons it names); the others get an error."""
    listed = {d.code for d in list_districts(session, active_only=True)}
    for row in rows:
        district, person = row.fields.get("district"), persons.get(row.id_number)
        if district not in listed and (person is None or person.district != district):
            row.errors.append(f"区县 {district} 不在区县名录中（或已停用）")
    return [r for r in rows if not r.errors]


def preview(session: Session, data: bytes, filename: str, *, today: date) -> ImportPreview:
    """Read and check a whole file without writing anything."""
    result = ImportPreview(filename=filename, sha256=hashlib.sha256(data).hexdigest(), today=today)
    records = read_records(result, data)
    if records is not None:
        _check_rows(session, result, records)
    return result


def read_records(result: ImportPreview, data: bytes) -> list[tuple[int, dict]] | None:
    """The file's data rows as ``(line, cells by column)``, its columns set on ``result``; None
    after recording on ``result.header_errors`` why the file cannot be read."""
    table = read_table(result, data, aliases=HEADER_ALIASES, known=COLUMNS, required=REQUIRED_COLUMNS,
                       max_rows=MAX_ROWS)
    if table is None:
        return None
    result.columns, body = table
    return [(line, _record(result.columns, cells)) for line, cells in body]


def _record(columns: list[str], cells: list) -> dict:
    """Cells by column name; a short row is padded (absent cells are empty, not missing
    columns) and surplus non-empty cells are kept under ``None``."""
    cells = list(cells) + [None] * (len(columns) - len(cells))
    record = {name: cell for name, cell in zip(columns, cells, strict=False) if name}
    if not is_blank(cells[len(columns):]):
        record[None] = cells[len(columns):]
    return record


def preview_records(session: Session, records: list[tuple[int, dict]], *, today: date,
                    filename: str = "", sha256: str = "") -> ImportPreview:
    """Check rows already split into cells by column name (e.g. generated demo data, where
    ``tags`` may be a list)."""
    result = ImportPreview(filename=filename, sha256=sha256, today=today, columns=list(COLUMNS))
    _check_rows(session, result, records)
    return result


def import_records(session: Session, records: list[dict], *, actor: Actor, now: datetime,
                   source: str = "generated") -> dict[str, int]:
    """Preview and apply rows given as dicts (demo data, other systems), all or nothing.
    Raises ValidationFailed naming the first bad rows."""
    result = preview_records(session, list(enumerate(records, start=2)), today=local_today(now), filename=source)
    if not result.ok:
        problems = result.header_errors + [f"{r.line}: {'; '.join(r.errors)}" for r in result.error_rows[:5]]
        raise ValidationFailed("导入数据有误：%(problems)s", {"rows": "invalid"}, params={"problems": problems})
    return apply(session, result, actor=actor, now=now)


def _check_rows(session: Session, result: ImportPreview, records: list[tuple[int, dict]]) -> None:
    result.rows = [parse_row(line, cells, result.today) for line, cells in records]
    if not result.rows:
        result.header_errors.append("文件没有数据行")
    _mark_duplicates(result.rows)
    classify(session, result.rows)


# --- applying ---------------------------------------------------------------------------

def _create(session: Session, rows: list[RowResult], *, actor: Actor, now: datetime) -> None:
    persons = [InsuredPerson(**{k: v for k, v in r.fields.items()}, created_at=now, updated_at=now)
               for r in rows]
    session.add_all(persons)
    session.flush()
    for row, person in zip(rows, persons, strict=False):
        status = row.status or PersonStatus.ACTIVE
        session.add_all(services.initial_periods(person.id, row.valid_from, status=status,
                                                 category=row.category, tags=row.tags or ()))
        audit.record(session, actor, "create", services.ENTITY, person.id, now=now,
                     after={**services.snapshot(person), "status": status, "category": row.category,
                            "tags": row.tags or [], "valid_from": row.valid_from}, detail="import")
    session.flush()


def _update(session: Session, row: RowResult, person: InsuredPerson, *, actor: Actor, now: datetime) -> None:
    kw = {"actor": actor, "now": now}
    if row.plan.get("fields"):
        services.update_person(session, person, row.plan["fields"], **kw)
    if "status" in row.plan:
        services.set_status(session, person, status=row.plan["status"], valid_from=row.valid_from, **kw)
    if "category" in row.plan:
        services.set_category(session, person, category=row.plan["category"], valid_from=row.valid_from, **kw)
    for tag in row.plan.get("add_tags", []):
        services.add_tag(session, person, tag=tag, valid_from=row.valid_from, **kw)
    for tag in row.plan.get("end_tags", []):
        services.end_tag(session, person, tag=tag, valid_to=row.valid_from, **kw)


def apply(session: Session, result: ImportPreview, *, actor: Actor, now: datetime,
          progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Write a checked preview: create new persons in bulk, update changed ones.

    Raises ValidationFailed when the preview has any error (nothing is written).
    """
    if not result.ok:
        raise ValidationFailed("文件有错误，未导入任何数据", {"file": "has errors"})
    creates = [r for r in result.rows if r.action == "create"]
    updates = [r for r in result.rows if r.action == "update"]
    total, done = len(creates) + len(updates), 0
    for chunk in _chunks(creates):
        _create(session, chunk, actor=actor, now=now)
        done += len(chunk)
        if progress:
            progress(done, total)
    persons = existing_persons(session, [r.id_number for r in updates])
    for chunk in _chunks(updates):
        for row in chunk:
            _update(session, row, persons[row.id_number], actor=actor, now=now)
        done += len(chunk)
        if progress:
            progress(done, total)
    counts = result.counts
    audit.record(session, actor, "import", "insured_person_import", None, now=now, detail=result.filename[:500],
                 after={"filename": result.filename, "sha256": result.sha256, "counts": counts})
    session.flush()
    return counts
