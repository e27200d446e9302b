"""`flask --app ltc settlements generate --month YYYY-MM [--provider USCC]`: generate (or regenerate
the drafts of) a month's regular settlements from the command line (SPEC §7.3), recorded as a job run
like the scheduler's (SPEC §9: every run recorded). The whole month runs the monthly job itself for the
month's due time, each provider a unit in its own transaction: the command and the schedule share one run,
its progress and its resume (a failed provider is retried by the next run of either, the others kept).
One provider (``--provider``) is a run of its own on-demand job with that one unit."""
from datetime import date, datetime

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from ltc.billing import command_runs
from ltc.billing.kinds import GENERATE_JOB, PROVIDER_JOB
from ltc.core.clock import to_local, utcnow
from ltc.extensions import db
from ltc.orgs.kinds import OrgKind
from ltc.orgs.models import Organisation
from ltc.scheduler.registry import JOBS, ON_DEMAND_JOBS, get_job
from ltc.scheduler.runner import RunOutcome, run_job
from ltc.scheduler.services import scheduled_jobs

settlements = AppGroup("settlements", help="Monthly settlements (结算).")


def _month(value: str) -> date:
    try:
        return date.fromisoformat(f"{value}-01")
    except ValueError:
        raise click.BadParameter("expected YYYY-MM", param_hint="--month") from None


def _provider(uscc: str) -> int:
    found = db.session.scalar(select(Organisation.id).where(Organisation.uscc == uscc.strip().upper(),
                                                            Organisation.kind == OrgKind.PROVIDER.value))
    if found is None:
        raise click.ClickException(f"no provider with credit code {uscc}")
    return found


def _due_at(month: date, now: datetime) -> datetime:
    """The due time of the monthly run settling ``month`` (the job's time in the policy in force)."""
    [job] = scheduled_jobs(db.session, now, (get_job(GENERATE_JOB, JOBS),))
    due_at = command_runs.month_due_at(month, job.schedule.hour, job.schedule.minute)
    if due_at > now:
        raise click.ClickException(f"the settlements of {month:%Y-%m} are generated from "
                                   f"{to_local(due_at):%Y-%m-%d %H:%M}")
    return due_at


@settlements.command("generate")
@click.option("--month", "month_text", required=True, help="The service month, YYYY-MM.")
@click.option("--provider", "uscc", help="Only this provider (unified social credit code).")
def generate_command(month_text: str, uscc: str | None) -> None:
    """Generate the regular settlements of a month (drafts are regenerated, submitted ones kept)."""
    month, now = _month(month_text), utcnow()
    due_at = _due_at(month, now)
    with command_runs.from_command():
        if uscc is None:
            db.session.commit()  # end the read transaction: the runner commits per unit
            outcome = run_job(db.session, get_job(GENERATE_JOB, JOBS), due_at)
        else:
            run_id = command_runs.record_provider_run(db.session, _provider(uscc), due_at=due_at, now=now)
            db.session.commit()
            outcome = run_job(db.session, get_job(PROVIDER_JOB, ON_DEMAND_JOBS), due_at, queued_run_id=run_id)
    _report(outcome)


def _report(outcome: RunOutcome) -> None:
    counts = outcome.counts or {}
    click.echo(f"run {outcome.run_id}: {outcome.status}; "
               + (", ".join(f"{name} {n}" for name, n in sorted(counts.items())) or "no providers"))
    if outcome.status == "skipped_locked":
        raise click.ClickException("another process is generating these settlements: try again once it ends")
    if outcome.error:
        click.echo(outcome.error, err=True)
    if outcome.status not in ("success", "already_done"):
        raise click.ClickException(f"the run ended {outcome.status}")


def register(app: Flask) -> None:
    app.cli.add_command(settlements)
