"""The dashboards' themes: each module declares ``FACT_SOURCES`` (the monthly facts it maintains) and
``FIGURES`` (what it shows), listed in ``ltc.supervision.THEME_MODULES``."""
