"""Service catalogue (服务项目, SPEC §5.2): loading the shipped list, reading it as of a date,
checking items against a care type and staff type, and the MIA admin's edits (audited, flush
never commit). Standard minutes are dated (SPEC §0.2): a change holds "from date D on".
"""
import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Connection, Select, column, exists, func, insert, or_, select, table
from sqlalchemy.orm import Session, selectinload

from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.errors import NotFound, ValidationFailed
from ltc.orgs.kinds import CARE_TYPE_LABELS
from ltc.providers.kinds import STAFF_TYPE_LABELS
from ltc.core.periods import add_period, covering_filter, period_on, periods_of, periods_overlapping
from ltc.providers.catalogue.models import (CARE_TYPES, ITEM_CLASSES, NATIONAL_CODE_LENGTH, STAFF_TYPES,
                                     ServiceItem, ServiceItemCareType, ServiceItemMinutes,
                                     ServiceItemStaffType)

ENTITY = "service_item"
CSV_PATH = Path(__file__).resolve().parents[3] / "ltc" / "data" / "service_items.csv"
SEED_FROM = date(2020, 1, 1)
MAX_MINUTES = 600
CODE_RE = re.compile(r"^[A-Z]{1,4}[0-9]{1,6}$")
NATIONAL_CODE_RE = re.compile(rf"^[0-9A-Z]{{{NATIONAL_CODE_LENGTH}}}$")


@dataclass(frozen=True)
class CatalogueRow:
    """One item as written in the catalogue file."""

    code: str
    national_code: str | None
    item_class: str
    name_zh: str
    name_en: str
    minutes: int
    staff_types: tuple[str, ...]
    care_types: tuple[str, ...]


@dataclass(frozen=True)
class CatalogueLine:
    """An item with its standard minutes on a given day."""

    item: ServiceItem
    minutes: int | None


# --- validation (pure) ---------------------------------------------------------------------

def normalise_national_code(value: str | None) -> str | None:
    """Blank → None; otherwise upper-cased, and it must be 17 ASCII letters or digits."""
    value = (value or "").strip().upper()
    if not value:
        return None
    if not NATIONAL_CODE_RE.match(value):
        raise ValidationFailed("国家编码应为 %(n)s 位字母或数字", {"national_code": "invalid"},
                               params={"n": NATIONAL_CODE_LENGTH})
    return value


def check_minutes(minutes: object) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 < minutes <= MAX_MINUTES:
        raise ValidationFailed("标准时长应为 1 至 %(n)s 分钟的整数", {"minutes": "invalid"}, params={"n": MAX_MINUTES})
    return minutes


def clean_item_fields(*, name_zh: str, name_en: str | None, national_code: str | None, item_class: str,
                      staff_types: Iterable[str], care_types: Iterable[str], active: bool = True) -> dict:
    """The item's attributes checked and normalised. Raises ValidationFailed naming the field."""
    name_zh = (name_zh or "").strip()
    if not name_zh or len(name_zh) > 100:
        raise ValidationFailed("项目名称必填，不超过 100 字", {"name_zh": "invalid"})
    name_en = (name_en or "").strip()
    if len(name_en) > 200:
        raise ValidationFailed("英文名称不超过 200 字", {"name_en": "too long"})
    if item_class not in ITEM_CLASSES:
        raise ValidationFailed("项目类别无效", {"item_class": "invalid"})
    staff, care = sorted(set(staff_types)), sorted(set(care_types))
    if unknown := set(staff) - set(STAFF_TYPES):
        raise ValidationFailed("人员类别无效：%(values)s", {"staff_types": "invalid"},
                               params={"values": sorted(unknown)})
    if not staff:
        raise ValidationFailed("至少选择一种可提供该项目的人员类别", {"staff_types": "required"})
    if unknown := set(care) - set(CARE_TYPES):
        raise ValidationFailed("服务形式无效：%(values)s", {"care_types": "invalid"},
                               params={"values": sorted(unknown)})
    if not care:
        raise ValidationFailed("至少选择一种服务形式", {"care_types": "required"})
    return {"name_zh": name_zh, "name_en": name_en, "national_code": normalise_national_code(national_code),
            "item_class": item_class, "staff_types": staff, "care_types": care, "active": bool(active)}


# --- the catalogue file --------------------------------------------------------------------

