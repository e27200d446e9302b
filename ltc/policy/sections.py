"""Imports every module that registers a policy section, so the registry is always complete.

A domain that adds a section adds its module here (and its REF values to ``ltc.policy.ref``).
"""
import ltc.assessment.applications.policy  # noqa: F401
import ltc.reviews.definitions  # noqa: F401
import ltc.billing.policy  # noqa: F401
import ltc.scheduler.policy  # noqa: F401
from ltc.policy.schema import SECTIONS

__all__ = ["SECTIONS"]
