"""The persons a "not confirmed" follow-up holds (SPEC §7.2, §8), read by billing through
``ltc.billing.holds.register_held_persons`` (registered by ``ltc.ratings.followups.wire``): every
person whose follow-up visit of ``month`` did not confirm the services — all of that person's records
of the month are held for the insurer's review, whichever provider made them."""
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.core.months import first_of_month
from ltc.ratings.followups.models import FollowUp


def held_persons(session: Session, provider_id: int, month: date) -> set[int]:
    return set(session.scalars(select(FollowUp.person_id).where(
        FollowUp.held_month == first_of_month(month), FollowUp.confirmed.is_(False))))
