"""Ratings (四评, SPEC §6 violation points, §8): follow-up visits, complaints, violation points and carer
suspensions, the formulas of every score, and what the stars set off (rectification, agreement review).

Each sub-package wires and registers itself; this package calls one ``wire`` and one ``register`` per
sub-package (called from ``ltc.create_app``). ``ltc.billing`` never imports ``ltc.ratings``: ratings
registers what billing reads (e.g. the persons a follow-up holds) through billing's registries.
"""
from flask import Flask

from ltc.ratings import complaints, directory, effects, followups, points, run, scoring


def wire() -> None:
    points.wire()
    scoring.wire()
    followups.wire()
    complaints.wire()
    run.wire()
    effects.wire()


def register(app: Flask) -> None:
    points.register(app)
    followups.register(app)
    complaints.register(app)
    run.register(app)
    effects.register(app)
    directory.register(app)
