"""Scheduled jobs (SPEC §9): the registry, the runner with its database lock, the catch-up,
the scheduler process (``flask --app ltc scheduler``) and the MIA admin page.

Wiring: ``wire()`` fills the shared registries (scope rules, policy section, event subscribers …)
and ``register(app)`` adds the blueprints and commands; both are called from ``ltc.create_app``.
Their imports are local so that importing a service of this package never loads its web layer.
"""
from flask import Flask


def wire() -> None:
    from ltc.policy.schema import register_section
    from ltc.scheduler import models as _models  # noqa: F401  (job runs, locks)
    from ltc.scheduler.policy import SECTION, JobsPolicy, ref_times

    register_section(SECTION, JobsPolicy, ref_times())


def register(app: Flask) -> None:
    from ltc.scheduler import cli, views

    app.register_blueprint(views.bp)
    cli.register(app)
