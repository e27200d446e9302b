"""A synthetic city for benchmarks (issue 10 point 7): ``flask --app ltc demo city``.

``world`` and ``seeds`` decide the organisations, persons, entitlements, plans, carers and stays;
``visits`` the month's visits; ``rules`` re-evaluates SPEC §6 over those facts and ``truth``
prices the month by SPEC §7 — all pure, from one seeded ``random.Random``. ``writer`` bulk-writes
the rows (PostgreSQL ``COPY``, SQLite ``executemany``) and ``run`` ties them together.
"""
