"""What puts a person on an insurer's follow-up worklist (SPEC §8): a new beneficiary (due within the
policy's days of the grant — the review case's completion, not the retroactive start), the monthly
sample, a complaint, the sample of persons with FLAG findings. Every feed is idempotent: a person is
listed once per ``source_key``. A new follow-up goes to the insurer's staff member with the fewest open
ones. Flushes, never commits."""
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from ltc.auth.models import User, UserRole
from ltc.core.audit import Actor
from ltc.core.clock import LOCAL_TZ, local_today
from ltc.core.periods import covering_filter
from ltc.entitlements.models import Entitlement
from ltc.entitlements.states import Origin as EntitlementOrigin
from ltc.orgs.contracts import insurer_of_district
from ltc.people.models import InsuredPerson
from ltc.policy.services import policy_on
from ltc.ratings.followups.kinds import EventKind, Origin, Status
from ltc.ratings.followups.models import FollowUp, FollowUpEvent
from ltc.ratings.followups.policy import FollowUpPolicy

#: the insurer's roles that make follow-ups (SPEC §1: operator / reviewer)
FOLLOW_UP_ROLES = ("operator", "reviewer")


def followup_policy(session: Session, day: date) -> FollowUpPolicy:
    return policy_on(session, day).section(FollowUpPolicy)


def provider_on(session: Session, person_id: int, day: date) -> int | None:
    """The provider of the person's live entitlement on ``day`` (None: none)."""
    return session.scalar(select(Entitlement.provider_id).where(
        Entitlement.person_id == person_id, Entitlement.live_filter(), covering_filter(Entitlement, day)))


def staff_of(session: Session, insurer_id: int) -> list[User]:
    """The insurer's active users who make follow-ups, by name."""
    return list(session.scalars(select(User).join(UserRole, UserRole.user_id == User.id).where(
        User.org_id == insurer_id, User.active.is_(True), UserRole.role.in_(FOLLOW_UP_ROLES))
        .distinct().order_by(User.full_name, User.id)))


def least_loaded(session: Session, insurer_id: int) -> int | None:
    """The staff member with the fewest open follow-ups (ties: by name), None without staff."""
    staff = staff_of(session, insurer_id)
    if not staff:
        return None
    counts = dict(session.execute(select(FollowUp.assigned_to, func.count()).where(
        FollowUp.insurer_id == insurer_id, FollowUp.status == Status.OPEN.value).group_by(FollowUp.assigned_to)).all())
    return min(staff, key=lambda u: counts.get(u.id, 0)).id


def list_follow_up(session: Session, person: InsuredPerson, *, origin: Origin, source_key: str, due_on: date,
                   actor: Actor, now: datetime, complaint_id: int | None = None,
                   draw_id: int | None = None) -> FollowUp | None:
    """Put ``person`` on the worklist of the insurer of their district today (once per ``source_key``:
    the existing follow-up is returned). None when no insurer's contract covers the district."""
    found = session.scalar(select(FollowUp).where(FollowUp.person_id == person.id, FollowUp.source_key == source_key))
    if found is not None:
        return found
    today = local_today(now)
    insurer_id = insurer_of_district(session, person.district, today)
    if insurer_id is None:
        return None
    follow_up = FollowUp(person_id=person.id, insurer_id=insurer_id, provider_id=provider_on(session, person.id, today),
                         origin=origin.value, source_key=source_key, complaint_id=complaint_id, draw_id=draw_id,
                         listed_on=today, due_on=due_on, assigned_to=least_loaded(session, insurer_id),
                         status=Status.OPEN.value, created_at=now)
    session.add(follow_up)
    session.flush()
    write_event(session, follow_up, EventKind.CREATED, actor=actor, now=now, to_user_id=follow_up.assigned_to,
                data={"origin": origin.value, "source": source_key, "due_on": due_on.isoformat()})
    return follow_up


def write_event(session: Session, follow_up: FollowUp, kind: EventKind, *, actor: Actor, now: datetime,
                reason: str | None = None, from_user_id: int | None = None, to_user_id: int | None = None,
                data: dict | None = None) -> FollowUpEvent:
    event = FollowUpEvent(follow_up_id=follow_up.id, kind=kind.value, actor_id=actor.user_id,
                          actor_org_id=actor.org_id, at=now, reason=reason, from_user_id=from_user_id,
                          to_user_id=to_user_id, data=data or {})
    session.add(event)
    session.flush()
    return event


def new_grants(session: Session, since: date, until: date) -> list[tuple[Entitlement, date]]:
    """Each first entitlement granted by a review in ``[since, until]`` (local dates of the grant),
    with its grant date."""
    earlier = aliased(Entitlement)
    first = ~select(earlier.id).where(earlier.person_id == Entitlement.person_id, earlier.live_filter(),
                                      earlier.id < Entitlement.id).exists()
    rows = session.scalars(select(Entitlement).where(
        Entitlement.origin == EntitlementOrigin.REVIEW.value, Entitlement.live_filter(), first,
        Entitlement.created_at >= _start_of(since), Entitlement.created_at < _start_of(until + timedelta(days=1)))
        .order_by(Entitlement.id))
    return [(e, local_today(e.created_at)) for e in rows]


def _start_of(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), LOCAL_TZ)


def feed_new_grants(session: Session, *, today: date, actor: Actor, now: datetime) -> int:
    """List every new beneficiary granted within the policy's days before ``today`` (catch-up safe),
    due that many days after the grant. Returns how many were listed now."""
    days = followup_policy(session, today).new_grant_days
    listed = 0
    for entitlement, granted_on in new_grants(session, today - timedelta(days=days), today):
        key = f"grant:{entitlement.id}"
        exists = session.scalar(select(FollowUp.id).where(FollowUp.person_id == entitlement.person_id,
                                                          FollowUp.source_key == key))
        if exists is None and list_follow_up(
                session, session.get(InsuredPerson, entitlement.person_id), origin=Origin.NEW_GRANT, source_key=key,
                due_on=granted_on + timedelta(days=days), actor=actor, now=now) is not None:
            listed += 1
    return listed
