"""The fund theme (基金支出, issue 13 point 1): fund spending per month against the year's budget (the
``fund_budget`` policy section) with budget alerts, fund per beneficiary-month, and what a draft policy
version would cost (an on-demand per-provider job)."""
from ltc.supervision.themes.fund import draft_figure, figures, sources

FACT_SOURCES = sources.FACT_SOURCES
FIGURES = figures.FIGURES + draft_figure.FIGURES
