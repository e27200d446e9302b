"""Scheduled jobs (SPEC §9): the registry, the runner with its database lock, the catch-up,
the scheduler process (``flask --app ltc scheduler``) and the MIA admin page."""
