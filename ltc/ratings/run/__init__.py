"""The ratings run (SPEC §8): the carers' monthly stars, quarterly cost-performance, integrity and the
provider's monthly and annual stars with every component's inputs, written as billing's dated
provider attributes by the ``recompute_ratings`` job (day 2, 02:00)."""


def wire() -> None:
    from ltc.ratings.run import models  # noqa: F401  (the tables)
