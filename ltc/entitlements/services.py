"""Granting, shortening and reading entitlements (SPEC §4.2). Functions flush, never commit.

An entitlement is never edited: the only writes after the grant are an earlier ``valid_to``
(death, transfer, change) and a void (``ltc.entitlements.termination``), each recorded as an
``EntitlementEvent`` and in the audit log. Every reader here skips void entitlements. The review engine
calls ``grant_entitlement`` when the MIA approves; the go-live import calls it with
``origin="migrated"`` and the legacy conclusion's values, which it stores as a migrated conclusion
(``ltc.assessment.applications.services.migrated``), so every entitlement links its conclusion.
"""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from ltc.assessment.applications.models import Application
from ltc.assessment.applications.numbers import application_id_of
from ltc.assessment.applications.services.migrated import record_migrated_conclusion
from ltc.auth.models import User
from ltc.auth.scope import scoped
from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.errors import Conflict, ValidationFailed
from ltc.core.pagination import Page, paginate
from ltc.core.periods import (add_period, covering_filter, overlap_filter, period_on, periods_of,
                              periods_overlapping)
from ltc.entitlements import dates
from ltc.entitlements.models import LEVEL_NAMES, ORIGINS, Entitlement, EntitlementEvent
from ltc.entitlements.notice import entitlement_ref
from ltc.entitlements.states import EndReason, EventAction, Origin
from ltc.orgs.kinds import CARE_TYPE_LABELS, CareType, OrgKind
from ltc.orgs.models import Organisation
from ltc.people.finding import person_matches
from ltc.people.models import InsuredPerson

ENTITY = "entitlement"


@dataclass(frozen=True)
class Conclusion:
    """The assessment conclusion an entitlement rests on: level, date and validity end
    (exclusive), and the application when the conclusion was reached in the system."""

    level: int
    concluded_on: date
    valid_to: date
    application_id: int | None = None
    person_id: int | None = None

    @classmethod
    def of(cls, conclusion: "Conclusion | Application") -> "Conclusion":
        if isinstance(conclusion, Conclusion):
            return conclusion
        if conclusion.concluded_on is None or conclusion.level is None or conclusion.valid_to is None:
            raise ValidationFailed("该申请尚无评估结论", {"conclusion": "not concluded"})
        return cls(conclusion.level, conclusion.concluded_on, conclusion.valid_to, conclusion.id, conclusion.person_id)


def first_start(care_type: str, conclusion: "Conclusion | Application") -> date:
    """The start of a first entitlement of ``care_type`` on ``conclusion`` (SPEC §4.2)."""
    return dates.first_start(care_type, Conclusion.of(conclusion).concluded_on)


# --- grant -------------------------------------------------------------------------------

def _check_choices(errors: dict[str, str], *, level: int, care_type: str, origin: str) -> None:
    if type(level) is not int or level not in LEVEL_NAMES:
        errors["level"] = "失能等级应为 1–5"
    if care_type not in set(CareType):
        errors["care_type"] = "未知的服务形式"
    if origin not in ORIGINS:
        errors["origin"] = "未知的来源"


def _check_conclusion(errors: dict[str, str], *, person_id: int, level: int, conclusion: Conclusion,
                      origin: str) -> None:
    if origin == Origin.REVIEW and conclusion.application_id is None:
        errors["conclusion"] = "经审核核定的待遇须对应系统内的评估结论"
    if conclusion.person_id not in (None, person_id):
        errors["conclusion"] = "评估结论属于其他参保人"
    if level != conclusion.level:
        errors["level"] = f"待遇等级须与评估结论的失能等级（{conclusion.level} 级）一致"
    if conclusion.valid_to <= conclusion.concluded_on:
        errors["conclusion_valid_to"] = "评估结论有效期结束日须晚于结论日期"


def _check_values(session: Session, *, person_id: int, level: int, care_type: str, provider_id: int,
                  conclusion: Conclusion, origin: str) -> InsuredPerson:
    errors: dict[str, str] = {}
    _check_choices(errors, level=level, care_type=care_type, origin=origin)
    _check_conclusion(errors, person_id=person_id, level=level, conclusion=conclusion, origin=origin)
    provider = session.get(Organisation, provider_id)
    if provider is None or provider.kind != OrgKind.PROVIDER:
        errors["provider_id"] = "服务机构不存在或不是定点护理服务机构"
    person = session.get(InsuredPerson, person_id)
    if person is None or person.is_merged:
        errors["person_id"] = "参保人不存在"
    if errors:
        raise ValidationFailed("待遇数据有误：%(problems)s", errors, params={"problems": list(errors.values())})
    return person


