"""The quality deposit (质量保证金, SPEC §7.3): net payment of approved settlements, the deposit ledger
per provider and the year-end clearing by the annual star.

``wire()`` registers the ledger's scope rule; ``register(app)`` the pages and the ``deposits`` command.
Both are called from ``ltc.billing``.
"""
from flask import Flask


def wire() -> None:
    from ltc.auth.scope import add_scope_rule
    from ltc.billing.deposits import scope
    from ltc.billing.deposits.models import DepositEntry

    add_scope_rule(DepositEntry, scope.entries_in_scope)


def register(app: Flask) -> None:
    from ltc.billing.deposits import cli, views

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.deposits)
