"""Supervision (智能监管 dashboards, issue 13): figures over maintained monthly facts, charts as SVG,
dashboards for the MIA, insurers, providers and agencies, and the monthly supervision report.

Each theme module lists its ``FIGURES`` and ``FACT_SOURCES``; ``wire`` registers them in ``THEME_MODULES``
order (explicit, no import side effects).
"""
from importlib import import_module

from flask import Flask

#: the theme modules (each with FIGURES and FACT_SOURCES), in page and report order
THEME_MODULES: tuple[str, ...] = (
    "ltc.supervision.themes.beneficiaries",
    "ltc.supervision.themes.fund",
    "ltc.supervision.themes.assessment",
    "ltc.supervision.themes.reviews",
    "ltc.supervision.themes.findings",
    "ltc.supervision.themes.settlements",
    "ltc.supervision.themes.stars",
    "ltc.supervision.themes.provider",
    "ltc.supervision.themes.agency",
)


def wire() -> None:
    from ltc.policy.schema import register_section
    from ltc.supervision.facts import register_fact_source
    from ltc.supervision.figures import register_figure
    from ltc.supervision.themes.fund import policy as fund_policy

    register_section(fund_policy.SECTION, fund_policy.FundBudgetPolicy, fund_policy.REF)

    for name in THEME_MODULES:
        module = import_module(name)
        for source in module.FACT_SOURCES:
            register_fact_source(source)
        for figure in module.FIGURES:
            register_figure(figure)


def register(app: Flask) -> None:
    from ltc.supervision import views
    from ltc.supervision.report.views import bp as reports
    from ltc.supervision.themes.fund import views as draft_cost_views

    app.register_blueprint(views.bp)
    app.register_blueprint(draft_cost_views.bp)
    app.register_blueprint(reports)
