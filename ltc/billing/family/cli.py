"""`flask --app ltc family-allowances generate --month YYYY-MM [--dry-run]`: the family-care allowance
payment list of a month from the command line (SPEC §7.3), one transaction per provider, with progress."""
from datetime import date, datetime

import click
from flask.cli import AppGroup

from ltc.billing.family import services
from ltc.core.clock import local_today, utcnow
from ltc.extensions import db

family = AppGroup("family-allowances", help="Family-care allowance payment lists (亲情照护补贴).")


@family.command("generate")
@click.option("--month", required=True, help="The service month, YYYY-MM.")
@click.option("--dry-run", is_flag=True, help="Report, then roll back.")
def generate_command(month: str, dry_run: bool) -> None:
    """Price each family provider's MONTH and refresh its beneficiaries' allowance lines."""
    try:
        first = datetime.strptime(month, "%Y-%m").date().replace(day=1)
    except ValueError:
        raise click.BadParameter("expected YYYY-MM", param_hint="--month") from None
    total = services.Refreshed()
    providers = services.family_providers(db.session, first)
    with click.progressbar(providers, label=f"allowances {month}") as bar:
        for provider_id in bar:
            done = _one(provider_id, first)
            total.payable, total.held, total.removed = (total.payable + done.payable, total.held + done.held,
                                                        total.removed + done.removed)
            db.session.rollback() if dry_run else db.session.commit()
    click.echo("payable {payable}, held {held}, removed {removed}".format(**total.counts())
               + (" (dry run: rolled back)" if dry_run else ""))


def _one(provider_id: int, month: date) -> services.Refreshed:
    now = utcnow()
    allowances = services.allowances_for(db.session, provider_id, month, as_of=now)
    return services.refresh_provider_month(db.session, provider_id, month, allowances, today=local_today(now),
                                           now=now)
