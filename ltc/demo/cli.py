"""`flask --app ltc demo load`: the demo city, idempotent; prints every login and the password."""
import json
import os
import time
from datetime import date, datetime
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import func, select

from ltc.core.clock import utcnow
from ltc.extensions import db
from ltc.orgs.models import Organisation

DEFAULT_PASSWORD = "Demo-ltc-2026"

demo = AppGroup("demo", help="Demo data.")


@demo.command("load")
@click.option("--if-empty", is_flag=True, help="Only load into a database without organisations.")
@click.option("--persons", default=200, show_default=True, help="Number of insured persons.")
def load(if_empty: bool, persons: int) -> None:
    """Load the demo organisations, users and insured persons."""
    from flask import current_app

    from ltc.demo.loader import load_demo
    from ltc.notices.rendering import render_pending, using
    from ltc.notices.services import take_issued

    if current_app.config.get("LTC_ENV") == "production":
        raise click.ClickException("refusing to load demo data with LTC_ENV=production")
    if if_empty and db.session.scalar(select(func.count()).select_from(Organisation)):
        click.echo("database already has data; demo not loaded")
        return
    password = os.environ.get("LTC_DEMO_PASSWORD", DEFAULT_PASSWORD)
    summary = load_demo(db.session, password=password, now=utcnow(), persons=persons)
    db.session.commit()
    render_pending(using(db.session()), take_issued(db.session()), now=utcnow())  # the notices' PDFs
    click.echo(f"{'login':<12} {'organisation':<24} roles")
    for username, org, roles in summary.users:
        click.echo(f"{username:<12} {org:<24} {roles}")
    click.echo(f"insured persons created: {summary.persons}")
    click.echo(f"demo password: {password}")


def _month(value: str) -> date:
    try:
        return datetime.strptime(value, "%Y-%m").date()
    except ValueError as exc:
        raise click.BadParameter("expected YYYY-MM, e.g. 2026-01") from exc


@demo.command("city")
@click.option("--beneficiaries", default=50_000, show_default=True, type=click.IntRange(20, 1_000_000))
@click.option("--providers", default=500, show_default=True, type=click.IntRange(8, 20_000))
@click.option("--from", "start", default="2026-01", show_default=True, help="First month (YYYY-MM).")
@click.option("--months", default=1, show_default=True, type=click.IntRange(1, 12))
@click.option("--seed", default=1, show_default=True, help="Same seed, same city.")
@click.option("--truth", "truth_path", type=click.Path(dir_okay=False, writable=True),
              help="Where to write the truth file (JSON); default city-truth-SEED.json.")
def city(beneficiaries: int, providers: int, start: str, months: int, seed: int, truth_path: str | None) -> None:
    """Generate a synthetic city (people, entitlements, plans, carers, stays, visits) with seeded
    rule breaches, and write its truth file: breaches per rule and expected totals per month."""
    from flask import current_app

    from ltc.demo.city.facts import Options
    from ltc.demo.city.run import CityExists, generate

    if current_app.config.get("LTC_ENV") == "production":
        raise click.ClickException("refusing to generate a synthetic city with LTC_ENV=production")
    options = Options(beneficiaries, providers, _month(start), months, seed)
    begun = time.monotonic()
    with click.progressbar(length=2 + 2 * months, label="synthetic city") as bar:
        def advance(label: str) -> None:
            bar.label = label
            bar.update(1)
        try:
            truth = generate(db.session, options, now=utcnow(), advance=advance)
        except CityExists as exc:
            raise click.ClickException(str(exc)) from exc
        db.session.commit()
    path = Path(truth_path or f"city-truth-{seed}.json")
    path.write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    for name, count in sorted(truth["rows"].items()):
        click.echo(f"{name:<30} {count:>10}")
    for month, figures in truth["by_month"].items():
        total = figures["pricing"]["total"]
        click.echo(f"{month}: {figures['records']['records']} records, billable {total['billable']}, "
                   f"fund {total['fund']}")
    click.echo(f"truth file: {path} ({time.monotonic() - begun:.0f} s)")


def register(app: Flask) -> None:
    app.cli.add_command(demo)
