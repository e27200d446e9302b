"""Ratings (四评, SPEC §8): follow-up visits, complaints and the scores built on them.

Each sub-package wires and registers itself; this package calls one ``wire`` and one ``register`` per
sub-package (called from ``ltc.create_app``). ``ltc.billing`` never imports ``ltc.ratings``: ratings
registers what billing reads (e.g. the persons a follow-up holds) through billing's registries.
"""
from flask import Flask

from ltc.ratings import complaints, followups


def wire() -> None:
    followups.wire()
    complaints.wire()


def register(app: Flask) -> None:
    followups.register(app)
    complaints.register(app)
