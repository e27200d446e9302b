"""Family care (亲情照护, SPEC §7.1, §7.3): the allowance paid to the beneficiary on a separate monthly
payment list (not through the provider's settlement, no deposit) and the beneficiary's bank account.

``wire()`` registers the lines' scope rule and the merge hook; ``register(app)`` the pages and the
``family-allowances`` command. Both are called from ``ltc.billing``.
"""
from flask import Flask


def wire() -> None:
    from ltc.auth.scope import add_scope_rule
    from ltc.billing.family import merging, scope
    from ltc.billing.family.models import FamilyAllowanceLine
    from ltc.people.merge_hooks import add_merge_hook

    add_scope_rule(FamilyAllowanceLine, scope.lines_in_scope)
    add_merge_hook(merging.HOOK)


def register(app: Flask) -> None:
    from ltc.billing.family import cli, views

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.family)
