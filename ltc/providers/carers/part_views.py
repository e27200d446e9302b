"""The carer page's forms (on the ``carers`` blueprint): qualifications, certificates, training,
suspensions, leaving and the carer's login. Provider admin and operators only; each form page
keeps its input and shows every error when the service refuses it."""
from collections.abc import Callable

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from ltc.auth.models import User
from ltc.auth.permissions import Action
from ltc.auth.scope import get_scoped
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.core.clock import local_today, utcnow
from ltc.extensions import db
from ltc.providers.carers.forms import (CertificateForm, CreateLoginForm, EndPeriodForm, LeavingForm, LinkLoginForm,
                                        QualificationForm, SuspensionForm, TrainingForm)
from ltc.providers.carers.models import Carer, CarerQualificationPeriod, CarerSuspensionPeriod
from ltc.providers.carers.services import dated, logins, register
from ltc.providers.carers.services.detail import part_of
from ltc.providers.carers.views import bp
from ltc.web.forms import submit


def _page(carer: Carer, form: FlaskForm, title: str, run: Callable, done_message: str):
    """One form about ``carer``: run the service on a valid submit, else show the form (kept input)."""
    done, _result, status = submit(form, run)
    if done:
        flash(done_message, "success")
        return redirect(url_for(".detail", carer_id=carer.id))
    return render_template("carers/form.html", form=form, title=title, carer=carer), status


def _carer(carer_id: int) -> Carer:
    return get_scoped(db.session, current_user, Carer, carer_id)


def _who() -> dict:
    return {"actor": actor_of(current_user), "now": utcnow()}


@bp.route("/<int:carer_id>/qualifications/new", methods=["GET", "POST"])
@permission_required(Action.MANAGE_CARERS)
def add_qualification(carer_id: int):
    carer, form = _carer(carer_id), QualificationForm()
    if not form.is_submitted():
        form.staff_type.data = carer.staff_type
    return _page(carer, form, _("登记执业资格"), lambda: dated.add_qualification(
        db.session, carer, staff_type=form.staff_type.data, certificate_no=form.certificate_no.data,
        issuer=form.issuer.data, valid_from=form.valid_from.data, valid_to=form.valid_to.data, **_who()),
        _("已登记执业资格"))


@bp.route("/<int:carer_id>/qualifications/<int:part_id>/end", methods=["GET", "POST"])
@permission_required(Action.MANAGE_CARERS)
def end_qualification(carer_id: int, part_id: int):
    carer = _carer(carer_id)
    qualification, form = part_of(db.session, carer, CarerQualificationPeriod, part_id), EndPeriodForm()
    if not form.is_submitted():
        form.valid_to.data = local_today()
    return _page(carer, form, _("结束执业资格"), lambda: dated.end_qualification(
        db.session, qualification, valid_to=form.valid_to.data, **_who()), _("执业资格已结束"))


@bp.route("/<int:carer_id>/certificates/new", methods=["GET", "POST"])
@permission_required(Action.MANAGE_CARERS)
def add_certificate(carer_id: int):
    carer, form = _carer(carer_id), CertificateForm()
    return _page(carer, form, _("登记证书"), lambda: dated.add_certificate(
        db.session, carer, name=form.name.data, number=form.number.data, valid_from=form.valid_from.data,
        valid_to=form.valid_to.data, **_who()), _("已登记证书"))


@bp.route("/<int:carer_id>/trainings/new", methods=["GET", "POST"])
@permission_required(Action.MANAGE_CARERS)
def record_training(carer_id: int):
    carer, form = _carer(carer_id), TrainingForm()
    return _page(carer, form, _("登记培训"), lambda: dated.record_training(
        db.session, carer, day=form.day.data, hours=form.hours.data, topic=form.topic.data, **_who()),
        _("已登记培训"))


@bp.route("/<int:carer_id>/suspensions/new", methods=["GET", "POST"])
@permission_required(Action.MANAGE_CARERS)
def suspend(carer_id: int):
    carer, form = _carer(carer_id), SuspensionForm()
    return _page(carer, form, _("暂停服务"), lambda: dated.suspend_carer(
        db.session, carer, valid_from=form.valid_from.data, valid_to=form.valid_to.data, reason=form.reason.data,
        **_who()), _("已暂停该护理人员的服务"))


@bp.route("/<int:carer_id>/suspensions/<int:part_id>/lift", methods=["GET", "POST"])
@permission_required(Action.MANAGE_CARERS)
def lift_suspension(carer_id: int, part_id: int):
    carer = _carer(carer_id)
    suspension, form = part_of(db.session, carer, CarerSuspensionPeriod, part_id), EndPeriodForm()
    if not form.is_submitted():
        form.valid_to.data = local_today()
    return _page(carer, form, _("解除暂停"), lambda: dated.lift_suspension(
        db.session, suspension, valid_to=form.valid_to.data, **_who()), _("已解除暂停"))


@bp.route("/<int:carer_id>/leave", methods=["GET", "POST"])
@permission_required(Action.MANAGE_CARERS)
def record_leaving(carer_id: int):
    carer, form = _carer(carer_id), LeavingForm()
    return _page(carer, form, _("登记离职"), lambda: register.record_leaving(
        db.session, carer, left_on=form.left_on.data, **_who()), _("已登记离职"))


@bp.route("/<int:carer_id>/login", methods=["GET", "POST"])
@permission_required(Action.MANAGE_CARERS)
def create_login(carer_id: int):
    carer, form = _carer(carer_id), CreateLoginForm()
    return _page(carer, form, _("创建登录账号"), lambda: logins.create_login(
        db.session, carer, username=form.username.data, password=form.password.data, **_who()),
        _("已创建登录账号"))


@bp.route("/<int:carer_id>/login/link", methods=["GET", "POST"])
@permission_required(Action.MANAGE_CARERS)
def link_login(carer_id: int):
    carer, form = _carer(carer_id), LinkLoginForm()
    candidates = {u.id: u for u in logins.unlinked_carer_users(db.session, carer.provider_id)}
    form.user_id.choices = [SelectChoice(uid, f"{u.full_name}（{u.username}）") for uid, u in candidates.items()]
    return _page(carer, form, _("关联已有账号"), lambda: logins.link_login(
        db.session, carer, user=db.session.get_one(User, form.user_id.data), **_who()), _("已关联登录账号"))
