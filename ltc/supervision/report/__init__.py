"""The monthly supervision report (监管月报, SPEC §9; issue 13 point 3): a PDF for the MIA built by the day-3 job
from the same registered figures the dashboards show — activity of the report month M (the 12 months ending M)
and the settlement of M−1 (paid by then) — one page per theme, each figure as its chart and its table."""