def grant_entitlement(session: Session, *, person_id: int, level: int, care_type: str, provider_id: int,
                      conclusion: "Conclusion | Application", starts_on: date, care_plan_id: int | None = None,
                      review_case_id: int | None = None, replaces: Entitlement | None = None,
                      origin: str = Origin.REVIEW.value, actor: Actor, now: datetime) -> Entitlement:
    """Create the entitlement ``[starts_on, end)`` where ``end`` is the earliest of the
    conclusion's validity end and the day after a recorded death (``end_reason`` says which).

    ``replaces`` (a change case): the replaced entitlement ends on ``starts_on`` with reason
    ``change`` and points to the new one; it is the only overlap allowed.
    Raises ValidationFailed (bad values, ``starts_on`` not before the end, e.g. after death)
    and Conflict (another entitlement of the person overlaps)."""
    concl = Conclusion.of(conclusion)
    person = _check_values(session, person_id=person_id, level=level, care_type=care_type,
                           provider_id=provider_id, conclusion=concl, origin=origin)
    end, reason = dates.entitlement_end(concl.valid_to, death_date=person.death_date)
    if starts_on >= end:
        if reason == EndReason.DEATH:
            raise ValidationFailed("待遇开始日期 %(start)s 不早于待遇结束日期：参保人已于 %(end)s 死亡",
                                   {"starts_on": "not before the end"},
                                   params={"start": starts_on.isoformat(), "end": person.death_date.isoformat()})
        raise ValidationFailed("待遇开始日期 %(start)s 不早于待遇结束日期：评估结论有效期至 %(end)s（不含）",
                               {"starts_on": "not before the end"},
                               params={"start": starts_on.isoformat(), "end": concl.valid_to.isoformat()})
    if replaces is not None:
        _check_replaced(replaces, person_id, starts_on)
    _check_no_other(session, person_id, starts_on, end, replaces)
    if concl.application_id is None:   # a migrated entitlement: its conclusion is stored as a conclusion
        concl = Conclusion.of(record_migrated_conclusion(
            session, person_id=person_id, level=concl.level, concluded_on=concl.concluded_on, valid_to=concl.valid_to,
            care_type=care_type, provider_id=provider_id, actor=actor, now=now))
    if replaces is not None and replaces.valid_to > starts_on:
        shorten(session, replaces, to=starts_on, reason=EndReason.CHANGE.value, actor=actor, now=now)
    entitlement = add_period(
        session, Entitlement, valid_from=starts_on, valid_to=end, person_id=person_id, level=level,
        care_type=care_type, provider_id=provider_id, care_plan_id=care_plan_id,
        application_id=concl.application_id, conclusion_level=concl.level, conclusion_date=concl.concluded_on,
        conclusion_valid_to=concl.valid_to, origin=origin, review_case_id=review_case_id, end_reason=reason,
        created_at=now, created_by_id=actor.user_id)
    if replaces is not None:
        replaces.replaced_by_id = entitlement.id
        session.flush()
    audit.record(session, actor, "grant", ENTITY, entitlement.id, now=now, after=snapshot(entitlement))
    return entitlement


def _check_replaced(replaces: Entitlement, person_id: int, starts_on: date) -> None:
    if replaces.person_id != person_id:
        raise ValidationFailed("被替换的待遇属于其他参保人", {"replaces": "other person"})
    if replaces.replaced_by_id is not None:
        raise Conflict("被替换的待遇已被其他待遇替换", {"replaces": "already replaced"})
    if replaces.valid_from >= starts_on:
        raise ValidationFailed("变更后的待遇须晚于被替换待遇的开始日期开始", {"starts_on": "not after replaced start"})


def _check_no_other(session: Session, person_id: int, start: date, end: date,
                    replaces: Entitlement | None) -> None:
    """At most one active entitlement per person and date; a change ignores the one it replaces."""
    others = [e for e in overlapping(session, person_id, start, end) if replaces is None or e.id != replaces.id]
    if others:
        e = others[0]
        raise Conflict("参保人在 %(start)s 至 %(end)s（不含）已有待遇（%(care_type)s，%(ref)s），"
                       "同一日期只能享受一项待遇",
                       {"starts_on": "overlaps another entitlement"},
                       params={"start": e.valid_from.isoformat(), "end": e.valid_to.isoformat(),
                               "care_type": CARE_TYPE_LABELS[e.care_type], "ref": entitlement_ref(session, e)})


def snapshot(entitlement: Entitlement) -> dict:
    e = entitlement
    return {"person_id": e.person_id, "level": e.level, "care_type": e.care_type, "provider_id": e.provider_id,
            "valid_from": e.valid_from, "valid_to": e.valid_to, "end_reason": e.end_reason, "origin": e.origin,
            "application_id": e.application_id, "conclusion_level": e.conclusion_level,
            "conclusion_date": e.conclusion_date, "conclusion_valid_to": e.conclusion_valid_to,
            "care_plan_id": e.care_plan_id, "review_case_id": e.review_case_id,
            "replaced_by_id": e.replaced_by_id, "status": e.status, "void_reason": e.void_reason}


# --- the only change: an earlier end ------------------------------------------------------

