"""View helpers: permission checks (403) and scoped loading (404)."""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from ltc.auth.permissions import Action, can


def permission_required(action: Action):
    """Log-in required, then the who-does-what table decides (403 when refused)."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not can(current_user, action):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator
