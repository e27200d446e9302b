"""Supervision (智能监管 dashboards, issue 13): figures over maintained monthly facts, charts as SVG,
dashboards for the MIA, insurers, providers and agencies, and the monthly supervision report.

Each theme module lists its ``FIGURES`` and ``FACT_SOURCES``; ``wire`` registers them in ``THEME_MODULES``
order (explicit, no import side effects).
"""
from importlib import import_module

from flask import Flask

#: the theme modules (each with FIGURES and FACT_SOURCES), in page and report order
THEME_MODULES: tuple[str, ...] = ()


def wire() -> None:
    from ltc.supervision.facts import register_fact_source
    from ltc.supervision.figures import register_figure

    for name in THEME_MODULES:
        module = import_module(name)
        for source in module.FACT_SOURCES:
            register_fact_source(source)
        for figure in module.FIGURES:
            register_figure(figure)


def register(app: Flask) -> None:
    from ltc.supervision import views

    app.register_blueprint(views.bp)
