"""Web pages of the assessment workflow (SPEC §3.1) under ``/assessment``.

One blueprint, its routes spread over ``queues`` (work queues, workload, publicity
list, exports), ``intake`` (filing an application), ``detail`` (detail page,
documents) and ``steps`` (one thin POST view per workflow step, and the assessment
entry page). Everything a user reaches goes through the Application scope rule: out of
scope is a 404, a role not allowed to act a 403.
"""
from functools import wraps

from flask import Blueprint, abort, redirect, url_for
from flask_login import current_user, login_required

from ltc.assessment.applications.services import queues
from ltc.assessment.applications.forms import FIELD_NAMES
from ltc.auth.permissions import Action, can
from ltc.core.clock import local_today
from ltc.core.errors import DomainError
from ltc.extensions import db
from ltc.web.messages import error_words

bp = Blueprint("assessment", __name__, url_prefix="/assessment")


def any_permission_required(*actions: Action):
    """Log-in required, then any of ``actions`` (403 when none is granted)."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not any(can(current_user, action) for action in actions):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def context() -> queues.QueueContext:
    return queues.queue_context(db.session, current_user, local_today())


def show_errors(form, exc: DomainError) -> None:
    """Put a DomainError on the form fields it names (service names mapped to form fields),
    else on the form."""
    placed = False
    for name in exc.fields:
        field = getattr(form, FIELD_NAMES.get(name, name), None)
        if field is not None and hasattr(field, "errors"):
            if error_words(exc) not in field.errors:
                field.errors = list(field.errors) + [error_words(exc)]
            placed = True
    if not placed:
        form.form_errors.append(error_words(exc))


@bp.get("/")
@login_required
def index():
    """The first work queue of the user's role."""
    mine = queues.queues_for(current_user)
    if not mine:
        abort(403)
    return redirect(url_for(".queue", name=mine[0].name))

