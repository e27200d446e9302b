"""`flask --app ltc user create …` and `flask --app ltc user set-password U`.

Each command is one transaction: it commits once on success; on bad input it writes nothing,
prints the reason and exits non-zero.
"""
import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from ltc.auth.models import User
from ltc.auth.passwords import password_problem
from ltc.auth.services import create_user, set_password
from ltc.core.audit import Actor
from ltc.core.clock import utcnow
from ltc.core.errors import DomainError
from ltc.extensions import db
from ltc.orgs.models import Organisation
from ltc.orgs.uscc import InvalidUscc, normalise_uscc
from ltc.auth.services.users import ALL_ROLES, check_username

CLI_ACTOR = Actor(None, None, "cli")

user = AppGroup("user", help="User accounts.")


def _find_org(org_id: int | None, org_uscc: str | None) -> Organisation:
    if (org_id is None) == (org_uscc is None):
        raise click.UsageError("give exactly one of --org-id and --org-uscc")
    if org_id is not None:
        org = db.session.get(Organisation, org_id)
    else:
        try:
            code = normalise_uscc(org_uscc)
        except InvalidUscc as exc:
            raise click.ClickException(str(exc)) from None
        org = db.session.scalars(select(Organisation).where(Organisation.uscc == code)).first()
    if org is None:
        raise click.ClickException(f"机构不存在：{org_id if org_id is not None else org_uscc}")
    return org


def _commit_or_fail(run) -> None:
    """Run the service, commit once; on a DomainError roll back and exit 1 with its message."""
    try:
        run()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    db.session.commit()


def _password_option(prompt: str):
    return click.option("--password", prompt=prompt, hide_input=True, confirmation_prompt=True,
                        help="The password (prompted for when omitted).")


@user.command("create")
@click.option("--org-id", type=int, help="The organisation's id.")
@click.option("--org-uscc", help="The organisation's unified social credit code.")
@click.option("--username", required=True)
@click.option("--name", "full_name", required=True, help="Full name.")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ALL_ROLES),
              help="A role; repeat for several.")
@_password_option("Password")
def create(org_id: int | None, org_uscc: str | None, username: str, full_name: str,
           roles: tuple[str, ...], password: str) -> None:
    """Create a user of an organisation."""
    org = _find_org(org_id, org_uscc)
    try:
        username = check_username(username)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    if not full_name.strip():
        raise click.ClickException("姓名不能为空")
    _commit_or_fail(lambda: create_user(db.session, actor=CLI_ACTOR, org=org, username=username,
                                        full_name=full_name.strip(), password=password,
                                        roles=set(roles), now=utcnow()))
    click.echo(f"created user {username} ({', '.join(sorted(set(roles)))}) in {org.name}")


@user.command("set-password")
@click.argument("username")
@_password_option("New password")
def set_password_command(username: str, password: str) -> None:
    """Set a user's password (the password policy applies)."""
    account = db.session.scalars(select(User).where(User.username == username.strip().lower())).first()
    if account is None:
        raise click.ClickException(f"用户不存在：{username}")
    if problem := password_problem(password):
        raise click.ClickException(problem)
    _commit_or_fail(lambda: set_password(db.session, account, password, actor=CLI_ACTOR, now=utcnow()))
    click.echo(f"password set for {account.username}")


def register(app: Flask) -> None:
    app.cli.add_command(user)
