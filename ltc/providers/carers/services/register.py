"""Registering a carer, correcting the entry (optimistic version) and a carer leaving (SPEC §1).

The ID number is normalised and validated as SPEC §2 (``ltc.people.ids``), and the birth date and
sex are derived from it; it is unique within the provider's register (the same person working
for two providers is two entries).
"""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.clock import local_today
from ltc.core.errors import Conflict, ValidationFailed
from ltc.people.services import PHONE, clean_id_number, has_invisible
from ltc.providers.carers.models import NAME_MAX, Carer
from ltc.providers.kinds import StaffType

ENTITY = "carer"
FIELDS = ("name", "id_number", "staff_type", "phone", "employed_from")
REQUIRED = ("name", "id_number", "staff_type", "employed_from")
FIELD_LABELS = {"name": "姓名", "id_number": "身份证号", "staff_type": "人员类别", "phone": "电话",
                "employed_from": "入职日期", "left_on": "离职日期"}
MAX_LENGTH = {"name": NAME_MAX, "phone": 30}


@dataclass(frozen=True)
class CarerInput:
    """What a form, the import or a caller enters for one carer."""

    name: str | None
    id_number: str | None
    staff_type: str | None
    employed_from: date | None
    phone: str | None = None

    def values(self) -> dict:
        return {name: getattr(self, name) for name in FIELDS}


def check_fields(values: dict, *, today: date) -> tuple[dict, dict[str, str]]:
    """``values`` cleaned (blanks → None, ID normalised, birth date and sex derived) and the
    problems found, as ``{field: message}``."""
    clean = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in values.items()}
    problems = _text_problems(clean)
    if clean.get("staff_type") and clean["staff_type"] not in set(StaffType):
        problems["staff_type"] = "人员类别应为护理员、护士、医生或乡村医生"
    if clean.get("employed_from") is not None and not isinstance(clean["employed_from"], date):
        problems["employed_from"] = "日期格式应为 YYYY-MM-DD"
    clean_id_number(clean, problems, today=today)
    return clean, problems


def _text_problems(clean: dict) -> dict[str, str]:
    """Required fields filled, texts within their limits, a well-formed phone number."""
    problems: dict[str, str] = {}
    for name in REQUIRED:
        if not clean.get(name):
            problems[name] = "必填"
    for name, limit in MAX_LENGTH.items():
        text = clean.get(name)
        if text and len(text) > limit:
            problems[name] = f"不能超过 {limit} 个字符"
        elif text and has_invisible(text):
            problems[name] = "不能包含控制字符或格式字符（如换行、方向控制符）"
    if clean.get("phone") and "phone" not in problems and not PHONE.fullmatch(clean["phone"]):
        problems["phone"] = "电话只能包含数字、空格、+ 和 -"
    return problems


def describe(field: str, message: str) -> str:
    """A problem as the user reads it: ``电话：…`` (ID messages already name the field)."""
    return message if field == "id_number" else f"{FIELD_LABELS.get(field, field)}：{message}"


def raise_problems(problems: dict[str, str]) -> None:
    """Refuse with every problem, each naming its field (ID messages already name theirs)."""
    if problems:
        named = [msg if name == "id_number" else {"detail": "%(field)s：%(message)s",
                                                  "params": {"field": FIELD_LABELS.get(name, name), "message": msg}}
                 for name, msg in problems.items()]
        raise ValidationFailed("%(problems)s", problems, params={"problems": named})


def holder_in_register(session: Session, provider_id: int, id_number: str, *,
                       other_than: int | None = None) -> Carer | None:
    stmt = select(Carer).where(Carer.provider_id == provider_id, Carer.id_number == id_number)
    if other_than is not None:
        stmt = stmt.where(Carer.id != other_than)
    return session.scalars(stmt).first()


def _ensure_unique(session: Session, provider_id: int, id_number: str, *, other_than: int | None = None) -> None:
    holder = holder_in_register(session, provider_id, id_number, other_than=other_than)
    if holder is not None:
        raise Conflict("身份证号 %(id_number)s 已登记在本机构护理人员名册（%(name)s）",
                       {"id_number": "already registered"}, params={"id_number": id_number, "name": holder.name})


def snapshot(carer: Carer) -> dict:
    return {name: getattr(carer, name) for name in (*FIELDS, "left_on")}


def register_carer(session: Session, *, provider_id: int, entry: CarerInput, actor: Actor,
                   now: datetime) -> Carer:
    """Add a carer to ``provider_id``'s register.

    Raises ValidationFailed (a bad ID number or field) and Conflict (the ID number is already in
    this provider's register)."""
    clean, problems = check_fields(entry.values(), today=local_today(now))
    raise_problems(problems)
    _ensure_unique(session, provider_id, clean["id_number"])
    carer = Carer(provider_id=provider_id, created_by=actor.user_id, created_at=now, updated_at=now, **clean)
    session.add(carer)
    session.flush()
    audit.record(session, actor, "create", ENTITY, carer.id, now=now, after=snapshot(carer))
    return carer


def _claim_version(session: Session, carer: Carer, expected_version: int, now: datetime) -> None:
    """One ``UPDATE … WHERE version = :expected``: a concurrent edit makes it match no row."""
    claimed = session.execute(update(Carer).where(Carer.id == carer.id, Carer.version == expected_version)
                              .values(version=expected_version + 1, updated_at=now)
                              .execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise Conflict("该护理人员信息已被他人修改，请刷新页面后重新填写")
    session.refresh(carer, ["version", "updated_at"])


def update_carer(session: Session, carer: Carer, *, entry: CarerInput, expected_version: int, actor: Actor,
                 now: datetime) -> Carer:
    """Correct a carer's entry, if nobody changed it since ``expected_version`` was read; the
    audit row keeps the values before and after.

    Raises ValidationFailed, Conflict (stale version; the ID number is another carer's)."""
    clean, problems = check_fields(entry.values(), today=local_today(now))
    raise_problems(problems)
    if carer.left_on is not None and clean["employed_from"] >= carer.left_on:
        raise_problems({"employed_from": "应早于离职日期"})
    if clean["id_number"] != carer.id_number:
        _ensure_unique(session, carer.provider_id, clean["id_number"], other_than=carer.id)
    before, after = audit.changes(snapshot(carer), {name: clean[name] for name in FIELDS})
    _claim_version(session, carer, expected_version, now)
    if not after:
        return carer
    for name in ("birth_date", "sex", *after):
        setattr(carer, name, clean[name])
    session.flush()
    audit.record(session, actor, "update", ENTITY, carer.id, before=before, after=after, now=now)
    return carer


def record_leaving(session: Session, carer: Carer, *, left_on: date | None, actor: Actor,
                   now: datetime) -> Carer:
    """The carer leaves the provider: from ``left_on`` on they are no longer on its staff (None:
    the leaving is withdrawn, e.g. recorded in error).

    Raises ValidationFailed when ``left_on`` is not after the first day of employment."""
    if left_on is not None and left_on <= carer.employed_from:
        raise ValidationFailed("离职日期必须晚于入职日期", {"left_on": "must be after employed_from"})
    if left_on == carer.left_on:
        return carer
    before, carer.left_on, carer.updated_at = carer.left_on, left_on, now
    carer.version += 1
    session.flush()
    audit.record(session, actor, "leave" if left_on else "undo_leave", ENTITY, carer.id, now=now,
                 before={"left_on": before}, after={"left_on": left_on})
    return carer
