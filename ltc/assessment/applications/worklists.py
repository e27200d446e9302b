"""Home-page work list of the assessment workflow: the user's queues with their counts."""
from datetime import date

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from ltc.assessment.applications.services import queues
from ltc.web.worklists import WorkList


def assessment_queues(session: Session, user, today: date) -> WorkList | None:
    """One row per work queue of the user's role (the catch-all list left out): how many
    applications wait, how many of them are overdue."""
    mine = [q for q in queues.queues_for(user) if q.name != "all"]
    if not mine:
        return None
    ctx = queues.queue_context(session, user, today)
    rows = []
    for queue in mine:  # a queue of every status (the applications a provider filed): those in progress
        filters = queues.QueueFilters(open_only=not queue.statuses)
        total, overdue = queues.queue_counts(session, queue, ctx, filters)
        rows.append({"queue": _(queue.title), "total": total, "overdue": overdue,
                     "url": url_for("assessment.queue", name=queue.name)})
    return WorkList(title="评估申请待办", columns=[("queue", "工作队列"), ("total", "数量"), ("overdue", "已超期")],
                    rows=rows, total=sum(r["total"] for r in rows), link=url_for("assessment.index"))


def pending_applications(session: Session, user, today: date) -> int:
    """The menu badge of 评估申请: how many applications wait in the user's work queues."""
    mine = [q for q in queues.queues_for(user) if q.name != "all"]
    if not mine:
        return 0
    ctx = queues.queue_context(session, user, today)
    return sum(queues.queue_counts(session, queue, ctx)[0] for queue in mine)
