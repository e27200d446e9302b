"""Import of a provider's stays and leaves from CSV / XLSX (SPEC §5.4, like the roster import, §2):
preview with per-row errors, then apply; a file with any error is rejected whole, nothing written.

* Stays: ``id_number,care_type,admitted_on,discharged_on,note``; upsert by (person, provider,
  admission date). An existing stay whose discharge is newly given is discharged; any other change
  is a correction (kept as a version, the file named as its reason); a settled stay is refused.
* Leaves: ``id_number,admitted_on,out_on,back_on,reason`` (the stay named by its admission date);
  upsert by (stay, out date), likewise closed or corrected.

The provider is the importing user's organisation. The checks are those of the services (a person
the provider serves, dates not in the future, no overlapping stays, leaves inside their stay and
apart), made over the whole file and the stored records at once; the rows are then written through
the services, so each record gets its entry-time findings and its audit entry.
"""
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.clock import local_today
from ltc.core.errors import ValidationFailed
from ltc.core.sheets import Preview, as_date, as_text, is_blank, read_table
from ltc.orgs.kinds import CARE_TYPE_LABELS
from ltc.people.ids import normalise_id_number
from ltc.people.models import InsuredPerson
from ltc.people.scope import PERSON_LINKS
from ltc.providers.kinds import BedCareType, RecordSource
from ltc.providers.records import stays as services
from ltc.providers.records.beddays import StayFacts, stay_end
from ltc.providers.records.models import NOTE_MAX, Leave, Stay
from ltc.scheduler.imports import ImportKind
from ltc.scheduler.models import ImportKind as Kinds

STAYS, LEAVES = "stays", "leaves"
COLUMNS = {STAYS: ("id_number", "care_type", "admitted_on", "discharged_on", "note"),
           LEAVES: ("id_number", "admitted_on", "out_on", "back_on", "reason")}
REQUIRED = {STAYS: ("id_number", "care_type", "admitted_on"), LEAVES: ("id_number", "admitted_on", "out_on")}
#: the Chinese headers of the templates (msgids), and the aliases a file may use
TEMPLATES = {STAYS: {"id_number": "身份证号", "care_type": "服务形式", "admitted_on": "入院日期",
                     "discharged_on": "出院日期", "note": "备注"},
             LEAVES: {"id_number": "身份证号", "admitted_on": "入院日期", "out_on": "离开日期", "back_on": "返回日期",
                      "reason": "请假事由"}}
ALIASES = {"请假日期": "out_on", "销假日期": "back_on", "事由": "reason",
           **{header: name for table in TEMPLATES.values() for name, header in table.items()}}
CARE_TYPES = {**{c.value: c.value for c in BedCareType}, **{CARE_TYPE_LABELS[c.value]: c.value for c in BedCareType},
              "专护": BedCareType.SPECIAL.value, "院护": BedCareType.INSTITUTION.value,
              "养护": BedCareType.INSTITUTION.value}
MAX_ROWS = 100_000
CHUNK = 5000


@dataclass
class Row:
    line: int
    values: dict
    errors: list[str] = field(default_factory=list)
    person_id: int | None = None
    action: str | None = None          # create / update / unchanged
    stored: Stay | Leave | None = None
    stay: Stay | None = None           # a leave's stay


@dataclass
class RecordsPreview(Preview):
    what: str = STAYS
    provider_id: int = 0
    rows: list[Row] = field(default_factory=list)


# --- parsing -----------------------------------------------------------------------------

def _day(raw, name: str, today: date, errors: list[str], *, required: bool = False) -> date | None:
    label = TEMPLATES[STAYS].get(name) or TEMPLATES[LEAVES][name]
    if not as_text(raw):
        if required:
            errors.append(f"{label}必填")
        return None
    try:
        day = as_date(raw)
    except ValueError as exc:
        errors.append(f"{label}：{exc}")
        return None
    if day > today:
        errors.append(f"{label} {day} 晚于今天")
    return day


