"""API tokens: each user lists and revokes their own; the MIA admin lists and revokes any.

A token of another user is a 404 on the personal page. Revocation goes through
``services.revoke_token`` (audited); a revoked token is refused by ``/api/v1`` at once.
"""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ltc.auth import services
from ltc.auth.models import ApiToken, User
from ltc.auth.permissions import Action
from ltc.auth.web import permission_required
from ltc.core.clock import utcnow
from ltc.core.pagination import paginate
from ltc.extensions import db

bp = Blueprint("tokens", __name__)


def _page(stmt):
    return paginate(db.session, stmt.order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(),
                                              ApiToken.id.desc()),
                    page=request.args.get("page", 1, type=int), per_page=current_app.config["PER_PAGE"])


def _revoke(token: ApiToken | None) -> None:
    if token is None:
        abort(404)
    if token.revoked_at is not None:
        flash(_("该令牌已撤销"), "info")
        return
    services.revoke_token(db.session, token, actor=services.actor_of(current_user), now=utcnow())
    db.session.commit()
    flash(_("令牌 %(prefix)s… 已撤销", prefix=token.prefix), "success")


@bp.get("/account/tokens")
@login_required
def own_tokens():
    page = _page(select(ApiToken).where(ApiToken.user_id == current_user.id))
    return render_template("auth/tokens.html", page=page, admin=False, revoke_endpoint="tokens.revoke_own")


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_own(token_id: int):
    _revoke(db.session.scalars(select(ApiToken).where(
        ApiToken.id == token_id, ApiToken.user_id == current_user.id)).first())
    return redirect(url_for("tokens.own_tokens"))


@bp.get("/admin/tokens")
@permission_required(Action.MANAGE_ALL_USERS)
def all_tokens():
    stmt = select(ApiToken).join(ApiToken.user)
    if request.args.get("active") == "1":
        stmt = stmt.where(ApiToken.revoked_at.is_(None))
    if username := (request.args.get("user") or "").strip().lower():
        stmt = stmt.where(User.username == username)
    return render_template("auth/tokens.html", page=_page(stmt), admin=True, revoke_endpoint="tokens.revoke_any",
                           active=request.args.get("active") == "1", username=username)


@bp.post("/admin/tokens/<int:token_id>/revoke")
@permission_required(Action.MANAGE_ALL_USERS)
def revoke_any(token_id: int):
    _revoke(db.session.get(ApiToken, token_id))
    return redirect(url_for("tokens.all_tokens"))
