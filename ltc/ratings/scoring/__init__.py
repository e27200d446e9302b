"""Scoring (四评, SPEC §8): the pure formulas of every score (carer star, cost-performance, integrity,
provider composite with shrinkage and the fraud cap) and the ``ratings`` policy section they read.
No database: the ratings run gathers the inputs and stores what these functions return.

``wire()`` registers the policy section; called from ``ltc.ratings.wire``.
"""


def wire() -> None:
    from ltc.policy.schema import register_section
    from ltc.ratings.scoring import policy

    register_section(policy.SECTION, policy.RatingsPolicy, policy.REF)