def parse_row(what: str, line: int, cells: list, columns: list[str], today: date) -> Row:
    """One data row checked on its own (cell shapes, codes, dates and their order)."""
    errors: list[str] = [] if is_blank(cells[len(columns):]) else ["该行的单元格多于表头的列"]
    raw = {name: cell for name, cell in zip(columns, cells, strict=False) if name}
    if raw.get("id_number") is not None and not isinstance(raw["id_number"], str):
        errors.append("身份证号单元格须为文本格式（数字格式会丢失位数）")
    values = {"id_number": normalise_id_number(as_text(raw.get("id_number"))),
              "admitted_on": _day(raw.get("admitted_on"), "admitted_on", today, errors, required=True)}
    if not values["id_number"]:
        errors.append("身份证号必填")
    if what == STAYS:
        _stay_values(raw, values, today, errors)
    else:
        _leave_values(raw, values, today, errors)
    return Row(line=line, values=values, errors=errors)


def _stay_values(raw: dict, values: dict, today: date, errors: list[str]) -> None:
    text = as_text(raw.get("care_type"))
    values["care_type"] = CARE_TYPES.get(text)
    if values["care_type"] is None:
        errors.append(f"服务形式取值无效：{text}（应为 special / institution 或 医疗专护 / 机构护理）" if text
                      else "服务形式必填")
    values["discharged_on"] = _day(raw.get("discharged_on"), "discharged_on", today, errors)
    values["note"] = " ".join(as_text(raw.get("note")).split())[:NOTE_MAX] or None
    if values["admitted_on"] and values["discharged_on"] and values["discharged_on"] < values["admitted_on"]:
        errors.append("出院日期早于入院日期")


def _leave_values(raw: dict, values: dict, today: date, errors: list[str]) -> None:
    values["out_on"] = _day(raw.get("out_on"), "out_on", today, errors, required=True)
    values["back_on"] = _day(raw.get("back_on"), "back_on", today, errors)
    values["reason"] = " ".join(as_text(raw.get("reason")).split())[:services.LEAVE_REASON_MAX] or None
    if values["out_on"] and values["back_on"] and values["back_on"] <= values["out_on"]:
        errors.append("返回日期须晚于离开日期")


# --- checking against the database and the rest of the file -----------------------------------

def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _resolve_persons(session: Session, provider_id: int, rows: list[Row]) -> None:
    """Each row's person among those the provider serves (one query per 5,000 numbers)."""
    numbers = sorted({r.values["id_number"] for r in rows if r.values["id_number"]})
    links = or_(*[InsuredPerson.id.in_(link(provider_id)) for link in PERSON_LINKS])
    found: dict[str, int] = {}
    for chunk in _chunks(numbers):
        found.update(session.execute(select(InsuredPerson.id_number, InsuredPerson.id).where(
            InsuredPerson.id_number.in_(chunk), InsuredPerson.live_filter(), links)).tuples().all())
    for row in rows:
        row.person_id = found.get(row.values["id_number"])
        if row.values["id_number"] and row.person_id is None:
            row.errors.append(f"身份证号 {row.values['id_number']} 不是本机构的服务对象（或未登记）")


def _stored_stays(session: Session, provider_id: int, person_ids: list[int]) -> dict[int, list[Stay]]:
    """The provider's stays of these persons with their leaves, by person."""
    found: dict[int, list[Stay]] = {}
    for chunk in _chunks(sorted(set(person_ids))):
        stmt = (select(Stay).options(selectinload(Stay.leaves))
                .where(Stay.provider_id == provider_id, Stay.person_id.in_(chunk)))
        for stay in session.scalars(stmt):
            found.setdefault(stay.person_id, []).append(stay)
    return found


def _mark_duplicates(rows: list[Row], key) -> None:
    first: dict[tuple, int] = {}
    for row in rows:
        k = key(row)
        if k in first:
            row.errors.append(f"与第 {first[k]} 行重复")
        else:
            first.setdefault(k, row.line)


def _span(admitted: date, discharged: date | None) -> tuple[date, date | None]:
    return admitted, stay_end(StayFacts(0, admitted, discharged))


def _overlap(a: tuple[date, date | None], b: tuple[date, date | None]) -> bool:
    return (b[1] is None or a[0] < b[1]) and (a[1] is None or b[0] < a[1])


