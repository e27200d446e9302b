"""Hospital stays (住院, SPEC §2) from the medical-insurance system.

A stay is identified by (person, hospital, admission date); importing it again updates its
category and discharge date. ``inpatient`` stays matter to compliance (SPEC §6 E08: no
service on the days ``[admission, discharge)``) and to reassessment after a long stay
(SPEC §3.1); ``ltc_special`` stays are the special-care service itself.
"""
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.auth.scope import scoped
from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.errors import ValidationFailed
from ltc.people.ids import normalise_id_number
from ltc.people.kinds import STAY_CATEGORY_LABELS, StayCategory
from ltc.people.hospital.models import HOSPITAL_MAX, HospitalStay
from ltc.people.models import InsuredPerson
from ltc.core.sheets import Cell, as_date, as_text

ENTITY = "hospital_stay"
INPATIENT, LTC_SPECIAL = StayCategory.INPATIENT, StayCategory.LTC_SPECIAL
CATEGORY_LABELS = STAY_CATEGORY_LABELS  # msgids
CATEGORY_VALUES = {INPATIENT: INPATIENT, LTC_SPECIAL: LTC_SPECIAL, "普通住院": INPATIENT, "住院": INPATIENT,
                   "专护住院": LTC_SPECIAL, "专护": LTC_SPECIAL, "医疗专护": LTC_SPECIAL}
FIELDS = ("id_number", "hospital", "category", "admitted_on", "discharged_on")
FIELD_LABELS = {"id_number": "身份证号", "hospital": "医院", "category": "住院类别", "admitted_on": "入院日期",
                "discharged_on": "出院日期"}
CHUNK = 5000


@dataclass(frozen=True)
class StayInput:
    """One checked stay, its person resolved."""

    person_id: int
    hospital: str
    category: str
    admitted_on: date
    discharged_on: date | None

    @property
    def key(self) -> tuple[int, str, date]:
        return (self.person_id, self.hospital, self.admitted_on)


# --- checking raw values (rows of a file, items of an API call) --------------------------

def _day(raw: Cell, field: str, today: date, problems: dict[str, str]) -> date | None:
    if not as_text(raw):
        return None
    try:
        day = as_date(raw)
    except ValueError as exc:
        problems[field] = f"{FIELD_LABELS[field]}：{exc}"
        return None
    if day > today:
        problems[field] = f"{FIELD_LABELS[field]} {day} 晚于今天"
    return day


def check_fields(raw: dict[str, Cell], *, today: date) -> tuple[dict, dict[str, str]]:
    """Clean values and problems (field → Chinese message naming the field) of one stay as typed
    by a user: required values, category code or label, real dates not in the future, discharge
    not before admission."""
    problems: dict[str, str] = {}
    id_number = normalise_id_number(as_text(raw.get("id_number")))
    if not id_number:
        problems["id_number"] = "身份证号必填"
    hospital = " ".join(as_text(raw.get("hospital")).split())
    if not hospital:
        problems["hospital"] = "医院必填"
    elif len(hospital) > HOSPITAL_MAX:
        problems["hospital"] = f"医院名称最多 {HOSPITAL_MAX} 个字符"
    category_text = as_text(raw.get("category"))
    category = CATEGORY_VALUES.get(category_text)
    if category is None:
        problems["category"] = f"住院类别取值无效：{category_text}（应为 inpatient 或 ltc_special）" \
            if category_text else "住院类别必填"
    admitted = _day(raw.get("admitted_on"), "admitted_on", today, problems)
    if admitted is None and "admitted_on" not in problems:
        problems["admitted_on"] = "入院日期必填"
    discharged = _day(raw.get("discharged_on"), "discharged_on", today, problems)
    if admitted and discharged and discharged < admitted and "discharged_on" not in problems:
        problems["discharged_on"] = f"出院日期 {discharged} 早于入院日期 {admitted}"
    clean = {"id_number": id_number, "hospital": hospital, "category": category, "admitted_on": admitted,
             "discharged_on": discharged}
    return clean, problems


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def person_ids_by_number(session: Session, id_numbers: Iterable[str]) -> dict[str, int]:
    """Registered persons among ``id_numbers``: ID number → person id."""
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(set(id_numbers))):
        rows = session.execute(select(InsuredPerson.id_number, InsuredPerson.id)
                               .where(InsuredPerson.id_number.in_(chunk), InsuredPerson.live_filter()))
        found.update(rows.tuples().all())
    return found


# --- writing -----------------------------------------------------------------------------

def existing_stays(session: Session, rows: Sequence[StayInput]) -> dict[tuple, HospitalStay]:
    """The stored stays with the keys of ``rows``, by key (one query per 5,000 persons)."""
    keys = {r.key for r in rows}
    found: dict[tuple, HospitalStay] = {}
    for chunk in _chunks(sorted({r.person_id for r in rows})):
        for stay in session.scalars(select(HospitalStay).where(HospitalStay.person_id.in_(chunk))):
            key = (stay.person_id, stay.hospital, stay.admitted_on)
            if key in keys:
                found[key] = stay
    return found


def action_for(row: StayInput, stay: HospitalStay | None) -> str:
    """``create``, ``update`` (category or discharge date differs) or ``unchanged``."""
    if stay is None:
        return "create"
    same = stay.category == row.category and stay.discharged_on == row.discharged_on
    return "unchanged" if same else "update"


