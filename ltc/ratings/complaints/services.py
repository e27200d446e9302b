"""Complaints (投诉, SPEC §8): registered by an insurer or MIA operator (from the person or the family,
by phone or at the counter: provider, carer, what, when), handled by the person's insurer within the
policy's working days of the entry date (the due date is derived on read, so a calendar change moves
it), closed with an outcome (upheld / not upheld) and the reply to the complainant. Every complaint
lists the person for a follow-up, due with the complaint. The daily 06:00 job marks the overdue ones.
Every change writes an event and an audit row. Flushes, never commits."""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.auth.permissions import Action, can
from ltc.auth.scope import get_scoped, scoped
from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.calendar import add_working_days
from ltc.core.clock import local_today
from ltc.core.errors import Forbidden, ValidationFailed
from ltc.orgs.contracts import insurer_of_district
from ltc.orgs.kinds import OrgKind
from ltc.orgs.models import Organisation
from ltc.people.ids import normalise_id_number
from ltc.people.models import InsuredPerson
from ltc.providers.carers.models import Carer
from ltc.ratings.complaints.kinds import LIFECYCLE, Channel, Complainant, EventKind, Outcome, Status
from ltc.ratings.complaints.models import NAME_MAX, PHONE_MAX, TEXT_MAX, Complaint, ComplaintEvent
from ltc.ratings.followups.feeding import followup_policy, list_follow_up
from ltc.ratings.followups.kinds import Origin


@dataclass(frozen=True)
class ComplaintInput:
    id_number: str
    provider_id: int
    complainant: str
    complainant_name: str
    channel: str
    what: str
    happened_on: date
    carer_id: int | None = None
    complainant_phone: str | None = None


def _user(session: Session, actor: Actor, action: Action, message: str) -> User:
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    if user is None or not user.active or not can(user, action):
        raise Forbidden(message)
    return user


def due_on(session: Session, complaint: Complaint) -> date:
    """The last day to close it: the policy's working days after the entry date (SPEC §0.1)."""
    days = followup_policy(session, complaint.received_on).complaint_working_days
    return add_working_days(session, complaint.received_on, days)


def _check(session: Session, data: ComplaintInput, today: date) -> dict[str, str]:
    errors = {}
    if data.complainant not in {c.value for c in Complainant}:
        errors["complainant"] = "unknown"
    if data.channel not in {c.value for c in Channel}:
        errors["channel"] = "unknown"
    if not (data.complainant_name or "").strip() or len(data.complainant_name) > NAME_MAX:
        errors["complainant_name"] = "required"
    if data.complainant_phone and len(data.complainant_phone) > PHONE_MAX:
        errors["complainant_phone"] = "too long"
    if not (data.what or "").strip() or len(data.what) > TEXT_MAX:
        errors["what"] = "required"
    if data.happened_on > today:
        errors["happened_on"] = "in the future"
    provider = session.get(Organisation, data.provider_id)
    if provider is None or provider.kind != OrgKind.PROVIDER.value:
        errors["provider_id"] = "not a provider"
    elif data.carer_id is not None:
        carer = session.get(Carer, data.carer_id)
        if carer is None or carer.provider_id != data.provider_id:
            errors["carer_id"] = "not the provider's carer"
    return errors


def _person(session: Session, user: User, id_number: str) -> InsuredPerson:
    """The person with this ID number in the user's scope. Raises ValidationFailed (none)."""
    person = session.scalar(scoped(select(InsuredPerson).where(
        InsuredPerson.id_number == normalise_id_number(id_number)), InsuredPerson, user))
    if person is None:
        raise ValidationFailed("未找到该身份证号的参保人", {"id_number": "unknown"})
    return person


