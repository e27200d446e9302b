"""The insured-person registry (SPEC §2): create, edit, dated attributes, death, search.

Every write and every full view of personal data is written to the audit log here.
Functions flush, never commit.
"""
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.auth.scope import get_scoped, scoped
from ltc.auth.services import actor_of
from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core import events
from ltc.core.clock import local_today
from ltc.core.errors import Conflict, ValidationFailed
from ltc.core.periods import add_period, covering_filter, period_on, periods_of, periods_overlapping
from ltc.orgs.services import active_district
from ltc.people.finding import person_matches
from ltc.people.events import DeathUndone, IdNumberChanged, PersonDied, PersonTransferred
from ltc.people.dated import DatedConflict, Span, Step, plan_change, value_on
from ltc.people.ids import normalise_id_number, parse_id_number
from ltc.people.models import (Category, InsuredPerson, PersonCategoryPeriod, PersonDeath, PersonStatus,
                               PersonStatusPeriod, PersonTagPeriod, Tag)

ENTITY = "insured_person"
FIELDS = ("id_number", "name", "phone", "address", "district", "township", "village",
          "latitude", "longitude")
MAX_LENGTH = {"name": 50, "phone": 30, "address": 300, "district": 50, "township": 50, "village": 50}
REQUIRED = ("id_number", "name", "district")
FIELD_LABELS = {"id_number": "身份证号", "name": "姓名", "phone": "电话", "address": "地址",
                "district": "区县", "township": "街道/乡镇", "village": "社区/村",
                "latitude": "纬度", "longitude": "经度"}
PHONE = re.compile(r"[0-9+\- ]{3,30}")
#: Unicode categories no name or address holds: controls (BEL, NUL, line breaks), format characters
#: (bidi overrides such as U+202E, zero-width joiners), line and paragraph separators. Characters
#: outside the BMP stay accepted: real names carry CJK Extension B+ characters such as 𠮷.
INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp"})
#: statuses set by ``set_status``; ``deceased`` only through ``record_death``
SETTABLE_STATUSES = (PersonStatus.ACTIVE, PersonStatus.SUSPENDED, PersonStatus.TRANSFERRED)


@dataclass
class PersonDetail:
    person: InsuredPerson
    today: date
    status: str | None
    category: str | None
    tags: list[str]


# --- validation -------------------------------------------------------------------------

def _coordinate(value, limit: int) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise ValueError("坐标应为数字") from None
    if not number.is_finite():  # NaN quantizes to NaN, and comparing it raises
        raise ValueError("坐标应为数字")
    if not -limit <= number <= limit:
        raise ValueError(f"坐标应在 -{limit} 到 {limit} 之间")
    return number


def check_fields(values: dict, *, today: date) -> tuple[dict, dict[str, str]]:
    """``values`` cleaned (blanks → None, ID normalised, birth date and sex derived) and the
    problems found, as ``{field: message}``."""
    clean = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in values.items()}
    problems: dict[str, str] = {}
    _check_texts(clean, problems)
    _clean_coordinates(clean, problems)
    clean_id_number(clean, problems, today=today)
    return clean, problems


def _check_texts(clean: dict, problems: dict[str, str]) -> None:
    """Required fields filled, lengths within their limits, a well-formed phone number."""
    for name in REQUIRED:
        if name in clean and not clean[name]:
            problems[name] = "必填"
    for name, limit in MAX_LENGTH.items():
        if clean.get(name) and len(clean[name]) > limit:
            problems[name] = f"不能超过 {limit} 个字符"
    if clean.get("phone") and not PHONE.fullmatch(clean["phone"]):
        problems["phone"] = "电话只能包含数字、空格、+ 和 -"
    for name in MAX_LENGTH:
        if isinstance(clean.get(name), str) and has_invisible(clean[name]):
            problems.setdefault(name, "不能包含控制字符或格式字符（如换行、方向控制符）")


def has_invisible(text: str) -> bool:
    """Whether ``text`` holds a character of an ``INVISIBLE`` category."""
    return any(unicodedata.category(char) in INVISIBLE for char in text)


