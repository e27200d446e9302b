"""The monthly family-care allowance list as a per-unit scheduler job (SPEC §7.3, §9): after the
day-1 settlement run, for the month before the due date, one unit per family provider, each in its
own transaction. Idempotent: a rerun refreshes unpaid lines and changes nothing else."""
from datetime import date, datetime

from sqlalchemy.orm import Session

from ltc.billing.family import services
from ltc.core.clock import to_local
from ltc.core.months import add_months, first_of_month


def _month(due_at: datetime) -> date:
    return add_months(first_of_month(to_local(due_at).date()), -1)


def family_providers(session: Session, *, due_at: datetime) -> list[str]:
    return [str(p) for p in services.family_providers(session, _month(due_at))]


def allowance_unit(session: Session, unit: str, *, now: datetime, due_at: datetime) -> dict[str, int]:
    provider_id, month = int(unit), _month(due_at)
    allowances = services.allowances_for(session, provider_id, month, as_of=due_at)
    done = services.refresh_provider_month(session, provider_id, month, allowances, today=to_local(due_at).date(),
                                           now=now)
    return done.counts()
