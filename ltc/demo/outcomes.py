"""Demo entitlements that ended early (SPEC §2, §4.2), made by the real services.

- **Voided**: a level-5 application filed by the home-care agency ``provider`` walks to its final
  conclusion and through the four-party review; the home-care entitlement it grants starts on
  the 1st of the month after the conclusion month. The person's death, on a day before that
  start, is then recorded: the entitlement is void (reason ``death``) and the provider gets the
  termination notice (TRM).
- **Ended by a lower conclusion**: a level-4 home-care entitlement granted through the review
  some eight months ago; the person is reassessed on the insurer's order after a follow-up
  visit; the reassessment concludes at level 2, below the threshold, and is final when its
  objection window closes. The daily job records it final, which ends the entitlement on the
  1st of the month after (reason ``reassessed``) with a termination notice.

Persons after the review demo's are used.
"""
import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.assessment.applications.services import conclusion
from ltc.auth.models import User
from ltc.core.audit import SYSTEM
from ltc.core.clock import local_today
from ltc.demo.applications import Cast, Plan, walk, working_days_back
from ltc.demo.reviews import VISITS, _advance, _persons
from ltc.entitlements.models import Entitlement, EntitlementRequest
from ltc.people.models import InsuredPerson
from ltc.people.services import record_death
from ltc.providers.catalogue import services as catalogue_services
from ltc.providers.care_plans.services import save_plan
from ltc.reviews.models import ReviewCase

log = logging.getLogger(__name__)

PERSON_OFFSET, PERSON_COUNT = 60, 2
USERNAMES = ("insurer", "provider", "agency", "agency2", "mia", "assessor1", "assessor2", "assessor3", "assessor4",
             "assessor5", "assessor6")
RECENT = Plan(filed=19, accepted=18, dispatched=17, scheduled=16, visit=14, assessed=True, confirmed=13)
LONG_AGO = Plan(filed=179, accepted=178, dispatched=177, scheduled=176, visit=174, assessed=True, confirmed=173)


def load_outcomes(session: Session, *, now: datetime) -> int:
    """The voided entitlement and the one a lower conclusion ended, unless either person already
    has an entitlement (idempotent). Needs the demo city and at least ``PERSON_OFFSET +
    PERSON_COUNT`` demo persons. Returns how many entitlements were ended early."""
    persons = _persons(session, PERSON_OFFSET, PERSON_COUNT)
    users = {u.username: u for u in session.scalars(select(User).where(User.username.in_(USERNAMES)))}
    if len(users) < len(USERNAMES) or len(persons) < PERSON_COUNT:
        log.warning("demo outcomes skipped: demo users or persons %d–%d are missing",
                    PERSON_OFFSET, PERSON_OFFSET + PERSON_COUNT)
        return 0
    if session.scalar(select(Entitlement.id).where(Entitlement.person_id.in_([p.id for p in persons])).limit(1)):
        return 0
    catalogue_services.load_catalogue(session, catalogue_services.read_catalogue_csv(), actor=SYSTEM, now=now)
    c = Cast(session=session, now=now, days=working_days_back(session, local_today(now), LONG_AGO.filed), users=users,
             persons=persons)
    voided = _voided(c)
    lowered = _lowered(c)
    return sum(e is not None for e in (voided, lowered))


def _granted(c: Cast, plan: Plan, *, level: int, seed: int) -> Entitlement | None:
    """A home-care entitlement granted through the four-party review: the conclusion is final
    after its publicity (the daily job seven working days after the confirmation), the provider
    drafts the care plan the next day and the four parties approve two days later."""
    app = walk(c, plan, level=level, by="provider", seed=seed)
    final = plan.confirmed - 7
    conclusion.record_finality(c.session, today=c.day(final), actor=SYSTEM, now=c.at(final, 0, 30))
    request = c.session.scalar(select(EntitlementRequest).where(EntitlementRequest.application_id == app.id))
    if request is None or request.case_id is None:
        log.warning("demo outcomes: no review case was opened for application %d", app.id)
        return None
    save_plan(c.session, person_id=request.person_id, provider_id=request.provider_id, care_type=request.care_type,
              level=request.level, visit_types=VISITS, actor=c.actor("provider"), now=c.at(final - 1, 10),
              note="首次护理计划")
    _advance(c, c.session.get(ReviewCase, request.case_id), "done", c.at(final - 3, 9))
    return c.session.scalar(select(Entitlement).where(Entitlement.application_id == app.id))


def _voided(c: Cast) -> Entitlement | None:
    """The person dies before the entitlement granted last week starts (reported a day later): void."""
    entitlement = _granted(c, RECENT, level=5, seed=60)
    if entitlement is None:
        return None
    died_on = min(c.day(2), entitlement.valid_from - timedelta(days=1))
    record_death(c.session, c.session.get(InsuredPerson, entitlement.person_id), death_date=died_on,
                 actor=c.actor("mia"), now=c.at(1, 10))
    return entitlement


def _lowered(c: Cast) -> Entitlement | None:
    """A level-4 entitlement granted some eight months ago; a follow-up visit finds the person
    better and the reassessment the insurer orders concludes at level 2: final after its
    objection window (the daily job records it), it ends the entitlement."""
    entitlement = _granted(c, LONG_AGO, level=4, seed=61)
    if entitlement is None:
        return None
    walk(c, RECENT, level=2, seed=62, reassessment=c.session.get(InsuredPerson, entitlement.person_id))
    conclusion.record_finality(c.session, today=c.day(3), actor=SYSTEM, now=c.at(3, 0, 30))
    return entitlement
