"""The money jobs and commands (SPEC §9): the year-end clearing per provider-year and the family
allowance list per provider, each derived from the due time, idempotent; their commands."""
from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import select

from ltc.billing.deposits import jobs as deposit_jobs, services as deposits
from ltc.billing.deposits.models import DepositClearing
from ltc.billing.family import jobs as family_jobs
from ltc.billing.family.models import FamilyAllowanceLine
from ltc.core.audit import SYSTEM
from tests.builders import uscc, world
from tests.deposit_builders import NOW, annual_star, settlement
from tests.family_builders import family_month
from tests.settlement_builders import provider as district_provider

FEB_2027 = datetime(2027, 2, 3, 22, 0, tzinfo=timezone.utc)      # 4 February 06:00 in Shanghai
JULY_1 = datetime(2026, 6, 30, 19, 0, tzinfo=timezone.utc)       # 1 July 03:00 in Shanghai


def _cleared_provider(session, n: int = 91):
    found = district_provider(session, n, care_type="home", grade="home_care", name="年终清算机构")
    row = settlement(session, found, date(2026, 12, 1), "1000.00")
    deposits.book_net(session, row, actor=SYSTEM, now=NOW)
    row.status = "paid"
    annual_star(session, found, 2026, 3)
    return found


def test_the_clearing_job_clears_last_years_ready_providers_once(session):
    found = _cleared_provider(session)
    units = deposit_jobs.years_to_clear(session, due_at=FEB_2027)
    assert units == [f"{found.id}:2026"]
    counts = deposit_jobs.clear_unit(session, units[0], now=FEB_2027, due_at=FEB_2027)
    assert counts == {"cleared": 1, "released_cents": 7000, "returned_cents": 3000}
    assert deposit_jobs.years_to_clear(session, due_at=FEB_2027) == []


def test_the_clearing_command_reports_each_provider(app, session):
    found = _cleared_provider(session)
    session.commit()
    result = app.test_cli_runner().invoke(args=["deposits", "clear", "--year", "2026", "--provider", uscc(91)])
    assert result.exit_code == 0, result.output
    assert "released 70.00, returned 30.00" in result.output and "1 cleared, 0 not cleared" in result.output
    assert session.scalars(select(DepositClearing.released).where(DepositClearing.provider_id == found.id)).one() == \
        Decimal("70.00")


def test_the_family_job_builds_last_months_list_per_provider(session):
    world(session)
    f = family_month(session)
    assert family_jobs.family_providers(session, due_at=JULY_1) == [str(f.provider.id)]
    counts = family_jobs.allowance_unit(session, str(f.provider.id), now=JULY_1, due_at=JULY_1)
    assert counts == {"payable": 2, "held": 1, "removed": 0}
    assert family_jobs.allowance_unit(session, str(f.provider.id), now=JULY_1, due_at=JULY_1) == counts
    assert len(session.scalars(select(FamilyAllowanceLine)).all()) == 3


def test_the_family_command_builds_a_month(app, session):
    world(session)
    family_month(session)
    session.commit()
    result = app.test_cli_runner().invoke(args=["family-allowances", "generate", "--month", "2026-06"])
    assert result.exit_code == 0, result.output
    assert "payable 2, held 1, removed 0" in result.output
    bad = app.test_cli_runner().invoke(args=["family-allowances", "generate", "--month", "June"])
    assert bad.exit_code != 0 and "YYYY-MM" in bad.output
