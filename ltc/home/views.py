"""Home page: the user's organisation and work lists; language switch."""
from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from ltc.core.clock import local_today
from ltc.extensions import db
from ltc.web.worklists import worklists_for
from ltc.orgs.profile import org_profile

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index():
    today = local_today()
    return render_template("home/index.html", profile=org_profile(db.session, current_user.org, today),
                           worklists=worklists_for(db.session, current_user, today))


@bp.post("/lang/<code>")
def set_language(code: str):
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["lang"] = code
    target = request.form.get("next") or ""
    return redirect(target if target.startswith("/") and not target.startswith("//") else url_for("home.index"))


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}
