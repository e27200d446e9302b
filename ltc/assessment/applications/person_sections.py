"""The person page's lists of the person's applications, conclusions and their notices, each
application in the user's scope only (``ltc.web.related``)."""
from datetime import date, datetime, timezone

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.assessment.applications.models import Application
from ltc.assessment.applications.services.notifying import SUBJECT, application_no
from ltc.assessment.applications.states import KIND_LABELS, STATUS_LABELS
from ltc.auth.scope import scoped
from ltc.core.clock import to_local
from ltc.notices.documents import KINDS
from ltc.notices.models import Notice
from ltc.notices.services import can_see
from ltc.web.periods import period_text
from ltc.web.related import PersonSection


def application_sections(session: Session, user, person_id: int) -> list[PersonSection]:
    apps = list(session.scalars(scoped(select(Application).where(Application.person_id == person_id), Application,
                                       user).order_by(Application.submitted_on.desc(), Application.id.desc())))
    rows = [{"number": application_no(a), "url": url_for("assessment.detail", application_id=a.id),
             "kind": _(KIND_LABELS[a.kind]), "status": _(STATUS_LABELS[a.status]), "submitted_on": a.submitted_on}
            for a in apps]
    concluded = [{"number": application_no(a), "url": url_for("assessment.detail", application_id=a.id),
                  "level": a.level, "concluded_on": a.concluded_on,
                  "valid": period_text(a.valid_from, a.valid_to), "final": _("是") if a.final_on else _("否")}
                 for a in apps if a.concluded_on is not None and a.level is not None]
    return [PersonSection("applications", "评估申请", [("number", "申请编号"), ("kind", "类型"), ("status", "状态"),
                                                       ("submitted_on", "提交日期")], rows, order=10),
            PersonSection("conclusions", "评估结论", [("number", "申请编号"), ("level", "失能等级"),
                                                      ("concluded_on", "结论日期"), ("valid", "结论有效期"),
                                                      ("final", "已生效")], concluded, order=20),
            notice_section(session, user, SUBJECT, [a.id for a in apps])]


def notice_section(session: Session, user, subject_type: str, subject_ids: list[int]) -> PersonSection:
    """The notices about ``subject_ids`` the user may read (a section merged with the other subjects')."""
    notices = session.scalars(select(Notice).where(Notice.subject_type == subject_type,
                                                   Notice.subject_id.in_(subject_ids))
                              .order_by(Notice.issued_at, Notice.id)) if subject_ids else []
    rows = [{"number": n.number, "url": None if n.is_pending else url_for("notices.download", notice_id=n.id),
             "kind": _(KINDS[n.kind].title), "issued_at": local_day(n.issued_at)}
            for n in notices if can_see(session, user, n)]
    return PersonSection("notices", "通知书", [("number", "通知书编号"), ("kind", "类型"), ("issued_at", "发出日期")],
                         rows, order=50)


def local_day(moment: datetime) -> date:
    """The local date of a stored time (SQLite hands back UTC times without their zone)."""
    return to_local(moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).date()
