"""`flask --app ltc settlements generate --month YYYY-MM [--provider USCC]`: generate (or regenerate
the drafts of) a month's regular settlements from the command line, each provider in its own
transaction, with a progress bar (SPEC §7.3). A provider that fails is reported and the others go on."""
from datetime import date

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from ltc.billing.generation import generate_settlement, providers_of_month
from ltc.billing.kinds import RevisionSource
from ltc.core.audit import SYSTEM
from ltc.core.clock import utcnow
from ltc.core.db import writing
from ltc.extensions import db
from ltc.orgs.kinds import OrgKind
from ltc.orgs.models import Organisation

settlements = AppGroup("settlements", help="Monthly settlements (结算).")


def _month(value: str) -> date:
    try:
        return date.fromisoformat(f"{value}-01")
    except ValueError:
        raise click.BadParameter("expected YYYY-MM", param_hint="--month") from None


def _providers(month: date, uscc: str | None) -> list[int]:
    if uscc is None:
        return providers_of_month(db.session, month)
    found = db.session.scalar(select(Organisation.id).where(Organisation.uscc == uscc.strip().upper(),
                                                            Organisation.kind == OrgKind.PROVIDER.value))
    if found is None:
        raise click.ClickException(f"no provider with credit code {uscc}")
    return [found]


@settlements.command("generate")
@click.option("--month", "month_text", required=True, help="The service month, YYYY-MM.")
@click.option("--provider", "uscc", help="Only this provider (unified social credit code).")
def generate_command(month_text: str, uscc: str | None) -> None:
    """Generate the regular settlements of a month (drafts are regenerated, submitted ones kept)."""
    month = _month(month_text)
    providers = _providers(month, uscc)
    db.session.commit()   # end the read transaction: each provider commits on its own
    counts: dict[str, int] = {}
    failed: list[str] = []
    with writing(), click.progressbar(providers, label=f"settlements {month:%Y-%m}") as bar:
        for provider_id in bar:
            try:
                outcome = generate_settlement(db.session, provider_id, month, actor=SYSTEM, now=utcnow(),
                                              source=RevisionSource.COMMAND)
                db.session.commit()
                counts[outcome.outcome] = counts.get(outcome.outcome, 0) + 1
            except Exception as exc:  # noqa: BLE001 — one provider failing does not stop the others
                db.session.rollback()
                failed.append(f"provider {provider_id}: {exc}")
    click.echo(", ".join(f"{name} {n}" for name, n in sorted(counts.items())) or "no providers")
    for line in failed:
        click.echo(f"failed: {line}", err=True)
    if failed:
        raise click.ClickException(f"{len(failed)} providers failed")


def register(app: Flask) -> None:
    app.cli.add_command(settlements)
