"""Home-page work lists of dynamic management (SPEC §8 effects): the provider's notices to answer, the
insurer's responses to check, and the MIA admin's agreement-review proposals (its inbox)."""
from datetime import date

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ltc.auth.permissions import Action, can
from ltc.ratings.effects.services import readers
from ltc.web.worklists import WorkList

LIMIT = 10


def _count(session: Session, stmt) -> int:
    return session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


def rectification_to_do(session: Session, user, today: date):
    action = Action.RESPOND_RECTIFICATION if user.org_kind == "provider" else Action.CHECK_RECTIFICATION
    stmt = readers.to_do(user)
    if stmt is None or not can(user, action):
        return None
    total = _count(session, stmt)
    if not total:
        return None
    title = "待答复的整改通知" if user.org_kind == "provider" else "待核查的整改答复"
    rows = [{"number": n.number, "url": url_for("rating_effects.notice", notice_id=n.id), "provider": name,
             "month": f"{n.month:%Y-%m}", "stars": "★" * n.stars}
            for n, name in session.execute(stmt.limit(LIMIT))]
    return WorkList(title=title, rows=rows, total=total, link=url_for("rating_effects.list_notices"),
                    columns=[("number", "通知编号"), ("provider", "护理机构"), ("month", "评定月份"),
                             ("stars", "月度星级")])


def agreement_reviews(session: Session, user, today: date):
    if not can(user, Action.AGREEMENT_REVIEWS):
        return None
    stmt = readers.pending_proposals(user)
    total = _count(session, stmt)
    if not total:
        return None
    rows = [{"provider": name, "url": url_for("rating_effects.proposal", proposal_id=p.id), "year": p.year,
             "stars": "★" * p.stars} for p, name in session.execute(stmt.limit(LIMIT))]
    return WorkList(title="协议处理建议", rows=rows, total=total, link=url_for("rating_effects.list_proposals"),
                    columns=[("provider", "护理机构"), ("year", "评定年度"), ("stars", "年度星级")])
