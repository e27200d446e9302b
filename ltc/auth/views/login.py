"""Login, logout and password change."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ltc.auth import services
from ltc.auth.forms import LoginForm, PasswordForm
from ltc.auth.models import User
from ltc.auth.web import client_address, login_throttle
from ltc.core.clock import utcnow
from ltc.core.errors import DomainError
from ltc.extensions import db, login_manager
from ltc.web.forms import attach_errors
from ltc.web.messages import error_words

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(key: str) -> User | None:
    """The session's user, unless the session was saved before the user's last logout or password
    change (it reads only: a plain GET stays a plain read)."""
    return services.session_user(db.session, key)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(db.session, username=form.username.data, password=form.password.data,
                                         ip=client_address(), now=utcnow(),
                                         throttle=login_throttle())
        except DomainError as exc:
            db.session.commit()  # keep the failed attempt: it counts towards the lock
            form.form_errors.append(error_words(exc))
            status = exc.status
        else:
            db.session.commit()
            login_user(user)
            target = request.args.get("next") or ""
            if not target.startswith("/") or target.startswith("//"):
                target = url_for("home.index")
            return redirect(target)
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    """Log out here and, since the session epoch is per user, in every other session of the user."""
    services.end_sessions(db.session, current_user, actor=services.actor_of(current_user), now=utcnow())
    db.session.commit()
    logout_user()
    flash(_("已退出登录"), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(db.session, current_user, current=form.current_password.data,
                                     new=form.new_password.data, now=utcnow())
        except DomainError as exc:
            db.session.rollback()
            attach_errors(form, exc)
        else:
            db.session.commit()
            login_user(current_user._get_current_object())  # this session goes on under the new epoch
            flash(_("密码已修改"), "success")
            return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form)