def _classify_stay(row: Row, stored: Stay | None) -> None:
    row.stored = stored
    v = row.values
    if stored is None:
        row.action = "create"
        return
    if (stored.care_type, stored.discharged_on, stored.note) == (v["care_type"], v["discharged_on"], v["note"]):
        row.action = "unchanged"
        return
    row.action = "update"
    if stored.settled_at is not None:
        row.errors.append("该在院记录已结算，不能更正")
    for leave in stored.leaves:
        if v["discharged_on"] is not None and (leave.out_on >= v["discharged_on"] or (
                leave.back_on is not None and leave.back_on > v["discharged_on"])):
            row.errors.append(f"{leave.out_on} 起的请假将不在在院期间内")


def check_stays(session: Session, provider_id: int, rows: list[Row]) -> None:
    """Stay rows against the roster, each other and the stored stays (no two share a bed-day)."""
    _resolve_persons(session, provider_id, rows)
    _mark_duplicates([r for r in rows if r.person_id and r.values["admitted_on"]],
                     lambda r: (r.person_id, r.values["admitted_on"]))
    valid = [r for r in rows if not r.errors]
    stored = _stored_stays(session, provider_id, [r.person_id for r in valid])
    planned: dict[int, dict[date, tuple]] = {}
    for person_id, stays in stored.items():
        planned[person_id] = {s.admitted_on: _span(s.admitted_on, s.discharged_on) for s in stays}
    for row in valid:
        v = row.values
        _classify_stay(row, next((s for s in stored.get(row.person_id, []) if s.admitted_on == v["admitted_on"]),
                                 None))
        planned.setdefault(row.person_id, {})[v["admitted_on"]] = _span(v["admitted_on"], v["discharged_on"])
    for row in valid:
        v = row.values
        mine, others = planned[row.person_id][v["admitted_on"]], planned[row.person_id].items()
        clash = [day for day, span in others if day != v["admitted_on"] and _overlap(mine, span)]
        if clash:
            row.errors.append(f"与 {min(clash)} 入院的在院记录重叠")


def _classify_leave(row: Row, stay: Stay) -> None:
    v = row.values
    row.stay = stay
    row.stored = next((leave for leave in stay.leaves if leave.out_on == v["out_on"]), None)
    if row.stored is None:
        row.action = "create"
    elif (row.stored.back_on, row.stored.reason) == (v["back_on"], v["reason"]):
        row.action = "unchanged"
    else:
        row.action = "update"
        if row.stored.settled_at is not None:
            row.errors.append("该请假已结算，不能更正")
    if v["out_on"] < stay.admitted_on or (stay.discharged_on is not None and (
            v["out_on"] >= stay.discharged_on or (v["back_on"] is not None and v["back_on"] > stay.discharged_on))):
        row.errors.append("请假须在在院期间内")


def check_leaves(session: Session, provider_id: int, rows: list[Row]) -> None:
    """Leave rows against their stays, each other and the stored leaves (none overlap)."""
    _resolve_persons(session, provider_id, rows)
    valid = [r for r in rows if not r.errors]
    stored = _stored_stays(session, provider_id, [r.person_id for r in valid])
    for row in valid:
        stay = next((s for s in stored.get(row.person_id, []) if s.admitted_on == row.values["admitted_on"]), None)
        if stay is None:
            row.errors.append(f"找不到该参保人 {row.values['admitted_on']} 入院的在院记录（请先导入在院记录）")
        else:
            _classify_leave(row, stay)
    placed = [r for r in rows if r.stay is not None]
    _mark_duplicates(placed, lambda r: (r.stay.id, r.values["out_on"]))
    planned: dict[int, dict[date, tuple]] = {}
    for stay in {r.stay.id: r.stay for r in placed}.values():
        planned[stay.id] = {leave.out_on: (leave.out_on, leave.back_on) for leave in stay.leaves}
    for row in placed:
        planned[row.stay.id][row.values["out_on"]] = (row.values["out_on"], row.values["back_on"])
    for row in placed:
        mine = planned[row.stay.id][row.values["out_on"]]
        if any(out != row.values["out_on"] and _overlap(mine, span) for out, span in planned[row.stay.id].items()):
            row.errors.append("与该在院记录的其他请假重叠")


# --- preview and apply ---------------------------------------------------------------------