def register_complaint(session: Session, data: ComplaintInput, *, actor: Actor, now: datetime) -> Complaint:
    """Register a complaint and list the person for a follow-up. Raises Forbidden (not an insurer or MIA
    operator) and ValidationFailed (among others, an ID number unknown in the user's scope)."""
    user = _user(session, actor, Action.REGISTER_COMPLAINTS, "无权登记投诉")
    person = _person(session, user, data.id_number)
    today = local_today(now)
    if errors := _check(session, data, today):
        raise ValidationFailed("投诉信息不完整或有误，请检查标出的栏目", errors)
    insurer_id = insurer_of_district(session, person.district, today)
    if insurer_id is None:
        raise ValidationFailed("该参保人所在区县目前没有承办机构，无法登记投诉", {"person_id": "no insurer"})
    complaint = Complaint(person_id=person.id, insurer_id=insurer_id, provider_id=data.provider_id,
                          carer_id=data.carer_id, complainant=data.complainant,
                          complainant_name=data.complainant_name.strip(),
                          complainant_phone=(data.complainant_phone or "").strip() or None, channel=data.channel,
                          what=data.what.strip(), happened_on=data.happened_on, received_on=today,
                          status=Status.OPEN.value, registered_by=user.id, registered_org=user.org_id, created_at=now)
    session.add(complaint)
    session.flush()
    _event(session, complaint, EventKind.REGISTERED, actor=actor, now=now)
    audit.record(session, actor, "create", "complaint", complaint.id, now=now,
                 after={"person_id": person.id, "provider_id": data.provider_id, "channel": data.channel})
    list_follow_up(session, person, origin=Origin.COMPLAINT, source_key=f"complaint:{complaint.id}",
                   due_on=due_on(session, complaint), actor=actor, now=now, complaint_id=complaint.id)
    return complaint


def _event(session: Session, complaint: Complaint, kind: EventKind, *, actor: Actor, now: datetime,
           reason: str | None = None, data: dict | None = None) -> ComplaintEvent:
    event = ComplaintEvent(complaint_id=complaint.id, kind=kind.value, actor_id=actor.user_id,
                           actor_org_id=actor.org_id, at=now, reason=reason, data=data or {})
    session.add(event)
    session.flush()
    return event


def decide_complaint(session: Session, complaint_id: int, *, outcome: str, reply: str, actor: Actor,
                     now: datetime) -> Complaint:
    """The handling insurer closes the complaint with its outcome and the reply to the complainant.
    Raises NotFound, Forbidden (not the handling insurer's operator / reviewer), InvalidTransition
    (already closed) and ValidationFailed."""
    user = _user(session, actor, Action.INSURER_OPERATIONS, "无权办结投诉")
    complaint = get_scoped(session, user, Complaint, complaint_id)
    if complaint.insurer_id != user.org_id:
        raise Forbidden("只有承办该投诉的机构可以办结")
    LIFECYCLE.check(complaint.status, Status.CLOSED)
    if outcome not in {o.value for o in Outcome}:
        raise ValidationFailed("请选择处理结论", {"outcome": "required"})
    if not (reply or "").strip() or len(reply) > TEXT_MAX:
        raise ValidationFailed("请填写给投诉人的答复", {"reply": "required"})
    complaint.status, complaint.outcome, complaint.reply = Status.CLOSED.value, outcome, reply.strip()
    complaint.closed_on, complaint.decided_by = local_today(now), user.id
    session.flush()
    _event(session, complaint, EventKind.DECIDED, actor=actor, now=now, reason=complaint.reply,
           data={"outcome": outcome, "late": complaint.closed_on > due_on(session, complaint)})
    audit.record(session, actor, "decide", "complaint", complaint.id, now=now, before={"status": Status.OPEN.value},
                 after={"status": Status.CLOSED.value, "outcome": outcome})
    return complaint


def mark_overdue(session: Session, *, today: date, actor: Actor, now: datetime) -> int:
    """Mark each open complaint past its due date on ``today`` (once). Returns how many were marked."""
    marked = 0
    for complaint in session.scalars(select(Complaint).where(Complaint.status == Status.OPEN.value,
                                                             Complaint.overdue_marked_on.is_(None))
                                     .order_by(Complaint.id)):
        due = due_on(session, complaint)
        if due < today:
            complaint.overdue_marked_on = today
            _event(session, complaint, EventKind.OVERDUE, actor=actor, now=now, data={"due_on": due.isoformat()})
            marked += 1
    session.flush()
    return marked