def _clean_coordinates(clean: dict, problems: dict[str, str]) -> None:
    """Latitude and longitude as rounded decimals within their ranges."""
    for name, limit in (("latitude", 90), ("longitude", 180)):
        try:
            if name in clean:
                clean[name] = _coordinate(clean[name], limit)
        except ValueError as exc:
            problems[name] = str(exc)


def clean_id_number(clean: dict, problems: dict[str, str], *, today: date) -> None:
    """The ID number normalised, with the birth date and sex it encodes."""
    if clean.get("id_number"):
        clean["id_number"] = normalise_id_number(clean["id_number"])
        try:
            clean["birth_date"], clean["sex"] = parse_id_number(clean["id_number"], today)
        except ValueError as exc:
            problems["id_number"] = str(exc)


def _raise_problems(problems: dict[str, str]) -> None:
    if problems:
        message = "；".join(describe(name, msg) for name, msg in problems.items())
        raise ValidationFailed(message, problems)


def describe(field: str, message: str) -> str:
    """A problem as the user reads it: ``电话：…`` (ID messages already name the field)."""
    return message if field == "id_number" else f"{FIELD_LABELS.get(field, field)}：{message}"


def _check_choice(value, allowed: Iterable[str], field: str) -> None:
    if value is not None and value not in set(allowed):
        raise ValidationFailed("%(field)s 取值无效：%(value)s", {field: "invalid choice"},
                               params={"field": field, "value": str(value)})


def _ensure_unique(session: Session, id_number: str, *, other_than: int | None = None) -> None:
    stmt = select(InsuredPerson.id).where(InsuredPerson.id_number == id_number, InsuredPerson.live_filter())
    if other_than is not None:
        stmt = stmt.where(InsuredPerson.id != other_than)
    if session.scalar(stmt) is not None:
        raise Conflict("身份证号 %(id_number)s 已登记", {"id_number": "already registered"},
                       params={"id_number": id_number})


def snapshot(person: InsuredPerson) -> dict:
    return {name: getattr(person, name) for name in FIELDS}


# --- create / update --------------------------------------------------------------------

def initial_periods(person_id: int, day: date, *, status: str, category: str | None,
                    tags: Iterable[str]) -> list:
    """The first dated periods of a new person, all from ``day``."""
    rows: list = [PersonStatusPeriod(person_id=person_id, status=status, valid_from=day)]
    if category:
        rows.append(PersonCategoryPeriod(person_id=person_id, category=category, valid_from=day))
    rows += [PersonTagPeriod(person_id=person_id, tag=t, valid_from=day) for t in sorted(set(tags))]
    return rows


def create_person(session: Session, values: dict, *, actor: Actor, now: datetime,
                  status: str = PersonStatus.ACTIVE, category: str | None = None,
                  tags: Iterable[str] = (), valid_from: date | None = None) -> InsuredPerson:
    """Register a person with status / category / tags from ``valid_from`` (default today).

    Raises ValidationFailed (bad ID or fields, unknown choices) and Conflict (ID taken).
    """
    unknown = set(values) - set(FIELDS)
    _raise_problems({name: "未知字段" for name in unknown})
    clean, problems = check_fields({name: values.get(name) for name in FIELDS}, today=local_today(now))
    _raise_problems(problems)
    _check_choice(status, SETTABLE_STATUSES, "status")
    _check_choice(category, Category, "category")
    tags = list(tags)
    for tag in tags:
        _check_choice(tag, Tag, "tags")
    _ensure_unique(session, clean["id_number"])
    active_district(session, clean["district"])
    person = InsuredPerson(**clean, created_at=now, updated_at=now)
    session.add(person)
    session.flush()
    day = valid_from or local_today(now)
    session.add_all(initial_periods(person.id, day, status=status, category=category, tags=tags))
    session.flush()
    audit.record(session, actor, "create", ENTITY, person.id, now=now,
                 after={**snapshot(person), "status": status, "category": category,
                        "tags": sorted(set(tags)), "valid_from": day})
    return person


