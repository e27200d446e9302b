from flask import Blueprint

bp = Blueprint("policy", __name__, url_prefix="/policy")
