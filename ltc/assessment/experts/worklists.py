"""Home-page work list of the expert register (SPEC §9): expert certificates that end within
``EXPIRY_REMINDER_DAYS`` with no certificate following them, for the agency whose assessor holds
them (and the MIA admin, who keeps the register). Computed on read from the dated certificates."""
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.assessment.experts.models import ExpertCertificate
from ltc.assessment.experts.services import may_view_register
from ltc.auth.models import User
from ltc.auth.scope import scoped
from ltc.core.periods import ending_within
from ltc.orgs.models import Organisation
from ltc.web.worklists import EXPIRY_REMINDER_DAYS, WorkList

LIMIT = 10


def certificates_ending(session: Session, user, today: date) -> WorkList | None:
    if not may_view_register(user):
        return None
    stmt = scoped(select(ExpertCertificate, User.full_name, Organisation.name)
                  .join(User, User.id == ExpertCertificate.user_id).join(Organisation, Organisation.id == User.org_id)
                  .where(ending_within(ExpertCertificate, today, EXPIRY_REMINDER_DAYS))
                  .order_by(ExpertCertificate.valid_to, User.full_name), ExpertCertificate, user)
    rows = session.execute(stmt.limit(LIMIT)).all()
    return WorkList(
        title=f"{EXPIRY_REMINDER_DAYS} 天内到期的评估专家证书",
        columns=[("expert", "评估专家"), ("agency", "评估机构"), ("certificate_no", "证书编号"),
                 ("last_day", "证书最后一日")],
        rows=[{"expert": name, "agency": agency, "certificate_no": cert.certificate_no,
               "last_day": cert.last_day} for cert, name, agency in rows],
        total=len(rows), empty_text=f"近 {EXPIRY_REMINDER_DAYS} 天内没有到期的评估专家证书")
