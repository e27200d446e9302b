"""Users, roles, login, API tokens, user management, the who-does-what table and the scope rule.

Wiring: ``wire()`` fills the shared registries (scope rules, policy section, event subscribers …)
and ``register(app)`` adds the blueprints and commands; both are called from ``ltc.create_app``.
Their imports are local so that importing a service of this package never loads its web layer.
"""
from flask import Flask


def wire() -> None:
    from ltc.auth import scope, worklists
    from ltc.auth.models import User
    from ltc.core.unique import describe_key
    from ltc.orgs.models import Organisation
    from ltc.web.worklists import add_worklist

    describe_key("users", ("username",), "该用户名已被使用，请换一个")

    scope.add_scope_rule(Organisation, scope.organisations_in_scope)
    scope.add_scope_rule(User, scope.users_in_scope)
    add_worklist(worklists.failed_logins)


def register(app: Flask) -> None:
    from ltc.auth import api, cli  # noqa: F401  (api: routes on the API blueprint)
    from ltc.auth.views import login, tokens, users

    for bp in (login.bp, tokens.bp, users.bp):
        app.register_blueprint(bp)
    cli.register(app)