def _check_inputs(rows: Sequence[StayInput]) -> None:
    seen: set[tuple] = set()
    for n, row in enumerate(rows):
        if row.category not in CATEGORY_LABELS:
            raise ValidationFailed("住院类别取值无效：%(value)s", {f"rows[{n}].category": "invalid"},
                                   params={"value": str(row.category)})
        if row.discharged_on is not None and row.discharged_on < row.admitted_on:
            raise ValidationFailed("出院日期早于入院日期", {f"rows[{n}].discharged_on": "before admitted_on"})
        if row.key in seen:
            raise ValidationFailed("同一参保人、医院和入院日期重复", {f"rows[{n}]": "duplicate"})
        seen.add(row.key)


def _snapshot(stay: HospitalStay | StayInput) -> dict:
    return {"person_id": stay.person_id, "hospital": stay.hospital, "category": stay.category,
            "admitted_on": stay.admitted_on, "discharged_on": stay.discharged_on}


def upsert_stays(session: Session, rows: Sequence[StayInput], *, actor: Actor, now: datetime,
                 source: str | None = None) -> dict[str, int]:
    """Create or update stays by (person, hospital, admission date); each write is audited.

    Returns counts of ``create`` / ``update`` / ``unchanged``. Raises ValidationFailed (bad
    category, discharge before admission, a key given twice) before writing anything.
    """
    _check_inputs(rows)
    stored = existing_stays(session, rows)
    counts = {"create": 0, "update": 0, "unchanged": 0}
    created: list[HospitalStay] = []
    for row in rows:
        stay = stored.get(row.key)
        action = action_for(row, stay)
        counts[action] += 1
        if action == "create":
            created.append(HospitalStay(**_snapshot(row), created_at=now, updated_at=now))
        elif action == "update":
            before, after = audit.changes(_snapshot(stay), _snapshot(row))
            stay.category, stay.discharged_on, stay.updated_at = row.category, row.discharged_on, now
            audit.record(session, actor, "update", ENTITY, stay.id, now=now, before=before, after=after,
                         detail=source)
    session.add_all(created)
    session.flush()
    for stay in created:
        audit.record(session, actor, "create", ENTITY, stay.id, now=now, after=_snapshot(stay), detail=source)
    session.flush()
    return counts


# --- reading -----------------------------------------------------------------------------

def stays_of(session: Session, person_id: int) -> list[HospitalStay]:
    """A person's stays, latest admission first."""
    return list(session.scalars(select(HospitalStay).where(HospitalStay.person_id == person_id)
                                .order_by(HospitalStay.admitted_on.desc(), HospitalStay.id.desc())))


def record_views(session: Session, stays: Iterable[HospitalStay], *, actor: Actor, now: datetime) -> None:
    """Hospital stays shown to a user are a view of personal (medical) data: one audit entry each."""
    for stay in stays:
        audit.record(session, actor, "view", ENTITY, stay.id, now=now, detail=f"person {stay.person_id}")
    session.flush()


def search_stays(viewer: User, *, category: str | None = None, open_only: bool = False,
                 q: str | None = None) -> Select:
    """Stays of the persons in the viewer's scope, latest admission first: rows of (stay, person).
    ``q`` is a full ID number or part of a name."""
    stmt = (select(HospitalStay, InsuredPerson).join(InsuredPerson, InsuredPerson.id == HospitalStay.person_id)
            .order_by(HospitalStay.admitted_on.desc(), HospitalStay.id.desc()))
    if category in CATEGORY_LABELS:
        stmt = stmt.where(HospitalStay.category == category)
    if open_only:
        stmt = stmt.where(HospitalStay.discharged_on.is_(None))
    needle = (q or "").strip()
    if needle:
        stmt = stmt.where(or_(InsuredPerson.id_number == normalise_id_number(needle),
                              InsuredPerson.name.contains(needle, autoescape=True)))
    return scoped(stmt, InsuredPerson, viewer)


def long_inpatient_stays(session: Session, *, min_days: int, on_or_before: date,
                         discharged_since: date | None = None) -> list[tuple[int, HospitalStay]]:
    """``inpatient`` stays longer than ``min_days`` days by ``on_or_before`` (SPEC §3.1:
    reassessment after a stay longer than 30 days), as (person id, stay).

    Length counts the days of ``[admission, discharge)``; an open stay, or one discharged
    after ``on_or_before``, is measured up to ``on_or_before``. A stay of exactly
    ``min_days`` days is not long. ``discharged_since`` skips stays discharged before it
    (for a daily job that only needs recent discharges and open stays).
    """
    latest_admission = on_or_before - timedelta(days=min_days + 1)
    stmt = (select(HospitalStay).where(HospitalStay.category == INPATIENT,
                                       HospitalStay.admitted_on <= latest_admission)
            .order_by(HospitalStay.person_id, HospitalStay.admitted_on, HospitalStay.id))
    if discharged_since is not None:
        stmt = stmt.where(or_(HospitalStay.discharged_on.is_(None), HospitalStay.discharged_on >= discharged_since))
    return [(s.person_id, s) for s in session.scalars(stmt) if s.days_until(on_or_before) > min_days]


def inpatient_days(session: Session, person_id: int, first: date, last: date) -> set[date]:
    """Days in ``[first, last]`` that fall in ``[admission, discharge)`` of one of the person's
    ``inpatient`` stays (SPEC §6 E08; an open stay covers every day from its admission)."""
    stmt = select(HospitalStay).where(
        HospitalStay.person_id == person_id, HospitalStay.category == INPATIENT, HospitalStay.admitted_on <= last,
        or_(HospitalStay.discharged_on.is_(None), HospitalStay.discharged_on > first))
    days: set[date] = set()
    for stay in session.scalars(stmt):
        day = max(stay.admitted_on, first)
        after_last = last + timedelta(days=1)
        end = after_last if stay.discharged_on is None else min(stay.discharged_on, after_last)
        while day < end:
            days.add(day)
            day += timedelta(days=1)
    return days
