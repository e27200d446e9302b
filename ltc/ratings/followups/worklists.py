"""Home-page work list of the follow-ups (SPEC §8): an insurer staff member's own open follow-ups,
overdue first, with the due date. Computed on read."""
from datetime import date

from flask import url_for
from flask_babel import gettext as _

from ltc.auth.permissions import Action, can
from ltc.ratings.followups.kinds import ORIGIN_LABELS
from ltc.ratings.followups.queries import Filters, worklist
from ltc.web.worklists import WorkList

LIMIT = 10


def my_follow_ups(session, user, today: date) -> WorkList | None:
    if user.org_kind != "insurer" or not can(user, Action.INSURER_OPERATIONS):
        return None
    page = worklist(session, user, Filters(assignee=user.id), today=today, per_page=LIMIT)
    return WorkList(
        title="我的回访任务",
        columns=[("name", "姓名"), ("origin", "来源"), ("due_on", "应完成日期")],
        rows=[{"name": person.name, "origin": _(ORIGIN_LABELS[f.origin]), "due_on": f.due_on,
               "url": url_for("follow_ups.detail", follow_up_id=f.id)} for f, person in page.items],
        total=page.total, overdue=sum(f.due_on < today for f, _p in page.items),
        link=url_for("follow_ups.index", assignee=user.id), empty_text="没有待完成的回访任务")
