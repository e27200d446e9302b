"""The audit's random sample of beneficiaries (SPEC §7.3): max(minimum, ⌈rate × beneficiaries⌉) of the
persons the settlement's lines name (all of them when fewer), the rate by the provider's monthly star
in force on the 1st of M+1; the seed is stored, so ``draw(persons, size, seed)`` reproduces the sample."""
import math
import random
import secrets
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.billing.models import Settlement
from ltc.billing.review.kinds import ReviewAction
from ltc.billing.review.models import SettlementSample
from ltc.billing.review.policy import SettlementReviewPolicy
from ltc.billing.review.records import beneficiaries
from ltc.billing.review.stars import monthly_star_on
from ltc.billing.review.trail import write_event
from ltc.billing.review.workflow import at_step, audit_row, ensure_owner
from ltc.core.audit import Actor
from ltc.core.errors import Conflict
from ltc.core.months import first_of_next_month
from ltc.policy.services import policy_on


def sample_size(rate: Decimal, persons: int, minimum: int) -> int:
    """max(minimum, ⌈rate × persons⌉), never more than the persons there are."""
    return min(persons, max(minimum, math.ceil(rate * persons)))


def draw(persons: list[int], size: int, seed: int) -> list[int]:
    """The persons drawn by ``seed`` (deterministic: the same ids, size and seed give the same sample)."""
    return sorted(random.Random(seed).sample(sorted(persons), size))


def draw_sample(session: Session, settlement: Settlement, *, actor: Actor, now: datetime,
                seed: int | None = None) -> list[int]:
    """Draw and store the settlement's sample (once; the insurer at the audit step). Returns the person ids.
    Raises Conflict when it was drawn already."""
    case = at_step(session, settlement, "audit")
    ensure_owner(session, case, actor)
    row = audit_row(session, settlement)
    if row.sample_seed is not None:
        raise Conflict("本结算的抽查样本已抽取", {"sample": "already drawn"})
    first = first_of_next_month(settlement.month)
    star = monthly_star_on(session, settlement.provider_id, first)
    policy = policy_on(session, first).section(SettlementReviewPolicy)
    persons = beneficiaries(session, settlement)
    rate = policy.sample_rate(star)
    size = sample_size(rate, len(persons), policy.sample_minimum)
    seed = secrets.randbits(62) if seed is None else seed
    chosen = draw(persons, size, seed)
    row.star, row.sample_rate, row.beneficiaries, row.sample_size = star, rate, len(persons), size
    row.sample_seed, row.sampled_at = seed, now
    for person_id in chosen:
        session.add(SettlementSample(settlement_id=settlement.id, person_id=person_id))
    write_event(session, settlement, ReviewAction.SAMPLE_DRAWN, actor=actor, now=now,
                data={"star": star, "rate": rate, "beneficiaries": len(persons), "size": size, "seed": seed,
                      "persons": chosen})
    session.flush()
    return chosen


def sampled_persons(session: Session, settlement: Settlement) -> list[int]:
    return list(session.scalars(select(SettlementSample.person_id).where(
        SettlementSample.settlement_id == settlement.id).order_by(SettlementSample.person_id)))


def redraw(session: Session, settlement: Settlement) -> list[int]:
    """The sample the stored seed gives over the settlement's beneficiaries (equals the stored one)."""
    row = audit_row(session, settlement)
    return draw(beneficiaries(session, settlement), row.sample_size, row.sample_seed)
