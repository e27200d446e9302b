"""`flask --app ltc deposits clear --year YYYY [--provider USCC] [--dry-run]`: the year-end clearing of
quality deposits from the command line (SPEC §7.3), one transaction per provider, with progress."""
import click
from flask.cli import AppGroup
from sqlalchemy import select

from ltc.billing.deposits import clearing
from ltc.core.audit import SYSTEM
from ltc.core.clock import utcnow
from ltc.core.errors import DomainError
from ltc.extensions import db
from ltc.orgs.models import Organisation
from ltc.web.messages import error_words

deposits = AppGroup("deposits", help="Quality deposits (质量保证金).")


def _pairs(year: int, uscc: str | None) -> list[tuple[int, int]]:
    if uscc is None:
        return [pair for pair in clearing.years_to_clear(db.session, year + 1) if pair[1] == year]
    provider = db.session.scalars(select(Organisation).where(Organisation.uscc == uscc.upper())).first()
    if provider is None:
        raise click.ClickException(f"no organisation {uscc}")
    return [(provider.id, year)]


@deposits.command("clear")
@click.option("--year", type=int, required=True, help="The year whose deposits are cleared.")
@click.option("--provider", "uscc", help="Only this provider (its unified social credit code).")
@click.option("--dry-run", is_flag=True, help="Report, then roll back.")
def clear_command(year: int, uscc: str | None, dry_run: bool) -> None:
    """Release each provider's deposits of YEAR by its annual star; the rest returns to the fund."""
    pairs, failed = _pairs(year, uscc), 0
    with click.progressbar(pairs, label=f"clearing {year}") as bar:
        for provider_id, _year in bar:
            try:
                done = clearing.clear_year(db.session, provider_id, year, actor=SYSTEM, now=utcnow())
            except DomainError as exc:
                db.session.rollback()
                failed += 1
                click.echo(f"\nprovider {provider_id}: {error_words(exc)}", err=True)
                continue
            click.echo(f"\nprovider {provider_id}: {done.stars}★ released {done.released}, returned {done.returned}")
            db.session.rollback() if dry_run else db.session.commit()
    click.echo(f"{len(pairs) - failed} cleared, {failed} not cleared" + (" (dry run: rolled back)" if dry_run else ""))
