"""User management pages under ``/orgs/users`` (SPEC §1).

Every organisation's admin manages its own users; the MIA admin those of every organisation
and chooses the organisation of a new user. Another organisation's user is a 404.
"""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from wtforms import SelectChoice

from ltc.auth.models import User
from ltc.auth.permissions import Action
from ltc.auth.scope import get_scoped
from ltc.auth.web import permission_required
from ltc.core.clock import utcnow
from ltc.extensions import db
from ltc.auth.services import users
from ltc.auth.forms import (ROLE_LABELS, EditUserForm, ResetPasswordForm, UserFilterForm, UserForm,
                            role_choices)
from ltc.orgs.kinds import ORG_KIND_LABELS
from ltc.web.forms import submit

bp = Blueprint("users", __name__, url_prefix="/orgs")


def _filters() -> tuple[UserFilterForm, dict]:
    filters = UserFilterForm(request.args)
    org_id = request.args.get("org_id", type=int)
    if users.manages_all(current_user):
        orgs = users.orgs_for_new_users(db.session, current_user)
        filters.org_id.choices = [SelectChoice("", _("全部"))] + [SelectChoice(str(o.id), o.name) for o in orgs]
    else:
        del filters.org_id
        org_id = None
    active = {"1": True, "0": False}.get(request.args.get("active", ""))
    return filters, {"org_id": org_id, "text": filters.q.data, "active": active}


@bp.get("/users")
@permission_required(Action.MANAGE_OWN_USERS)
def list_users():
    filters, criteria = _filters()
    page = users.search_users(db.session, current_user, page=request.args.get("page", 1, type=int),
                              per_page=current_app.config["PER_PAGE"], **criteria)
    return render_template("users/list.html", page=page, filters=filters, role_labels=ROLE_LABELS,
                           show_org=users.manages_all(current_user))


def _prepare_new_user_form(form: UserForm):
    """The organisations the admin may choose from and the roles on offer; the chosen org."""
    orgs = {o.id: o for o in users.orgs_for_new_users(db.session, current_user)}
    if not users.manages_all(current_user):
        del form.org_id
        form.roles.choices = role_choices(users.roles_for(current_user.org_kind))
        return current_user.org
    form.org_id.choices = [SelectChoice(o.id, f"{o.name}（{_(ORG_KIND_LABELS[o.kind])}）")
                          for o in orgs.values()]
    if not form.is_submitted():
        form.org_id.data = request.args.get("org_id", type=int)
    chosen = orgs.get(form.org_id.data)
    # before a submit the preset organisation narrows the roles; on submit the service decides
    form.roles.choices = role_choices(users.roles_for(
        None if form.is_submitted() or chosen is None else chosen.kind))
    return chosen


@bp.route("/users/new", methods=["GET", "POST"])
@permission_required(Action.MANAGE_OWN_USERS)
def create_user():
    form = UserForm()
    org = _prepare_new_user_form(form)
    done, user, status = submit(form, lambda: users.add_user(
        db.session, actor=current_user, now=utcnow(), org=org, username=form.username.data,
        full_name=form.full_name.data, password=form.password.data, roles=set(form.roles.data or ())))
    if done:
        flash(_("用户 %(name)s 已创建", name=user.username), "success")
        return redirect(url_for(".list_users"))
    return render_template("users/form.html", form=form, user=None), status


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@permission_required(Action.MANAGE_OWN_USERS)
def edit_user(user_id: int):
    user = get_scoped(db.session, current_user, User, user_id)
    form = EditUserForm(obj=user)
    form.roles.choices = role_choices(users.roles_for(user.org.kind))
    done, _result, status = submit(form, lambda: users.edit_user(
        db.session, user, actor=current_user, now=utcnow(), full_name=form.full_name.data,
        roles=set(form.roles.data or ()), active=form.active.data))
    if done:
        flash(_("用户 %(name)s 已保存", name=user.username), "success")
        return redirect(url_for(".list_users"))
    return render_template("users/form.html", form=form, user=user), status


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@permission_required(Action.MANAGE_OWN_USERS)
def reset_password(user_id: int):
    user = get_scoped(db.session, current_user, User, user_id)
    form = ResetPasswordForm()
    done, _result, status = submit(form, lambda: users.reset_password(
        db.session, user, actor=current_user, now=utcnow(), password=form.password.data))
    if done:
        if user.id == current_user.id:
            login_user(user)  # the reset ended every session of the user: this one goes on
        flash(_("用户 %(name)s 的密码已重置", name=user.username), "success")
        return redirect(url_for(".list_users"))
    return render_template("users/password.html", form=form, user=user), status