def update_person(session: Session, person: InsuredPerson, changes: dict, *, actor: Actor,
                  now: datetime) -> InsuredPerson:
    """Change the given fields; the audit entry holds only what changed.

    Raises ValidationFailed and Conflict (ID number of another person).
    """
    _raise_problems({name: "未知字段" for name in set(changes) - set(FIELDS)})
    before = snapshot(person)
    clean, problems = check_fields({**before, **changes}, today=local_today(now))
    _raise_problems(problems)
    if clean["id_number"] != person.id_number:
        _ensure_unique(session, clean["id_number"], other_than=person.id)
    if clean["district"] != person.district:  # a deactivated district stays on the persons it names
        active_district(session, clean["district"])
    old, new = audit.changes(before, {name: clean[name] for name in FIELDS})
    if not new:
        return person
    for name in ("birth_date", "sex", *new):
        setattr(person, name, clean[name])
    person.updated_at = now
    session.flush()
    audit.record(session, actor, "update", ENTITY, person.id, before=old, after=new, now=now)
    if "id_number" in new:
        events.publish(session, IdNumberChanged(person=person, before=old["id_number"], actor=actor, now=now))
    return person


# --- dated attributes -------------------------------------------------------------------

def _set_dated(session: Session, person: InsuredPerson, model, attr: str, value: str, day: date,
               *, actor: Actor, now: datetime, key: dict) -> bool:
    periods = periods_of(session, model, person_id=person.id, **key)
    spans = [Span(p.valid_from, p.valid_to, getattr(p, attr)) for p in periods]
    try:
        step = plan_change(spans, value, day)
    except DatedConflict as exc:
        raise Conflict(exc.msgid, {"valid_from": "later period exists"}, params=exc.params) from None
    if step is Step.UNCHANGED:
        return False
    before = value_on(spans, day)
    if step is Step.REPLACE:
        setattr(next(p for p in periods if p.covers(day)), attr, value)
        session.flush()
    else:
        add_period(session, model, valid_from=day, close_open=True, person_id=person.id,
                   **{**key, attr: value})
    audit.record(session, actor, f"set_{attr}", ENTITY, person.id, now=now,
                 before={attr: before}, after={attr: value, "valid_from": day})
    return True


def set_status(session: Session, person: InsuredPerson, *, status: str, valid_from: date,
               actor: Actor, now: datetime) -> bool:
    """The enrolment status from ``valid_from`` on. ``deceased`` goes through record_death.
    A change to ``transferred`` publishes ``PersonTransferred`` (the entitlement ends from the
    day after ``valid_from``, SPEC §2). Returns False when nothing changed. Raises
    ValidationFailed, Conflict."""
    _check_choice(status, SETTABLE_STATUSES, "status")
    if person.death_date is not None:
        raise Conflict("该参保人已登记死亡，不能变更参保状态", {"status": "deceased"})
    changed = _set_dated(session, person, PersonStatusPeriod, "status", status, valid_from,
                         actor=actor, now=now, key={})
    if changed and status == PersonStatus.TRANSFERRED:
        events.publish(session, PersonTransferred(person=person, transfer_date=valid_from, actor=actor, now=now))
    return changed


def set_category(session: Session, person: InsuredPerson, *, category: str, valid_from: date,
                 actor: Actor, now: datetime) -> bool:
    """The insurance category from ``valid_from`` on. Raises ValidationFailed, Conflict."""
    _check_choice(category, Category, "category")
    return _set_dated(session, person, PersonCategoryPeriod, "category", category, valid_from,
                      actor=actor, now=now, key={})


def add_tag(session: Session, person: InsuredPerson, *, tag: str, valid_from: date,
            actor: Actor, now: datetime) -> bool:
    """The tag holds from ``valid_from`` on (no change when it already does)."""
    _check_choice(tag, Tag, "tag")
    return _set_dated(session, person, PersonTagPeriod, "tag", tag, valid_from,
                      actor=actor, now=now, key={"tag": tag})


def end_tag(session: Session, person: InsuredPerson, *, tag: str, valid_to: date,
            actor: Actor, now: datetime) -> bool:
    """The tag no longer holds from ``valid_to`` on; a period starting that very day is
    removed. Returns False when the tag did not hold on ``valid_to``."""
    _check_choice(tag, Tag, "tag")
    period = period_on(session, PersonTagPeriod, valid_to, person_id=person.id, tag=tag)
    if period is None:
        return False
    before = {"tag": tag, "valid_from": period.valid_from, "valid_to": period.valid_to}
    if period.valid_from == valid_to:
        session.delete(period)
    else:
        period.valid_to = valid_to
    session.flush()
    audit.record(session, actor, "end_tag", ENTITY, person.id, now=now, before=before,
                 after={"tag": tag, "valid_to": valid_to})
    return True


