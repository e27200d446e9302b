"""Home-page work lists about organisations (SPEC §9): agreements and insurers' contracts that end
within ``EXPIRY_REMINDER_DAYS`` without a following one, on the owning organisation's home page.

They are computed on read from the dated periods, so a page shows the reminder from the first
day of the window, whatever time the 06:00 job runs, and a renewal removes it at once."""
from datetime import date, timedelta

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.auth.permissions import Action, can
from ltc.auth.scope import scoped
from ltc.core.periods import ending_within
from ltc.orgs import contracts
from ltc.orgs.kinds import ORG_KIND_LABELS, OrgKind
from ltc.orgs.models import AgreementPeriod, InsurerContract, Organisation
from ltc.orgs.services import district_names
from ltc.web.worklists import EXPIRY_REMINDER_DAYS, WorkList

LIMIT = 10


def agreements_ending(session: Session, user, today: date) -> WorkList | None:
    """Agreements (协议) ending soon: the MIA admin sees all, an organisation's admin its own."""
    if not (can(user, Action.MANAGE_ORGS) or can(user, Action.MANAGE_OWN_USERS)):
        return None
    stmt = scoped(
        select(Organisation.name, Organisation.kind, AgreementPeriod.agreement_no, AgreementPeriod.valid_to)
        .join(AgreementPeriod, AgreementPeriod.org_id == Organisation.id)
        .where(ending_within(AgreementPeriod, today, EXPIRY_REMINDER_DAYS)),
        Organisation, user).order_by(AgreementPeriod.valid_to)
    rows = session.execute(stmt.limit(LIMIT)).all()
    return WorkList(
        title=f"{EXPIRY_REMINDER_DAYS} 天内到期的服务协议",
        columns=[("name", "机构"), ("kind", "机构类型"), ("agreement_no", "协议编号"), ("last_day", "协议最后一日")],
        rows=[{"name": r.name, "kind": ORG_KIND_LABELS[r.kind], "agreement_no": r.agreement_no,
               "last_day": r.valid_to - timedelta(days=1)} for r in rows],
        total=len(rows), empty_text=f"近 {EXPIRY_REMINDER_DAYS} 天内没有到期的协议")


def contracts_ending(session: Session, user, today: date) -> WorkList | None:
    """Insurers' contracts (承办合同) ending soon with no contract for the district from that day:
    the MIA admin sees all, an insurer's admin its own."""
    if not (can(user, Action.MANAGE_ORGS) or (user.org_kind == OrgKind.INSURER and can(user, Action.MANAGE_OWN_USERS))):
        return None
    stmt = contracts.contracts_ending(user).where(ending_within(InsurerContract, today, EXPIRY_REMINDER_DAYS))
    rows = session.execute(stmt.limit(LIMIT)).all()
    names = district_names(session)
    return WorkList(
        title=f"{EXPIRY_REMINDER_DAYS} 天内到期的承办合同",
        columns=[("district", "区县"), ("insurer", "承办商保公司"), ("contract_no", "合同编号"),
                 ("last_day", "合同最后一日")],
        rows=[{"district": names.get(c.district, c.district), "insurer": name, "contract_no": c.contract_no or "—",
               "last_day": c.last_day} for c, name in rows],
        total=len(rows), link=url_for("contracts.list_contracts"),
        empty_text=f"近 {EXPIRY_REMINDER_DAYS} 天内没有到期的承办合同")
