"""Services of the carer register (SPEC §1, §0.2), one module per verb family:

- ``register``: register / update a carer (optimistic version), a carer leaving the provider;
- ``dated``: qualifications and suspensions (dated, never overlapping), certificates, training;
- ``logins``: a carer's own login (role ``carer``, one carer per user);
- ``readers``: set-based "as of a date" answers other domains read (P02, billing, capacity);
- ``scope``: who sees which carers, and the register's searchable list.

Functions take ``session`` first and keyword-only ``actor`` / ``now``, flush, never commit, and
write an audit row for every change.
"""
