"""The monthly follow-up sample (SPEC §8, §9: day 1, 03:00): for each insurer, at least the policy's
share (REF 10 %) of the beneficiaries active on the 1st of the month in its districts, plus the policy's
share of the persons with FLAG findings in the month before. One unit per insurer; the seed is stored
with the draw, so the sample is reproducible, and a draw that exists is never drawn again (idempotent,
resumable). Flushes, never commits."""
import math
import random
import secrets
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.compliance.kinds import Severity
from ltc.compliance.models import Finding
from ltc.core.audit import Actor
from ltc.core.months import add_months, last_of_month
from ltc.core.periods import covering_filter
from ltc.entitlements.models import Entitlement
from ltc.orgs.models import InsurerContract
from ltc.orgs.kinds import OrgKind
from ltc.orgs.models import Organisation
from ltc.people.models import InsuredPerson
from ltc.ratings.followups.feeding import followup_policy, list_follow_up
from ltc.ratings.followups.kinds import Origin
from ltc.ratings.followups.models import FollowUpDraw


def insurers_with_districts(session: Session, month: date) -> list[int]:
    """The insurers with a contract in force on ``month``'s first day."""
    return list(session.scalars(
        select(Organisation.id).join(InsurerContract, InsurerContract.insurer_id == Organisation.id)
        .where(Organisation.kind == OrgKind.INSURER.value, covering_filter(InsurerContract, month))
        .distinct().order_by(Organisation.id)))


def _districts(insurer_id: int, day: date):
    return select(InsurerContract.district).where(InsurerContract.insurer_id == insurer_id,
                                                  covering_filter(InsurerContract, day))


def active_beneficiaries(session: Session, insurer_id: int, month: date) -> list[int]:
    """The persons of the insurer's districts with a live entitlement on ``month``'s first day, by id."""
    return sorted(set(session.scalars(select(Entitlement.person_id).join(
        InsuredPerson, InsuredPerson.id == Entitlement.person_id).where(
        Entitlement.live_filter(), covering_filter(Entitlement, month), InsuredPerson.live_filter(),
        InsuredPerson.district.in_(_districts(insurer_id, month))))))


def flagged_persons(session: Session, insurer_id: int, month: date) -> list[int]:
    """The persons of the insurer's districts with a FLAG finding on a record of the month before."""
    return sorted(set(session.scalars(select(Finding.person_id).join(
        InsuredPerson, InsuredPerson.id == Finding.person_id).where(
        Finding.severity == Severity.FLAG.value, Finding.month == add_months(month, -1),
        InsuredPerson.district.in_(_districts(insurer_id, month))))))


def sample(population: list[int], share, seed: int) -> list[int]:
    """⌈share × n⌉ of ``population`` drawn with ``seed`` (the same seed, the same sample), by id."""
    size = min(len(population), math.ceil(share * len(population)))
    return sorted(random.Random(seed).sample(sorted(population), size))


def draw_month(session: Session, insurer_id: int, month: date, *, actor: Actor, now: datetime,
               seed: int | None = None) -> FollowUpDraw:
    """Draw ``insurer_id``'s sample of ``month`` (first day) and list each person sampled, due the
    month's last day. An existing draw is returned as it is."""
    found = session.scalar(select(FollowUpDraw).where(FollowUpDraw.insurer_id == insurer_id,
                                                      FollowUpDraw.month == month))
    if found is not None:
        return found
    policy = followup_policy(session, month)
    seed = secrets.randbits(31) if seed is None else seed
    active, flagged = active_beneficiaries(session, insurer_id, month), flagged_persons(session, insurer_id, month)
    picked = sample(active, policy.sample_share, seed)
    flag_picked = sample(flagged, policy.flag_sample_share, seed + 1)
    draw = FollowUpDraw(insurer_id=insurer_id, month=month, seed=seed, active=len(active), sampled=len(picked),
                        flagged=len(flagged), flag_sampled=len(flag_picked), drawn_at=now)
    session.add(draw)
    session.flush()
    due, tag = last_of_month(month), month.strftime("%Y-%m")
    for origin, key, persons in ((Origin.MONTHLY_SAMPLE, f"sample:{tag}", picked),
                                 (Origin.FLAG_SAMPLE, f"flag:{tag}", flag_picked)):
        for person_id in persons:
            list_follow_up(session, session.get(InsuredPerson, person_id), origin=origin, source_key=key, due_on=due,
                           actor=actor, now=now, draw_id=draw.id)
    return draw
