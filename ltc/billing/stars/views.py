"""Provider stars (SPEC §8): the MIA sees and enters them (with a reason), a provider sees its own.

Thin handlers: load the form, call one service, commit; a DomainError is shown on the form.
"""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from ltc.auth.permissions import Action, can
from ltc.auth.scope import get_scoped
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.billing.stars import services
from ltc.billing.stars.forms import StarForm
from ltc.core.clock import local_today, utcnow
from ltc.core.errors import NotFound
from ltc.extensions import db
from ltc.orgs.kinds import OrgKind
from ltc.orgs.models import Organisation
from ltc.web.forms import submit

bp = Blueprint("stars", __name__, url_prefix="/billing/stars")


def _form() -> StarForm:
    form = StarForm()
    providers = db.session.scalars(select(Organisation).where(Organisation.kind == OrgKind.PROVIDER)
                                   .order_by(Organisation.name))
    form.provider_id.choices = [SelectChoice(p.id, p.name) for p in providers]
    return form


def _render(form: StarForm | None, status: int = 200):
    own = None if current_user.org_kind == OrgKind.MIA else [current_user.org_id]
    rows = services.stars_overview(db.session, own, today=local_today())
    return render_template("billing/stars/list.html", rows=rows, form=form), status


@bp.get("/")
@permission_required(Action.VIEW_STARS)
def list_stars():
    return _render(_form() if can(current_user, Action.ENTER_STARS) else None)


@bp.post("/")
@permission_required(Action.ENTER_STARS)
def set_star():
    form = _form()
    done, _row, status = submit(form, lambda: services.set_star(
        db.session, form.change(), actor=actor_of(current_user), now=utcnow(), today=local_today()))
    if done:
        flash(_("星级已登记"), "success")
        return redirect(url_for(".history", provider_id=form.provider_id.data))
    return _render(form, status)


@bp.get("/<int:provider_id>")
@permission_required(Action.VIEW_STARS)
def history(provider_id: int):
    provider = get_scoped(db.session, current_user, Organisation, provider_id)
    if provider.kind != OrgKind.PROVIDER:
        raise NotFound("记录不存在或无权访问")
    today = local_today()
    return render_template("billing/stars/history.html", provider=provider,
                           events=services.star_history(db.session, provider.id),
                           monthly=services.monthly_star_on(db.session, provider.id, today),
                           annual=services.annual_star(db.session, provider.id, today.year - 1), today=today)