def record_death(session: Session, person: InsuredPerson, *, death_date: date, actor: Actor,
                 now: datetime) -> InsuredPerson:
    """Record the date of death. The day of death is still covered: the status is
    ``deceased`` from the next day, and status periods after that are cut or removed.

    Raises ValidationFailed (future date, before birth) and Conflict (another date recorded).
    """
    if death_date > local_today(now) or death_date < person.birth_date:
        raise ValidationFailed("死亡日期不能晚于今天或早于出生日期", {"death_date": "out of range"})
    if person.death_date == death_date:
        return person
    if person.death_date is not None:
        raise Conflict("已登记死亡日期 %(day)s", {"death_date": "already recorded"},
                       params={"day": person.death_date.isoformat()})
    day = death_date + timedelta(days=1)
    status_before = status_on(session, person.id, day)
    periods = periods_of(session, PersonStatusPeriod, person_id=person.id)
    session.add(PersonDeath(person_id=person.id, death_date=death_date, recorded_at=now,
                            recorded_by_id=actor.user_id, status_before=_spans(periods)))
    for period in periods:
        if period.valid_from >= day:
            session.delete(period)
        elif period.valid_to is None or period.valid_to > day:
            period.valid_to = day
    session.flush()
    add_period(session, PersonStatusPeriod, person_id=person.id, status=PersonStatus.DECEASED,
               valid_from=day)
    person.death_date = death_date
    person.updated_at = now
    session.flush()
    audit.record(session, actor, "record_death", ENTITY, person.id, now=now,
                 before={"death_date": None, "status": status_before},
                 after={"death_date": death_date, "status": PersonStatus.DECEASED, "valid_from": day})
    events.publish(session, PersonDied(person=person, actor=actor, now=now))
    return person


def _spans(periods: Iterable[PersonStatusPeriod]) -> list[list]:
    return [[p.status, p.valid_from.isoformat(), p.valid_to.isoformat() if p.valid_to else None] for p in periods]


def current_death(session: Session, person_id: int) -> PersonDeath | None:
    """The recording of the person's death that is in force (not undone), if any."""
    return session.scalar(select(PersonDeath).where(PersonDeath.person_id == person_id,
                                                    PersonDeath.undone_at.is_(None))
                          .order_by(PersonDeath.id.desc()).limit(1))


def undo_death(session: Session, person: InsuredPerson, *, reason: str, actor: Actor,
               now: datetime) -> InsuredPerson:
    """Remove a death recorded in error (SPEC §2, an MIA admin): the date of death goes, the
    status periods are restored as they were before the death was recorded, the recording is
    marked undone with the reason, and ``DeathUndone`` lets the other domains restore what the
    death ended or cancelled. Raises ValidationFailed (no reason), Conflict (no death recorded).
    """
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        raise ValidationFailed("请填写撤销死亡登记的原因（不超过500字）", {"reason": "required"})
    if person.death_date is None:
        raise Conflict("该参保人没有登记死亡", {"death_date": "not recorded"})
    death_date, record = person.death_date, current_death(session, person.id)
    after_death = periods_of(session, PersonStatusPeriod, person_id=person.id)
    for period in after_death:
        session.delete(period)
    session.flush()
    before = record.status_before if record else _spans_without_death(after_death, death_date)
    session.add_all(PersonStatusPeriod(person_id=person.id, status=status, valid_from=date.fromisoformat(start),
                                       valid_to=date.fromisoformat(end) if end else None)
                    for status, start, end in before)
    if record is not None:
        record.undone_at, record.undone_by_id, record.undo_reason = now, actor.user_id, reason
    person.death_date, person.updated_at = None, now
    session.flush()
    audit.record(session, actor, "undo_death", ENTITY, person.id, now=now, detail=reason,
                 before={"death_date": death_date, "status": _spans(after_death)},
                 after={"death_date": None, "status": before})
    events.publish(session, DeathUndone(person=person, death_date=death_date, reason=reason, actor=actor, now=now))
    return person


