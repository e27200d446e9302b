"""The one blueprint of the JSON API under ``/api/v1``: each domain's ``api.py`` adds its routes
to it (its ``register(app)`` imports the module), and ``ltc.api.register`` registers it last."""
from flask import Blueprint

from ltc.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # token-authenticated, no cookies
