"""Provider rating pages under ``/ratings/stars`` (SPEC §8): the ratings in scope, and one rating with
every component (n, raw mean, scheme mean, adjusted value, weight, the figures behind it), how the
composite and the star follow, and the provider's appeal within 10 working days. A rating outside
the viewer's scope is a 404."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ltc.auth.permissions import Action, can
from ltc.auth.scope import get_scoped
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.core.clock import local_today, utcnow
from ltc.core.pagination import paginate
from ltc.extensions import db
from ltc.policy.services import policy_on
from ltc.ratings.run import appeals, pages
from ltc.ratings.run.forms import AppealForm
from ltc.ratings.run.models import ProviderRating
from ltc.ratings.run.rating import as_of
from ltc.ratings.scoring.policy import RatingsPolicy
from ltc.web.forms import submit

bp = Blueprint("provider_ratings", __name__, url_prefix="/ratings/stars")


@bp.get("/")
@permission_required(Action.VIEW_RATINGS)
def ratings():
    page = paginate(db.session, pages.ratings_list(current_user), page=request.args.get("page", 1, type=int),
                    per_page=current_app.config["PER_PAGE"], scalars=False)
    return render_template("ratings/stars/list.html", page=page)


def _render(rating: ProviderRating, form: AppealForm | None, status: int = 200):
    found = pages.rating_page(db.session, rating)
    policy = policy_on(db.session, as_of(found.run)).section(RatingsPolicy)
    may_appeal = (can(current_user, Action.APPEAL_RATINGS) and current_user.org_id == found.rating.provider_id
                  and not found.appeal_open and local_today() <= found.deadline)
    return render_template("ratings/stars/rating.html", p=found, policy=policy,
                           form=(form or AppealForm()) if may_appeal else None), status


@bp.get("/<int:rating_id>")
@permission_required(Action.VIEW_RATINGS)
def rating(rating_id: int):
    return _render(get_scoped(db.session, current_user, ProviderRating, rating_id), None)


@bp.post("/<int:rating_id>/appeal")
@permission_required(Action.APPEAL_RATINGS)
def appeal(rating_id: int):
    found, form = get_scoped(db.session, current_user, ProviderRating, rating_id), AppealForm()
    done, _row, status = submit(form, lambda: appeals.file_appeal(
        db.session, found, reason=form.reason.data, actor=actor_of(current_user), now=utcnow()))
    if done:
        flash(_("申诉已提交，由商保公司复核"), "success")
        return redirect(url_for(".rating", rating_id=rating_id))
    return _render(found, form, status)
