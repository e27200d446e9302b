"""Settlement jobs (SPEC §9), per-unit: each provider in its own transaction, so an interrupted or
partly failed run resumes with the providers not done.

* ``generate_settlements`` (REF day 1, 02:00): the regular settlements of the month before the due
  time's month (a catch-up run on day 3 still settles the previous month; the scheduler's catch-up
  runs each missed month of the last three, oldest first), for every provider with records or
  entitlements in it.
* ``settlement_regeneration`` (queued from the provider's settlement page): one provider-month.
* ``settlement_generation_provider``: one provider-month asked for on the command line (``--provider``),
  its one unit listed when the run is recorded (``command_runs.record_provider_run``); the whole month asked for on the
  command line runs ``generate_settlements`` itself for the month's due time, so the
  command and the schedule share one run, its progress and its resume.
* ``on_months_rescanned``: after the nightly scan re-checked a provider's months, their drafts are
  regenerated and the months already submitted re-evaluated (± adjustments, SPEC §7.3).
"""
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.billing import reevaluation
from ltc.billing.generation import generate_settlement, next_draft, providers_of_month, regular_settlement
from ltc.billing.kinds import GENERATE_JOB, PROVIDER_JOB, REGENERATE_JOB, RevisionSource, SettlementStatus
from ltc.billing.memory import fewer_collections
from ltc.billing.models import Settlement
from ltc.compliance.events import MonthsRescanned
from ltc.core.audit import SYSTEM, Actor
from ltc.billing.command_runs import generation_source
from ltc.core.clock import to_local
from ltc.core.months import add_months, first_of_month

__all__ = ["GENERATE_JOB", "PROVIDER_JOB", "REGENERATE_JOB", "generate_unit", "on_months_rescanned",
           "provider_units", "regenerate_unit", "regenerate_units", "settlement_units"]

def settlement_month(due_at: datetime) -> date:
    """The service month a run due at ``due_at`` settles: the month before the due date's."""
    return add_months(first_of_month(to_local(due_at).date()), -1)


def settlement_units(session: Session, *, due_at: datetime) -> list[str]:
    return [str(i) for i in providers_of_month(session, settlement_month(due_at))]


def generate_unit(session: Session, unit: str, *, now: datetime, due_at: datetime) -> dict[str, int]:
    with fewer_collections():
        outcome = generate_settlement(session, int(unit), settlement_month(due_at), actor=SYSTEM, now=now,
                                      as_of=due_at, source=generation_source())
    return outcome.counts()


# --- one provider-month from the command line ------------------------------------------------------

def provider_units(session: Session, *, due_at: datetime, run_id: int) -> list[str]:
    """The units ``command_runs.record_provider_run`` listed (the runner lists a run's units only when it has none)."""
    from ltc.scheduler.models import JobRunUnit

    return list(session.scalars(select(JobRunUnit.unit_key).where(JobRunUnit.run_id == run_id)
                                .order_by(JobRunUnit.id)))


# --- the provider's queued regeneration ------------------------------------------------------------

def regenerate_units(session: Session, *, due_at: datetime, run_id: int) -> list[str]:
    """``settlement id:user id`` of the settlement whose regeneration is the run."""
    settlement = session.scalar(select(Settlement).where(Settlement.regeneration_run_id == run_id))
    if settlement is None:
        return []
    from ltc.scheduler.models import JobRun
    asked_by = session.scalar(select(JobRun.triggered_by_id).where(JobRun.id == run_id))
    return [f"{settlement.id}:{asked_by or ''}"]


def regenerate_unit(session: Session, unit: str, *, now: datetime, due_at: datetime) -> dict[str, int]:
    settlement_id, user_id = unit.split(":")
    settlement = session.get(Settlement, int(settlement_id))
    actor = Actor(int(user_id) if user_id else None, settlement.provider_id, "provider")
    with fewer_collections():
        outcome = generate_settlement(session, settlement.provider_id, settlement.month, actor=actor, now=now,
                                      source=RevisionSource.PROVIDER)
    return outcome.counts()


# --- after the nightly scan -------------------------------------------------------------------

def on_months_rescanned(session: Session, event: MonthsRescanned) -> None:
    """Regenerate the provider's drafts of the rescanned months; re-evaluate the submitted ones
    (the months of the re-check window only: the scan reads no older). Adjustments raised are booked
    at once into the provider's next draft (regenerated); without one, the next generation creates it."""
    corrected = []
    for month in event.months:
        settlement = regular_settlement(session, event.provider_id, month)
        if settlement is None:
            continue
        if settlement.status == SettlementStatus.DRAFT.value:
            generate_settlement(session, event.provider_id, month, actor=SYSTEM, now=event.now, as_of=event.due_at,
                                source=RevisionSource.NIGHTLY)
        elif reevaluation.reevaluate_month(session, settlement, actor=SYSTEM, now=event.now, as_of=event.due_at):
            corrected.append(month)
    draft = next_draft(session, event.provider_id, min(corrected)) if corrected else None
    if draft is not None:
        generate_settlement(session, event.provider_id, draft.month, actor=SYSTEM, now=event.now,
                            as_of=event.due_at, source=RevisionSource.NIGHTLY)
