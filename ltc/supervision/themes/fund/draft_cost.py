"""What a draft policy version would cost (issue 13: fund impact before publishing).

The MIA admin asks for it from the draft-cost page (``request_draft_cost``); the scheduler process runs the
on-demand job ``draft_policy_cost`` per provider (``cost_units`` / ``cost_unit``): a unit reads the
provider's service month as a settlement generation does (``ltc.billing.reader.provider_month_input``:
records, entitlements, findings, terms) and prices it twice with billing's own ``price_month`` — under
the published version(s) in force over the month, and under the draft's billing section for the whole
month — then replaces the provider's rows of the run (``DraftCost``). The records' findings are those of
the rules in force (a draft's rule parameters are not replayed); nothing of the settlements is written.
"""
from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.billing.generation import providers_of_month
from ltc.billing.policy import SECTION as BILLING
from ltc.billing.policy import BillingPolicy
from ltc.billing.pricing import BillingTimeline, BillingVersion, price_month
from ltc.billing.reader import provider_month_input
from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.clock import local_today
from ltc.core.errors import Conflict, Forbidden, NotFound
from ltc.core.months import add_months, first_of_month, first_of_next_month
from ltc.people.models import InsuredPerson
from ltc.policy.models import PolicyStatus, PolicyVersion
from ltc.policy.schema import parse_section
from ltc.scheduler.models import JobRun, RunStatus
from ltc.supervision.themes.fund.draft_models import DraftCost, DraftCostRun

JOB = "draft_policy_cost"
BUSY = (RunStatus.QUEUED, RunStatus.RUNNING)


def may_request(user: User) -> bool:
    return user.org_kind == "mia" and user.has_role("admin")


def draft_billing(raw: dict) -> BillingPolicy:
    """A draft's billing section, parsed. Raises ValidationFailed (the draft is not valid yet)."""
    return parse_section(BILLING, raw)


def latest_run(session: Session, version_id: int) -> tuple[DraftCostRun, JobRun] | None:
    row = session.execute(select(DraftCostRun, JobRun).join(JobRun, JobRun.id == DraftCostRun.run_id)
                          .where(DraftCostRun.version_id == version_id).order_by(DraftCostRun.id.desc())
                          .limit(1)).first()
    return None if row is None else (row[0], row[1])


def request_draft_cost(session: Session, version_id: int, *, user: User, actor: Actor, now: datetime) -> DraftCostRun:
    """Queue the costing of last month's records under draft ``version_id``. Raises Forbidden (not the MIA's
    admin), NotFound, Conflict (not a draft; a costing of it already waiting or running), ValidationFailed
    (its billing section is not valid)."""
    if not may_request(user):
        raise Forbidden("只有医保部门管理员可以测算政策草案")
    version = session.scalar(select(PolicyVersion).where(PolicyVersion.id == version_id).with_for_update())
    if version is None:
        raise NotFound("没有这个政策版本")
    if version.status != PolicyStatus.DRAFT.value:
        raise Conflict("只能测算草稿状态的政策版本", {"status": version.status})
    billing = version.sections.get(BILLING, {})
    draft_billing(billing)
    current = latest_run(session, version_id)
    if current is not None and current[1].status in BUSY:
        raise Conflict("该草案的测算已在排队或处理中，请等待完成", {"run": "busy"})
    from ltc.scheduler.queue import queue_new_run
    from ltc.scheduler.registry import ON_DEMAND_JOBS, get_job

    run = queue_new_run(session, get_job(JOB, ON_DEMAND_JOBS), actor=actor, now=now)
    month = add_months(first_of_month(local_today(now)), -1)
    cost_run = DraftCostRun(version_id=version_id, month=month, run_id=run.id, billing=billing,
                            requested_by=user.id, requested_at=now)
    session.add(cost_run)
    session.flush()
    audit.record(session, actor, "cost", "policy_version", version_id, now=now,
                 after={"month": month, "run_id": run.id})
    return cost_run


# --- the job -------------------------------------------------------------------------------------------

def cost_units(session: Session, *, due_at: datetime, run_id: int) -> list[str]:
    """``cost run id:provider id`` of every provider with records or entitlements in the run's month."""
    cost_run = session.scalar(select(DraftCostRun).where(DraftCostRun.run_id == run_id))
    if cost_run is None:
        return []
    return [f"{cost_run.id}:{provider_id}" for provider_id in providers_of_month(session, cost_run.month)]


def cost_unit(session: Session, unit: str, *, now: datetime, due_at: datetime) -> dict[str, int]:
    """Price one provider's month under the versions in force and under the draft; replace its rows."""
    cost_run_id, provider_id = (int(part) for part in unit.split(":"))
    cost_run = session.get(DraftCostRun, cost_run_id)
    draft = draft_billing(cost_run.billing)
    rows = provider_costs(session, provider_id, cost_run.month, draft, as_of=now)
    session.execute(delete(DraftCost).where(DraftCost.cost_run_id == cost_run_id,
                                            DraftCost.provider_id == provider_id))
    session.add_all(DraftCost(cost_run_id=cost_run_id, provider_id=provider_id, district=district,
                              care_type=care_type, level=level, fund_in_force=in_force, fund_draft=under_draft)
                    for (district, care_type, level), (in_force, under_draft) in sorted(rows.items(), key=str))
    session.flush()
    return {"rows": len(rows)}


def provider_costs(session: Session, provider_id: int, month: date, draft: BillingPolicy, *,
                   as_of: datetime) -> dict[tuple, tuple[Decimal, Decimal]]:
    """(district, care type, level) → (fund in force, fund under ``draft``) of the provider's month."""
    data = provider_month_input(session, provider_id, month, as_of=as_of)
    draft_timeline = BillingTimeline((BillingVersion(month, first_of_next_month(month), draft),))
    in_force = price_month(data.pricing).rows
    under_draft = price_month(replace(data.pricing, timeline=draft_timeline)).rows
    persons = {row.beneficiary_id for row in (*in_force, *under_draft)}
    districts = dict(session.execute(select(InsuredPerson.id, InsuredPerson.district)
                                     .where(InsuredPerson.id.in_(persons))).tuples().all())
    out: dict[tuple, list[Decimal]] = defaultdict(lambda: [Decimal("0.00"), Decimal("0.00")])
    for index, rows in enumerate((in_force, under_draft)):
        for row in rows:
            if row.provider_id == provider_id:
                out[(districts.get(row.beneficiary_id), row.care_type, row.level)][index] += row.fund
    return {key: (a, b) for key, (a, b) in out.items()}
