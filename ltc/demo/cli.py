"""`flask --app ltc demo load`: the demo city, idempotent; prints every login and the password."""
import os

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


def register(app: Flask) -> None:
    app.cli.add_command(demo)
