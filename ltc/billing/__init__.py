"""Billing: pricing policy and monthly settlements (SPEC §7).

Wiring: ``wire()`` fills the shared registries (scope rules, policy section, event subscribers …)
and ``register(app)`` adds the blueprints and commands; both are called from ``ltc.create_app``.
Their imports are local so that importing a service of this package never loads its web layer.
"""


def wire() -> None:
    from ltc.auth.scope import add_scope_rule
    from ltc.billing import policy, scope
    from ltc.billing.models import Settlement
    from ltc.policy.schema import register_section, register_version_check

    register_section(policy.SECTION, policy.BillingPolicy, policy.REF)
    register_version_check(policy.levels_have_amounts)
    add_scope_rule(Settlement, scope.settlements_in_scope)
