"""JSON API under /api/v1. Bearer tokens; errors as ``{"error": ..., "fields": {...}}``; bodies
and queries checked against pydantic models by ``schema.api_route``, which also feeds the
generated OpenAPI document (``openapi.py``)."""
from flask import Blueprint

from ltc.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # token-authenticated, no cookies

from ltc.api import auth, openapi  # noqa: E402,F401  (routes)
from ltc.api import people  # noqa: E402,F401
from ltc.api import assessment  # noqa: E402,F401
from ltc.api import hospital  # noqa: E402,F401
from ltc.api import applications  # noqa: E402,F401
from ltc.api import reviews  # noqa: E402,F401