def shorten(session: Session, entitlement: Entitlement, *, to: date, reason: str, actor: Actor, now: datetime,
            note: str | None = None) -> EntitlementEvent:
    """End ``entitlement`` earlier, on ``to`` (exclusive). Raises ValidationFailed when ``to``
    does not shorten it or leaves it empty."""
    before = entitlement.valid_to
    if not entitlement.valid_from < to < before:
        raise ValidationFailed("只能将待遇结束日期提前到 %(start)s 之后、%(end)s 之前",
                               {"valid_to": "not a shortening"},
                               params={"start": entitlement.valid_from.isoformat(), "end": before.isoformat()})
    entitlement.valid_to, reason_before = to, entitlement.end_reason
    entitlement.end_reason = reason
    event = EntitlementEvent(entitlement_id=entitlement.id, action=EventAction.END.value, reason=reason,
                             valid_to_before=before, valid_to_after=to, end_reason_before=reason_before, note=note,
                             actor_user_id=actor.user_id, actor_org_id=actor.org_id, at=now)
    session.add(event)
    session.flush()
    audit.record(session, actor, f"end_{reason}", ENTITY, entitlement.id, now=now, detail=note,
                 before={"valid_to": before, "end_reason": reason_before},
                 after={"valid_to": to, "end_reason": reason})
    return event


# --- reading -----------------------------------------------------------------------------

def active_on(session: Session, person_id: int, day: date) -> Entitlement | None:
    """The person's entitlement covering ``day``, if any."""
    return period_on(session, Entitlement, day, person_id=person_id)


def entitlements_of(session: Session, person_id: int) -> list[Entitlement]:
    """A person's entitlements, oldest first (for the person page and the review checks)."""
    return periods_of(session, Entitlement, person_id=person_id)


def overlapping(session: Session, person_id: int, start: date, end: date) -> list[Entitlement]:
    return list(session.scalars(select(Entitlement).where(
        Entitlement.person_id == person_id, overlap_filter(Entitlement, start, end)).order_by(Entitlement.valid_from)))


def entitlement_periods(session: Session, person_ids: Iterable[int], start: date,
                        end: date | None) -> dict[int, list[Entitlement]]:
    """Each person's entitlements overlapping ``[start, end)``, in one query."""
    return periods_overlapping(session, Entitlement, person_ids, start, end)


def entitlements_by_provider(session: Session, provider_ids: Iterable[int], start: date,
                             end: date | None) -> dict[int, list[Entitlement]]:
    """Each provider's entitlements (of all its beneficiaries) overlapping ``[start, end)``, in one
    query; a provider's list is ordered by start, then person."""
    return periods_overlapping(session, Entitlement, provider_ids, start, end, subject="provider_id")


def beneficiaries_on(day: date) -> Select:
    """``SELECT person_id`` of the persons with an active or future (non-void) entitlement on ``day``
    (who may be reassessed, SPEC §3.1; migrated beneficiaries included)."""
    return select(Entitlement.person_id).where(Entitlement.live_filter(), Entitlement.valid_to > day)


def entitled_with_provider_select(provider_id: int, day: date) -> Select:
    """(entitlement, person) rows of the provider's entitlements covering ``day``, by name."""
    return (select(Entitlement, InsuredPerson).join(InsuredPerson, InsuredPerson.id == Entitlement.person_id)
            .where(Entitlement.provider_id == provider_id, covering_filter(Entitlement, day))
            .order_by(InsuredPerson.name, InsuredPerson.id))


def entitled_with_provider(session: Session, provider_id: int, day: date, *, page: int = 1,
                           per_page: int = 50) -> Page:
    """One page of "who is entitled with us on ``day``": (entitlement, person) rows."""
    return paginate(session, entitled_with_provider_select(provider_id, day), page=page, per_page=per_page,
                    scalars=False)


STATES = ("active", "future", "ended")


def search_entitlements(user: User, *, day: date, care_type: str | None = None, state: str | None = None,
                        q: str = "") -> Select:
    """(entitlement, person, provider name) rows in the user's scope, newest start first.
    ``state`` relative to ``day``: active, future or ended; ``q`` part of a name, an ID number or
    its last digits, or the number of the application the entitlement rests on."""
    stmt = (select(Entitlement, InsuredPerson, Organisation.name.label("provider_name"))
            .join(InsuredPerson, InsuredPerson.id == Entitlement.person_id)
            .join(Organisation, Organisation.id == Entitlement.provider_id)
            .where(Entitlement.live_filter()))
    if care_type:
        stmt = stmt.where(Entitlement.care_type == care_type)
    if state == "active":
        stmt = stmt.where(covering_filter(Entitlement, day))
    elif state == "future":
        stmt = stmt.where(Entitlement.valid_from > day)
    elif state == "ended":
        stmt = stmt.where(Entitlement.valid_to <= day)
    if q := q.strip():
        number = application_id_of(q)
        stmt = stmt.where(Entitlement.application_id == number if number is not None else person_matches(q))
    return scoped(stmt, Entitlement, user).order_by(Entitlement.valid_from.desc(), Entitlement.id.desc())
