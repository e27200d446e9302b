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
    from ltc.billing.pricing_reader import reader_cap_segments
    from ltc.compliance.dated import use_cap_segments

    use_cap_segments(reader_cap_segments)   # V07 consumes the caps of the segments pricing bills (SPEC §7.2)
    add_scope_rule(Settlement, scope.settlements_in_scope)
    subscribe(MonthsRescanned, jobs.on_months_rescanned)


def register(app) -> None:
    from ltc.billing import api, cli, views  # noqa: F401  (api: routes on the API blueprint)
    from ltc.billing.trial import api as trial_api  # noqa: F401  (adds its routes to the API blueprint)
    from ltc.billing.trial import views as trial_views

    cli.register(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(trial_views.bp)
