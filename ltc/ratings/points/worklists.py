"""The provider's notice of a carer suspended by violation points (SPEC §8): a home-page work list for
the provider's admin and operators, computed on read like the other reminders, showing each points
suspension that is running or about to start until it ends."""
from datetime import date

from flask import url_for
from sqlalchemy.orm import Session

from ltc.providers.carers.services.scope import may_manage
from ltc.ratings.points.services.readers import suspensions_to_notice
from ltc.web.worklists import WorkList

LIMIT = 10


def carers_suspended_for_points(session: Session, user, today: date) -> WorkList | None:
    if user.org_kind != "provider" or not may_manage(user):
        return None
    rows = suspensions_to_notice(session, user.org_id, today, LIMIT)
    if not rows:
        return None
    return WorkList(
        title="因违规记分暂停服务的护理人员",
        columns=[("carer", "护理人员"), ("points", "记分"), ("from", "暂停开始"), ("last_day", "最后一日")],
        rows=[{"carer": carer.name, "url": url_for("violation_points.carer_points", carer_id=carer.id),
               "points": points, "from": period.valid_from, "last_day": period.last_day}
              for carer, points, period in rows],
        total=len(rows), link=url_for("violation_points.list_points"))
