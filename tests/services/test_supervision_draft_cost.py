"""What a draft policy version would cost: the MIA admin queues a costing of last month's records, the
scheduler prices it per provider under the version in force and under the draft (billing's own pricing),
a unit replaces its rows (idempotent), a failed unit is retried alone (resumable), and the figure shows
the latest completed costing per draft, within an insurer's districts."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from ltc.auth.services import actor_of
from ltc.core.errors import Conflict, Forbidden, ValidationFailed
from ltc.policy.models import PolicyVersion
from ltc.scheduler.models import JobRunUnit
from ltc.scheduler.queue import retry_unit, run_queued
from ltc.scheduler.registry import ON_DEMAND_JOBS
from ltc.supervision.figures import Audience, Filters, Viewer
from ltc.supervision.themes.fund import draft_cost, draft_figure
from ltc.supervision.themes.fund.draft_models import DraftCost, DraftCostRun
from tests import builders
from tests.settlement_builders import example_special
from tests.supervision_builders import special_quota_draft

ASKED = datetime(2026, 2, 3, 2, 0, tzinfo=timezone.utc)      # February: last month is January
JAN = date(2026, 1, 1)
ANY = Filters(JAN, JAN)


@pytest.fixture
def draft(session, world):
    version = special_quota_draft(session)
    return version


def _ask(session, world, version, who="mia_admin"):
    user = world.users[who]
    return draft_cost.request_draft_cost(session, version.id, user=user, actor=actor_of(user), now=ASKED)


def test_last_months_records_are_priced_under_the_draft_next_to_the_version_in_force(session, world, draft):
    hospital, _ = example_special(session)          # SPEC §7.2 example 1: 31 × 220 × 90 % = 6138.00
    cost_run = _ask(session, world, draft)
    assert cost_run.month == JAN
    [run] = run_queued(session, ON_DEMAND_JOBS)
    assert run.status == "success"
    rows = session.execute(select(DraftCost.provider_id, DraftCost.district, DraftCost.care_type, DraftCost.level,
                                  DraftCost.fund_in_force, DraftCost.fund_draft)).all()
    assert rows == [(hospital.id, "东城区", "special", 5, Decimal("6138.00"), Decimal("6696.00"))]   # 31 × 240 × 90 %
    data = draft_figure.FIGURES[0].compute(session, Viewer(Audience.MIA), ANY)
    assert [list(r) for r in data.rows] == [["special", "2 提高专护定额", JAN, Decimal("6138.00"), Decimal("6696.00"),
                                             Decimal("558.00")]]
    # the insurer of 东城区 sees it, another insurer does not
    assert len(draft_figure.FIGURES[0].compute(session, Viewer(Audience.INSURER, world.insurer.id), ANY).rows) == 1
    other = builders.org(session, "insurer", "南区保险公司", 90, districts=["南区"])
    assert draft_figure.FIGURES[0].compute(session, Viewer(Audience.INSURER, other.id), ANY).rows == ()
    assert draft_figure.FIGURES[0].compute(session, Viewer(Audience.MIA), Filters(JAN, JAN, level=4)).rows == ()


def test_a_unit_replaces_its_rows_and_a_failed_unit_is_retried_alone(session, world, draft, monkeypatch):
    hospital, _ = example_special(session)
    cost_run = _ask(session, world, draft)
    real = draft_cost.provider_costs
    monkeypatch.setattr(draft_cost, "provider_costs", lambda *a, **k: 1 / 0)
    [run] = run_queued(session, ON_DEMAND_JOBS)
    assert run.status != "success" and session.scalar(select(func.count()).select_from(DraftCost)) == 0
    assert draft_figure.latest_completed_runs(session) == []       # an unfinished costing is not shown
    monkeypatch.setattr(draft_cost, "provider_costs", real)
    failed = session.scalar(select(JobRunUnit).where(JobRunUnit.run_id == cost_run.run_id))
    assert failed.unit_key == f"{cost_run.id}:{hospital.id}"
    retry_unit(session, failed.id, actor=actor_of(world.users["mia_admin"]), now=ASKED)
    [again] = run_queued(session, ON_DEMAND_JOBS)
    assert again.status == "success"
    draft_cost.cost_unit(session, failed.unit_key, now=ASKED, due_at=ASKED)       # run once more: no double rows
    assert session.scalar(select(func.count()).select_from(DraftCost)) == 1
    assert [v.number for v, _ in draft_figure.latest_completed_runs(session)] == [2]


def test_only_the_mia_admin_costs_only_a_valid_draft_and_one_costing_at_a_time(session, world, draft):
    for who in ("mia_op", "ins_admin", "pr_admin"):
        with pytest.raises(Forbidden):
            _ask(session, world, draft, who)
    ref = session.scalar(select(PolicyVersion).where(PolicyVersion.number == 1))
    with pytest.raises(Conflict):
        _ask(session, world, ref)
    _ask(session, world, draft)
    with pytest.raises(Conflict):
        _ask(session, world, draft)
    broken = PolicyVersion(number=3, name="未填完", status="draft", sections={"billing": {}})
    session.add(broken)
    session.flush()
    with pytest.raises(ValidationFailed):
        _ask(session, world, broken)
    assert session.scalar(select(func.count()).select_from(DraftCostRun)) == 1
