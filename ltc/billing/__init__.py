"""Billing: pricing policy and monthly settlements (SPEC §7).

Wiring: ``wire()`` fills the shared registries (scope rules, policy section, event subscribers …)
and ``register(app)`` adds the blueprints and commands; both are called from ``ltc.create_app``.
Their imports are local so that importing a service of this package never loads its web layer.
"""


def wire() -> None:
    from ltc.auth.scope import add_scope_rule
    from ltc.billing import jobs, policy, scope
    from ltc.billing.models import Settlement
    from ltc.compliance.events import MonthsRescanned
    from ltc.core.events import subscribe
    from ltc.policy.schema import register_section, register_version_check

    register_section(policy.SECTION, policy.BillingPolicy, policy.REF)
    register_version_check(policy.levels_have_amounts)
    from ltc.billing.pricing.segments import pricing_terms
    from ltc.compliance.dated import use_pricing_terms

    use_pricing_terms(pricing_terms)   # V07 cap segments are cut where pricing cuts its lines (SPEC §7.2)
    add_scope_rule(Settlement, scope.settlements_in_scope)
    subscribe(MonthsRescanned, jobs.on_months_rescanned)


def register(app) -> None:
    from ltc.billing import cli

    cli.register(app)