def parse_catalogue(lines: Iterable[str]) -> list[CatalogueRow]:
    """Rows of a catalogue CSV (header ``code,national_code,class,name_zh,name_en,standard_minutes,
    allowed_staff,care_types``; staff types separated by ``|``, care types by ``;``)."""
    rows = []
    for number, raw in enumerate(csv.DictReader(lines), start=2):
        try:
            fields = clean_item_fields(
                name_zh=raw["name_zh"], name_en=raw["name_en"], national_code=raw["national_code"],
                item_class=raw["class"].strip(), staff_types=_split(raw["allowed_staff"], "|"),
                care_types=_split(raw["care_types"], ";"))
            minutes = check_minutes(int(raw["standard_minutes"]))
        except (ValidationFailed, ValueError) as exc:
            raise ValidationFailed("第 %(line)s 行：%(problem)s", params={
                "line": number, "problem": exc.msgid % exc.params if isinstance(exc, ValidationFailed) else str(exc)}
            ) from None
        code = raw["code"].strip().upper()
        if not CODE_RE.match(code):
            raise ValidationFailed("第 %(line)s 行：%(problem)s", params={"line": number, "problem": "项目编码无效"})
        rows.append(CatalogueRow(code=code, national_code=fields["national_code"],
                                 item_class=fields["item_class"], name_zh=fields["name_zh"],
                                 name_en=fields["name_en"], minutes=minutes,
                                 staff_types=tuple(fields["staff_types"]),
                                 care_types=tuple(fields["care_types"])))
    if len({r.code for r in rows}) != len(rows):
        raise ValidationFailed("项目编码重复")
    return rows


def _split(value: str | None, separator: str) -> list[str]:
    return [part.strip() for part in (value or "").split(separator) if part.strip()]


def read_catalogue_csv(path: str | Path | None = None) -> list[CatalogueRow]:
    """The rows of ``path``, by default the catalogue shipped with the application (42 items)."""
    with open(path or CSV_PATH, encoding="utf-8-sig", newline="") as handle:
        return parse_catalogue(handle)


def _snapshot(item: ServiceItem) -> dict:
    return {"code": item.code, "national_code": item.national_code, "item_class": item.item_class,
            "name_zh": item.name_zh, "name_en": item.name_en, "active": item.active,
            "staff_types": item.staff_types, "care_types": item.care_types}


def _apply(item: ServiceItem, fields: dict) -> None:
    for name in ("name_zh", "name_en", "national_code", "item_class", "active"):
        setattr(item, name, fields[name])
    if item.staff_types != fields["staff_types"]:
        keep = [r for r in item.staff_type_rows if r.staff_type in fields["staff_types"]]
        have = {r.staff_type for r in keep}
        item.staff_type_rows = keep + [ServiceItemStaffType(staff_type=s)
                                       for s in fields["staff_types"] if s not in have]
    if item.care_types != fields["care_types"]:
        keep = [r for r in item.care_type_rows if r.care_type in fields["care_types"]]
        have = {r.care_type for r in keep}
        item.care_type_rows = keep + [ServiceItemCareType(care_type=c)
                                      for c in fields["care_types"] if c not in have]


def load_catalogue(session: Session, rows: Iterable[CatalogueRow], *, actor: Actor, now: datetime,
                   valid_from: date = SEED_FROM) -> dict[str, int]:
    """Upsert the items by code; idempotent. Returns counts ``created`` / ``updated`` / ``unchanged``.

    A blank national code in the file never clears a mapped one, and an item keeps its status
    (active or not). Standard minutes are only seeded, from ``valid_from``, for an item without
    any minutes history; later changes are dated edits (``change_minutes``).
    """
    rows = list(rows)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    existing = items_by_code(session, [row.code for row in rows])
    for row in rows:
        item = existing.get(row.code)
        fields = {"name_zh": row.name_zh, "name_en": row.name_en, "item_class": row.item_class,
                  "staff_types": list(row.staff_types), "care_types": list(row.care_types)}
        if item is None:
            item = ServiceItem(code=row.code, staff_type_rows=[], care_type_rows=[])
            _apply(item, {**fields, "national_code": row.national_code, "active": True})
            session.add(item)
            session.flush()
            add_period(session, ServiceItemMinutes, item_id=item.id, minutes=row.minutes, valid_from=valid_from)
            audit.record(session, actor, "load", ENTITY, item.id, now=now,
                         after={**_snapshot(item), "minutes": row.minutes, "valid_from": valid_from})
            counts["created"] += 1
            continue
        before = _snapshot(item)
        _apply(item, {**fields, "national_code": row.national_code or item.national_code,
                      "active": item.active})
        session.flush()
        changed_before, changed_after = audit.changes(before, _snapshot(item))
        if not periods_of(session, ServiceItemMinutes, item_id=item.id):
            add_period(session, ServiceItemMinutes, item_id=item.id, minutes=row.minutes, valid_from=valid_from)
            changed_after.update(minutes=row.minutes, valid_from=valid_from)
        if changed_after:
            audit.record(session, actor, "load", ENTITY, item.id, now=now, before=changed_before,
                         after=changed_after)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    return counts


