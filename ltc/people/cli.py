"""`flask --app ltc people import FILE`: the roster import from the command line, with progress;
`flask --app ltc people id-numbers`: stored ID numbers in their normalised spelling (SPEC §2)."""
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from ltc.auth.models import User
from ltc.auth.services import actor_of
from ltc.core.audit import SYSTEM
from ltc.core.clock import local_today, utcnow
from ltc.extensions import db
from ltc.people import id_numbers
from ltc.people import imports as importer

people = AppGroup("people", help="Insured-person roster.")


@people.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "username", help="Record the import as this user (default: system).")
@click.option("--dry-run", is_flag=True, help="Check and report, then roll back.")
def import_command(file: Path, username: str | None, dry_run: bool) -> None:
    """Import persons from a CSV or XLSX FILE (the whole file is rejected on any error)."""
    actor = SYSTEM
    if username:
        user = db.session.scalars(select(User).where(User.username == username.lower())).first()
        if user is None:
            raise click.ClickException(f"no user {username}")
        actor = actor_of(user)
    click.echo(f"reading {file.name} …")
    result = importer.preview(db.session, file.read_bytes(), file.name, today=local_today())
    for message in result.header_errors:
        click.echo(f"error: {message}", err=True)
    for row in result.error_rows[:200]:
        click.echo(f"row {row.line}: {'; '.join(row.errors)}", err=True)
    counts = result.counts
    click.echo("create {create}, update {update}, unchanged {unchanged}, errors {error}".format(**counts))
    if not result.ok:
        raise click.ClickException("file rejected; nothing imported")
    total = counts["create"] + counts["update"]
    with click.progressbar(length=total, label="importing") as bar:
        done = [0]

        def progress(now_done: int, _total: int) -> None:
            bar.update(now_done - done[0])
            done[0] = now_done

        importer.apply(db.session, result, actor=actor, now=utcnow(), progress=progress)
    if dry_run:
        db.session.rollback()
        click.echo("dry run: rolled back")
    else:
        db.session.commit()
        click.echo("imported")


@people.command("id-numbers")
@click.option("--dry-run", is_flag=True, help="Report, then roll back.")
def id_numbers_command(dry_run: bool) -> None:
    """Store every ID number in its normalised spelling, listing those that would collide
    (what migration 0013 did, again). Exits 1 while collisions remain open: until then the unique
    index on the stored number (persons not merged away) does not yet cover every spelling."""
    result = id_numbers.scan_id_numbers(db.session, actor=SYSTEM, now=utcnow())
    click.echo(f"normalised {len(result.normalised)}, newly listed {len(result.listed)}, open {result.open}")
    if dry_run:
        db.session.rollback()
        click.echo("dry run: rolled back")
    else:
        db.session.commit()
    if result.open:
        raise click.ClickException(f"{result.open} ID-number collisions to resolve (MIA admin: /people/id-collisions)")
    click.echo("every stored ID number is normalised: uq_insured_persons_live_id_number holds on the normalised number")


def register(app: Flask) -> None:
    app.cli.add_command(people)
