"""Policy store (SPEC §0.3): effective-dated, typed policy versions shared by every domain.

Each domain registers its own section and REF values from its ``wire()``; this package composes them.
"""
from flask import Flask


def register(app: Flask) -> None:
    from ltc.policy.views import edit, versions

    app.register_blueprint(versions.bp)
    app.register_blueprint(edit.bp)