# --- reading -------------------------------------------------------------------------------

def items_by_code(session: Session, codes: Iterable[str]) -> dict[str, ServiceItem]:
    """The items with these codes (any status), by code; unknown codes are absent."""
    codes = {c for c in codes if c}
    if not codes:
        return {}
    stmt = select(ServiceItem).where(ServiceItem.code.in_(codes)).options(
        selectinload(ServiceItem.staff_type_rows), selectinload(ServiceItem.care_type_rows))
    return {item.code: item for item in session.scalars(stmt)}


def get_item(session: Session, item_id: int) -> ServiceItem:
    item = session.get(ServiceItem, item_id)
    if item is None:
        raise NotFound("服务项目不存在")
    return item


def minutes_on(session: Session, item_id: int, day: date) -> int | None:
    """The item's standard minutes on ``day`` (None when none is in force)."""
    period = period_on(session, ServiceItemMinutes, day, item_id=item_id)
    return period.minutes if period is not None else None


def minutes_for(session: Session, item_ids: Iterable[int], day: date) -> dict[int, int]:
    """Standard minutes on ``day`` of several items, by item id (items without minutes absent)."""
    ids = set(item_ids)
    if not ids:
        return {}
    rows = session.execute(select(ServiceItemMinutes.item_id, ServiceItemMinutes.minutes).where(
        ServiceItemMinutes.item_id.in_(ids), covering_filter(ServiceItemMinutes, day)))
    return dict(rows.tuples().all())


def minutes_periods(session: Session, item_ids: Iterable[int], start: date,
                    end: date | None) -> dict[int, list[ServiceItemMinutes]]:
    """Each item's standard-minutes periods overlapping ``[start, end)``, in one query."""
    return periods_overlapping(session, ServiceItemMinutes, item_ids, start, end)


def minutes_history(session: Session, item_id: int) -> list[ServiceItemMinutes]:
    return periods_of(session, ServiceItemMinutes, item_id=item_id)


def catalogue_query(*, care_type: str | None = None, item_class: str | None = None,
                    text: str | None = None, active_only: bool = False) -> Select:
    """The items matching the filters, by code."""
    stmt = select(ServiceItem).order_by(ServiceItem.code)
    if care_type:
        stmt = stmt.where(exists().where(ServiceItemCareType.item_id == ServiceItem.id,
                                         ServiceItemCareType.care_type == care_type))
    if item_class:
        stmt = stmt.where(ServiceItem.item_class == item_class)
    if text := (text or "").strip():
        needle = text.lower()
        stmt = stmt.where(or_(*[func.lower(column).contains(needle, autoescape=True) for column in
                                (ServiceItem.code, ServiceItem.name_zh, ServiceItem.name_en,
                                 ServiceItem.national_code)]))
    if active_only:
        stmt = stmt.where(ServiceItem.active.is_(True))
    return stmt.options(selectinload(ServiceItem.staff_type_rows), selectinload(ServiceItem.care_type_rows))


def items_for_care_type(session: Session, care_type: str, day: date) -> list[CatalogueLine]:
    """The active items of ``care_type`` that have standard minutes on ``day``, by code."""
    items = list(session.scalars(catalogue_query(care_type=care_type, active_only=True)))
    minutes = minutes_for(session, [item.id for item in items], day)
    return [CatalogueLine(item, minutes[item.id]) for item in items if item.id in minutes]


def check_items_allowed(session: Session, codes: Sequence[str], care_type: str,
                        staff_type: str | None = None) -> dict[str, str]:
    """Problems per item code (empty when every item may be delivered in ``care_type``, and by
    ``staff_type`` when given): unknown, inactive, not in the care type, not for the staff type."""
    items = items_by_code(session, codes)
    problems = {}
    for code in codes:
        item = items.get(code)
        if item is None:
            problems[code] = f"未知的服务项目 {code}"
        elif not item.active:
            problems[code] = f"服务项目 {code} 已停用"
        elif care_type not in item.care_types:
            problems[code] = f"服务项目 {code} 不属于服务形式 {CARE_TYPE_LABELS.get(care_type, care_type)}"
        elif staff_type is not None and staff_type not in item.staff_types:
            problems[code] = f"服务项目 {code} 不能由 {STAFF_TYPE_LABELS.get(staff_type, staff_type)} 提供"
    return problems


