"""Services of the application lifecycle (SPEC §3.1), one module per verb: intake, acceptance,
dispatch, scheduling, evaluation, conclusion, objections, closing, reassessment; plus the reads the
pages and other domains need.
"""
