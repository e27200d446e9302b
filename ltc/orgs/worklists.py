"""Home-page work lists about organisations: agreements that end soon."""
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.auth.permissions import Action, can
from ltc.auth.scope import scoped
from ltc.web.worklists import WorkList
from ltc.orgs.kinds import ORG_KIND_LABELS
from ltc.orgs.models import AgreementPeriod, Organisation

HORIZON_DAYS = 90
LIMIT = 10


def agreements_ending(session: Session, user, today: date) -> WorkList | None:
    """Agreements (协议) that end within 90 days: the MIA admin sees all, an org admin its own."""
    if not (can(user, Action.MANAGE_ORGS) or can(user, Action.MANAGE_OWN_USERS)):
        return None
    stmt = scoped(
        select(Organisation.name, Organisation.kind, AgreementPeriod.agreement_no, AgreementPeriod.valid_to)
        .join(AgreementPeriod, AgreementPeriod.org_id == Organisation.id)
        .where(AgreementPeriod.valid_to.is_not(None), AgreementPeriod.valid_to > today,
               AgreementPeriod.valid_to <= today + timedelta(days=HORIZON_DAYS)),
        Organisation, user).order_by(AgreementPeriod.valid_to)
    rows = session.execute(stmt.limit(LIMIT)).all()
    return WorkList(
        title="90 天内到期的服务协议",
        columns=[("name", "机构"), ("kind", "机构类型"), ("agreement_no", "协议编号"), ("last_day", "协议最后一日")],
        rows=[{"name": r.name, "kind": ORG_KIND_LABELS[r.kind], "agreement_no": r.agreement_no,
               "last_day": r.valid_to - timedelta(days=1)} for r in rows],
        total=len(rows), empty_text="近 90 天内没有到期的协议")