# --- edits by the MIA admin ----------------------------------------------------------------

def update_item(session: Session, item: ServiceItem, *, actor: Actor, now: datetime, name_zh: str,
                name_en: str | None, national_code: str | None, item_class: str,
                staff_types: Iterable[str], care_types: Iterable[str], active: bool) -> ServiceItem:
    """Edit the item's attributes (not its code or minutes). Raises ValidationFailed."""
    fields = clean_item_fields(name_zh=name_zh, name_en=name_en, national_code=national_code,
                               item_class=item_class, staff_types=staff_types, care_types=care_types,
                               active=active)
    before = _snapshot(item)
    _apply(item, fields)
    session.flush()
    changed_before, changed_after = audit.changes(before, _snapshot(item))
    if changed_after:
        audit.record(session, actor, "update", ENTITY, item.id, now=now, before=changed_before,
                     after=changed_after)
    return item


def change_minutes(session: Session, item: ServiceItem, *, actor: Actor, now: datetime, minutes: int,
                   valid_from: date) -> ServiceItemMinutes:
    """From ``valid_from`` on, the item's standard minutes are ``minutes``.

    The open period that started earlier ends at ``valid_from``; an open period starting on
    ``valid_from`` itself is corrected in place. Raises ValidationFailed (not 1–600, unchanged)
    or Conflict (a closed or later period would overlap).
    """
    check_minutes(minutes)
    current = period_on(session, ServiceItemMinutes, valid_from, item_id=item.id)
    before = current.minutes if current is not None else None
    if before == minutes:
        raise ValidationFailed("%(day)s 当日的标准时长已是 %(n)s 分钟", {"minutes": "unchanged"},
                               params={"day": valid_from.isoformat(), "n": minutes})
    if current is not None and current.valid_from == valid_from and current.valid_to is None:
        current.minutes = minutes
        period = current
        session.flush()
    else:
        period = add_period(session, ServiceItemMinutes, valid_from=valid_from, close_open=True,
                            item_id=item.id, minutes=minutes)
    audit.record(session, actor, "change_minutes", ENTITY, item.id, now=now,
                 before={"minutes": before, "on": valid_from}, after={"minutes": minutes, "valid_from": valid_from})
    return period


# --- data migration ------------------------------------------------------------------------
# Frozen table shapes as of the migration that creates the catalogue: a migration must not
# depend on the ORM models, which may change later.
_items = table("service_items", column("id"), column("code"), column("national_code"),
               column("item_class"), column("name_zh"), column("name_en"), column("active"))
_staff = table("service_item_staff_types", column("item_id"), column("staff_type"))
_care = table("service_item_care_types", column("item_id"), column("care_type"))
_minutes = table("service_item_minutes", column("item_id"), column("minutes"), column("valid_from"),
                 column("valid_to"))


def seed_catalogue(connection: Connection, rows: Iterable[CatalogueRow] | None = None,
                   valid_from: date = SEED_FROM) -> int:
    """Insert the catalogue items (by default the shipped file) whose code is not yet present,
    with their staff types, care types and open-ended standard minutes from ``valid_from``.
    Plain SQLAlchemy Core on a Connection, for an Alembic data migration; existing items are
    left alone, so running it twice inserts nothing. Returns the number of items inserted."""
    rows = list(rows if rows is not None else read_catalogue_csv())
    present = set(connection.execute(select(_items.c.code)).scalars())
    new = [row for row in rows if row.code not in present]
    if not new:
        return 0
    connection.execute(insert(_items), [
        {"code": r.code, "national_code": r.national_code, "item_class": r.item_class,
         "name_zh": r.name_zh, "name_en": r.name_en, "active": True} for r in new])
    ids = dict(connection.execute(select(_items.c.code, _items.c.id).where(
        _items.c.code.in_([r.code for r in new]))).tuples().all())
    connection.execute(insert(_staff), [{"item_id": ids[r.code], "staff_type": s}
                                        for r in new for s in r.staff_types])
    connection.execute(insert(_care), [{"item_id": ids[r.code], "care_type": c}
                                       for r in new for c in r.care_types])
    connection.execute(insert(_minutes), [{"item_id": ids[r.code], "minutes": r.minutes,
                                           "valid_from": valid_from, "valid_to": None} for r in new])
    return len(new)
