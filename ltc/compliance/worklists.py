"""Home-page work list of rule E02 (SPEC §6): entitlements whose assessment conclusion ends within
the policy's warning days (REF 60), for the provider's operators and the insurer — not carers,
whose visits E02 would only reject. Computed on read; scoped like the entitlements."""
from datetime import date, timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.auth.scope import scoped
from ltc.compliance.services import compliance_policy
from ltc.entitlements.models import Entitlement
from ltc.orgs.kinds import CARE_TYPE_LABELS
from ltc.people.models import InsuredPerson
from ltc.web.worklists import WorkList

LIMIT = 10
STAFF = ("admin", "operator", "reviewer")


def conclusions_ending(session: Session, user, today: date) -> WorkList | None:
    if user.org_kind not in ("provider", "insurer") or not user.has_role(*STAFF):
        return None
    days = compliance_policy(session, today).e02_warning_days
    stmt = scoped(select(Entitlement, InsuredPerson.name).join(InsuredPerson, InsuredPerson.id == Entitlement.person_id)
                  .where(Entitlement.live_filter(), Entitlement.valid_from <= today, Entitlement.valid_to > today,
                         Entitlement.conclusion_valid_to > today,
                         Entitlement.conclusion_valid_to <= today + timedelta(days=days))
                  .order_by(Entitlement.conclusion_valid_to, InsuredPerson.name), Entitlement, user)
    rows = session.execute(stmt.limit(LIMIT)).all()
    return WorkList(
        title="评估结论即将到期的待遇人员",
        columns=[("name", "姓名"), ("care_type", "服务形式"), ("last_day", "评估结论最后一日")],
        rows=[{"name": name, "care_type": _(CARE_TYPE_LABELS[e.care_type]),
               "last_day": e.conclusion_valid_to - timedelta(days=1),
               "url": url_for("entitlements.detail", entitlement_id=e.id)}
              for e, name in rows],
        total=len(rows), empty_text="近期没有评估结论到期的待遇人员")