def read_body(result: RecordsPreview, data: bytes):
    return read_table(result, data, aliases=ALIASES, known=COLUMNS[result.what], required=REQUIRED[result.what],
                      max_rows=MAX_ROWS)


def preview(session: Session, data: bytes, filename: str, *, today: date, what: str,
            provider_id: int) -> RecordsPreview:
    """Read and check a whole file of ``what`` (stays or leaves) without writing anything."""
    result = RecordsPreview(filename=filename, sha256=hashlib.sha256(data).hexdigest(), today=today, what=what,
                            provider_id=provider_id)
    table = read_body(result, data)
    if table is None:
        return result
    columns, body = table
    result.rows = [parse_row(what, line, cells, columns, today) for line, cells in body]
    (check_stays if what == STAYS else check_leaves)(session, provider_id, result.rows)
    return result


def apply(session: Session, result: RecordsPreview, *, actor: Actor, now: datetime) -> dict[str, int]:
    """Write a checked preview through the services. Raises ValidationFailed when it has any error
    (nothing written), or the services' DomainError when the database changed since the check."""
    if not result.ok:
        raise ValidationFailed("文件有错误，未导入任何数据", {"file": "has errors"})
    why = f"文件导入：{result.filename}"[:services.REASON_MAX]
    for row in result.rows:
        if row.action == "create":
            _create(session, result, row, actor=actor, now=now)
        elif row.action == "update":
            (_update_stay if result.what == STAYS else _update_leave)(session, row, why, actor=actor, now=now)
    counts = result.counts
    audit.record(session, actor, "import", f"{result.what[:-1]}_import", None, now=now, detail=result.filename[:500],
                 after={"filename": result.filename, "sha256": result.sha256, "counts": counts})
    session.flush()
    return counts


def _create(session: Session, result: RecordsPreview, row: Row, *, actor: Actor, now: datetime) -> None:
    v, kw = row.values, {"actor": actor, "now": now, "source": RecordSource.IMPORT.value}
    if result.what == STAYS:
        services.admit(session, provider_id=result.provider_id, person_id=row.person_id, care_type=v["care_type"],
                       admitted_on=v["admitted_on"], discharged_on=v["discharged_on"], note=v["note"], **kw)
    else:
        services.open_leave(session, row.stay, out_on=v["out_on"], back_on=v["back_on"], reason=v["reason"], **kw)


def _update_stay(session: Session, row: Row, why: str, *, actor: Actor, now: datetime) -> None:
    stay, v = row.stored, row.values
    if stay.discharged_on is None and (stay.care_type, stay.note) == (v["care_type"], v["note"]):
        services.discharge(session, stay, discharged_on=v["discharged_on"], actor=actor, now=now)
    else:
        services.correct_stay(session, stay, care_type=v["care_type"], admitted_on=v["admitted_on"],
                              discharged_on=v["discharged_on"], note=v["note"], reason=why, actor=actor, now=now)


def _update_leave(session: Session, row: Row, why: str, *, actor: Actor, now: datetime) -> None:
    leave, v = row.stored, row.values
    if leave.back_on is None and leave.reason == v["reason"]:
        services.close_leave(session, leave, back_on=v["back_on"], actor=actor, now=now)
    else:
        services.correct_leave(session, leave, out_on=v["out_on"], back_on=v["back_on"], leave_reason=v["reason"],
                               reason=why, actor=actor, now=now)


# --- files too large for a web request: the scheduler process imports them ----------------------

def _queued_preview(what: str):
    """Check a queued file of ``what`` whole (rows are checked against each other: one unit)."""
    def check(session: Session, queued) -> RecordsPreview:
        return preview(session, queued.data, queued.filename, today=local_today(queued.requested_at), what=what,
                       provider_id=queued.org_id)
    return check


def _apply(session: Session, result: RecordsPreview, **kw) -> dict[str, int]:
    return apply(session, result, **kw)


KINDS = {STAYS: ImportKind(Kinds.STAYS.value, "stay_import", "stay_import", MAX_ROWS,
                           check=_queued_preview(STAYS), apply=_apply),
         LEAVES: ImportKind(Kinds.LEAVES.value, "leave_import", "leave_import", MAX_ROWS,
                            check=_queued_preview(LEAVES), apply=_apply)}
