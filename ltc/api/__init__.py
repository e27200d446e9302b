"""JSON API under /api/v1. Bearer tokens; errors as ``{"error": ..., "fields": {...}}``; bodies
and queries checked against pydantic models by ``schema.api_route``, which also feeds the
generated OpenAPI document (``openapi.py``).

Called after every domain's ``register(app)`` has added its routes to the blueprint.
"""
from flask import Flask


def register(app: Flask) -> None:
    from ltc.api import openapi  # noqa: F401  (the /openapi.json route)
    from ltc.api.blueprint import bp

    app.register_blueprint(bp)


def wire() -> None:
    from ltc.api import models as _models  # noqa: F401  (the idempotency keys table)
