"""What the stay pages read: a provider's stays filtered (current residents first), the providers
with stays in the viewer's scope, and the stays a viewer may open. Every query is scoped."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.auth.scope import scoped
from ltc.core.errors import NotFound
from ltc.core.months import month_bounds
from ltc.orgs.models import Organisation
from ltc.people.finding import person_matches
from ltc.people.ids import normalise_id_number
from ltc.people.models import InsuredPerson
from ltc.providers.kinds import BedCareType
from ltc.providers.records.models import Leave, Stay


@dataclass(frozen=True)
class StayFilters:
    care_type: str | None = None
    month: date | None = None
    status: str | None = None      # in / on_leave / discharged
    q: str = ""


def on_leave(today: date):
    """The stay has a leave running on ``today``."""
    return exists().where(Leave.stay_id == Stay.id, Leave.out_on <= today,
                          or_(Leave.back_on.is_(None), Leave.back_on > today))


def _with_day_in(month: date):
    start, end = month_bounds(month)
    return and_(Stay.admitted_on < end, or_(Stay.discharged_on.is_(None), Stay.discharged_on > start,
                                            and_(Stay.discharged_on == Stay.admitted_on, Stay.admitted_on >= start)))


def search_stays(viewer: User, provider_id: int, filters: StayFilters, *, today: date) -> Select:
    """Rows of (stay, person, on leave today) of one provider in the viewer's scope: current
    residents first, then the latest admissions."""
    leave_now = on_leave(today)
    stmt = (select(Stay, InsuredPerson, leave_now.label("on_leave"))
            .join(InsuredPerson, InsuredPerson.id == Stay.person_id)
            .where(Stay.provider_id == provider_id)
            .order_by(case((Stay.discharged_on.is_(None), 0), else_=1), Stay.admitted_on.desc(), Stay.id.desc()))
    if filters.care_type in set(BedCareType):
        stmt = stmt.where(Stay.care_type == filters.care_type)
    if filters.month is not None:
        stmt = stmt.where(_with_day_in(filters.month))
    if filters.status == "in":
        stmt = stmt.where(Stay.discharged_on.is_(None), ~leave_now)
    elif filters.status == "on_leave":
        stmt = stmt.where(Stay.discharged_on.is_(None), leave_now)
    elif filters.status == "discharged":
        stmt = stmt.where(Stay.discharged_on.is_not(None))
    if filters.q:
        stmt = stmt.where(person_matches(filters.q))
    return scoped(stmt, Stay, viewer)


def providers_with_stays(session: Session, viewer: User) -> list[tuple[int, str, int, int]]:
    """(provider id, name, current residents, stays) of the providers whose stays the viewer sees."""
    current = func.sum(case((Stay.discharged_on.is_(None), 1), else_=0))
    stmt = (select(Organisation.id, Organisation.name, current, func.count(Stay.id))
            .join(Stay, Stay.provider_id == Organisation.id)
            .group_by(Organisation.id, Organisation.name).order_by(Organisation.name, Organisation.id))
    return [(pid, name, int(now or 0), total) for pid, name, now, total in
            session.execute(scoped(stmt, Stay, viewer)).tuples()]


def person_id_of(session: Session, id_number: str | None) -> int:
    """The id of the registered person with this ID number (any spelling), 0 when there is none; the
    services then check that the provider may serve them."""
    found = session.scalar(select(InsuredPerson.id).where(
        InsuredPerson.id_number == normalise_id_number(id_number or ""), InsuredPerson.live_filter()))
    return found or 0


def provider_for(session: Session, viewer: User, provider_id: int) -> Organisation:
    """The provider whose stays the viewer asks for: a provider's staff only their own, the MIA and
    an insurer any provider (their lists show only the stays in their scope). Raises NotFound."""
    provider = session.get(Organisation, provider_id)
    own_only = viewer.org_kind == "provider"
    if provider is None or provider.kind != "provider" or (own_only and provider.id != viewer.org_id):
        raise NotFound("记录不存在或无权访问")
    return provider
