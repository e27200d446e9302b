"""Ratings (四评, SPEC §6 violation points, §8): violation points and carer suspensions, and the
formulas of every score.

Each sub-package wires and registers itself; this package calls one ``wire`` and one ``register`` per
sub-package (called from ``ltc.create_app``). ``ltc.billing`` never imports ``ltc.ratings``.
"""
from flask import Flask

from ltc.ratings import effects, points, scoring


def wire() -> None:
    points.wire()
    effects.wire()
    scoring.wire()


def register(app: Flask) -> None:
    points.register(app)
    effects.register(app)