def _spans_without_death(periods: list[PersonStatusPeriod], death_date: date) -> list[list]:
    """For a death recorded before its recording was kept: drop the ``deceased`` periods and let
    the one that ended the day after death run on."""
    day = (death_date + timedelta(days=1)).isoformat()
    return [[status, start, None if end == day else end] for status, start, end in _spans(periods)
            if status != PersonStatus.DECEASED]


# --- reading ----------------------------------------------------------------------------

def status_on(session: Session, person_id: int, day: date) -> str | None:
    period = period_on(session, PersonStatusPeriod, day, person_id=person_id)
    return period.status if period else None


def category_on(session: Session, person_id: int, day: date) -> str | None:
    period = period_on(session, PersonCategoryPeriod, day, person_id=person_id)
    return period.category if period else None


def tags_on(session: Session, person_id: int, day: date) -> list[str]:
    return sorted(session.scalars(select(PersonTagPeriod.tag).where(
        PersonTagPeriod.person_id == person_id, covering_filter(PersonTagPeriod, day))))


def statuses_on(session: Session, person_ids: Iterable[int], day: date) -> dict[int, str]:
    """The status of each person on ``day``, in one query (for list pages)."""
    rows = session.execute(select(PersonStatusPeriod.person_id, PersonStatusPeriod.status).where(
        PersonStatusPeriod.person_id.in_(list(person_ids)), covering_filter(PersonStatusPeriod, day)))
    return dict(rows.tuples().all())


def status_periods(session: Session, person_ids: Iterable[int], start: date,
                   end: date | None) -> dict[int, list[PersonStatusPeriod]]:
    """Each person's status periods overlapping ``[start, end)``, in one query."""
    return periods_overlapping(session, PersonStatusPeriod, person_ids, start, end)


def category_periods(session: Session, person_ids: Iterable[int], start: date,
                     end: date | None) -> dict[int, list[PersonCategoryPeriod]]:
    """Each person's insurance-category periods overlapping ``[start, end)``, in one query."""
    return periods_overlapping(session, PersonCategoryPeriod, person_ids, start, end)


def tag_periods(session: Session, person_ids: Iterable[int], start: date,
                end: date | None) -> dict[int, list[PersonTagPeriod]]:
    """Each person's population-tag periods (all tags) overlapping ``[start, end)``, in one query."""
    return periods_overlapping(session, PersonTagPeriod, person_ids, start, end)


def get_person_full(session: Session, user: User, person_id: int, *, now: datetime) -> PersonDetail:
    """A person in the user's scope with full values; the view is audited.
    Raises NotFound outside the scope."""
    person = get_scoped(session, user, InsuredPerson, person_id)
    audit.record(session, actor_of(user), "view", ENTITY, person.id, now=now)
    session.flush()
    return person_detail(session, person, local_today(now))


def person_detail(session: Session, person: InsuredPerson, today: date) -> PersonDetail:
    """A person with the values of its dated attributes today (not audited: for responses
    to writes the caller made)."""
    return PersonDetail(person=person, today=today, status=status_on(session, person.id, today),
                        category=category_on(session, person.id, today),
                        tags=tags_on(session, person.id, today))


def search_persons(user: User, q: str | None = None, district: str | None = None) -> Select:
    """Persons in the user's scope matching ``q`` (a full ID number, the last digits of one,
    or part of a name) and ``district``, ordered by name."""
    stmt = select(InsuredPerson)
    q = (q or "").strip()
    if q:
        stmt = stmt.where(person_matches(q))
    if district and district.strip():
        stmt = stmt.where(InsuredPerson.district == district.strip())
    return scoped(stmt, InsuredPerson, user).order_by(InsuredPerson.name, InsuredPerson.id)


def districts_in_scope(session: Session, user: User) -> list[str]:
    """The districts of the persons the user sees (for the search filter)."""
    stmt = select(InsuredPerson.district).distinct().order_by(InsuredPerson.district)
    return list(session.scalars(scoped(stmt, InsuredPerson, user)))
