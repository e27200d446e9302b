"""Follow-ups and complaints for the ratings tests: beneficiaries of the world's provider in the world
insurer's district (东城区), a second insurer with its own district (朝阳区) and its staff, and the
moments the tests act at (June–July 2026, Shanghai time)."""
from datetime import date, datetime, timezone

from ltc.auth.services import actor_of
from ltc.ratings.followups.feeding import list_follow_up
from ltc.ratings.followups.kinds import Origin
from ltc.ratings.followups.recording import FollowUpRecord
from tests.builders import org, user
from tests.entitlement_builders import conclusion, grant
from tests.people_builders import person

JUNE_10 = datetime(2026, 6, 10, 2, 0, tzinfo=timezone.utc)       # 10 June, 10:00 in Shanghai
JUNE_20 = datetime(2026, 6, 20, 2, 0, tzinfo=timezone.utc)


def actor(world, username: str):
    return actor_of(world.users[username])


def beneficiary(session, world, n: int, *, district: str = "东城区", provider=None, starts_on=date(2026, 1, 1),
                now=datetime(2025, 12, 15, 2, 0, tzinfo=timezone.utc), care_type: str = "home"):
    """A person of ``district`` with a level-4 ``care_type`` entitlement at the world's provider, granted at ``now``."""
    someone = person(session, n, name=f"参保人{n}", district=district, valid_from=date(2025, 1, 1))
    concluded = conclusion(session, someone, concluded_on=date(2025, 11, 20), level=4)
    grant(session, someone, provider or world.provider, care_type=care_type, conclusion_of=concluded,
          starts_on=starts_on, level=4, now=now)
    return someone


def other_insurer(session, world):
    """A second insurer holding 朝阳区, with an operator ``ins9_op`` and an admin ``ins9_admin``."""
    insurer = org(session, "insurer", "第二承办公司", 9, districts=["朝阳区"])
    world.users["ins9_op"] = user(session, insurer, "ins9_op", "operator")
    world.users["ins9_admin"] = user(session, insurer, "ins9_admin", "admin")
    return insurer


def listed(session, someone, *, key: str = "sample:2026-06", now=JUNE_10, due_on=date(2026, 6, 30),
           origin: Origin = Origin.MONTHLY_SAMPLE):
    from ltc.core.audit import SYSTEM

    return list_follow_up(session, someone, origin=origin, source_key=key, due_on=due_on, actor=SYSTEM, now=now)


def visit_record(*, visited_on=date(2026, 6, 20), confirmed: bool = True, overall: int = 4, **kw) -> FollowUpRecord:
    values = {"channel": "phone", "attitude": 5, "punctuality": 4, "skill": 4, "findings": "", **kw}
    return FollowUpRecord(visited_on=visited_on, overall=overall, confirmed=confirmed, **values)
