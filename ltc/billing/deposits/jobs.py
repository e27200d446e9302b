"""Year-end clearing of quality deposits as a per-unit scheduler job (SPEC §7.3, §9).

Units are ``provider:year`` pairs whose year is over, whose settlements of that year are all paid
and whose annual star is set, not cleared yet (``clearing.years_to_clear``); each is cleared in its
own transaction. Idempotent: a cleared year is no unit any more, and clearing it again changes nothing.
"""
from datetime import datetime

from sqlalchemy.orm import Session

from ltc.billing.deposits import clearing
from ltc.core.audit import SYSTEM
from ltc.core.clock import to_local


def years_to_clear(session: Session, *, due_at: datetime) -> list[str]:
    return [f"{p}:{y}" for p, y in clearing.years_to_clear(session, to_local(due_at).year)]


def clear_unit(session: Session, unit: str, *, now: datetime, due_at: datetime) -> dict[str, int]:
    provider_id, year = (int(part) for part in unit.split(":"))
    done = clearing.clear_year(session, provider_id, year, actor=SYSTEM, now=now)
    return {"cleared": 1, "released_cents": int(done.released * 100), "returned_cents": int(done.returned * 100)}
