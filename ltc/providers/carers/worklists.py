"""Home-page work list of the carer register (SPEC §9): qualifications and certificates of the
provider's carers that end within ``EXPIRY_REMINDER_DAYS`` with nothing following them, for the
provider's admin and operators. Computed on read from the dated rows, like the agreement and
expert-certificate reminders: it shows from the first day of the window and a renewal removes
it at once (no row is materialised by the 06:00 job)."""
from datetime import date, timedelta

from flask import url_for
from sqlalchemy import and_, exists, literal, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from ltc.core.periods import ending_within
from ltc.providers.carers.models import Carer, CarerCertificate, CarerQualificationPeriod
from ltc.providers.carers.services.readers import employed_filter
from ltc.providers.carers.services.scope import may_manage
from ltc.web.worklists import EXPIRY_REMINDER_DAYS, WorkList

LIMIT = 10


def _certificates_ending(today: date):
    """Certificates whose ``valid_to`` falls in the window, not continued by a certificate of the
    same name for the same carer covering that day."""
    following = aliased(CarerCertificate)
    continued = exists(select(following.id).where(
        following.carer_id == CarerCertificate.carer_id, following.name == CarerCertificate.name,
        following.valid_from <= CarerCertificate.valid_to,
        or_(following.valid_to.is_(None), following.valid_to > CarerCertificate.valid_to)))
    return and_(CarerCertificate.valid_to.is_not(None), CarerCertificate.valid_to > today,
                CarerCertificate.valid_to <= today + timedelta(days=EXPIRY_REMINDER_DAYS), ~continued)


def expiring(provider_id: int, today: date):
    """(carer id, carer name, kind, what, number, valid_to) of every reminder, soonest first."""
    quals = (select(Carer.id, Carer.name, literal("qualification"), CarerQualificationPeriod.staff_type,
                    CarerQualificationPeriod.certificate_no, CarerQualificationPeriod.valid_to)
             .join(Carer, Carer.id == CarerQualificationPeriod.carer_id)
             .where(Carer.provider_id == provider_id, employed_filter(today),
                    ending_within(CarerQualificationPeriod, today, EXPIRY_REMINDER_DAYS)))
    certs = (select(Carer.id, Carer.name, literal("certificate"), CarerCertificate.name, CarerCertificate.number,
                    CarerCertificate.valid_to)
             .join(Carer, Carer.id == CarerCertificate.carer_id)
             .where(Carer.provider_id == provider_id, employed_filter(today), _certificates_ending(today)))
    both = union_all(quals, certs).subquery()
    return select(*both.c).order_by(both.c[5], both.c[1])


def carer_papers_ending(session: Session, user, today: date) -> WorkList | None:
    if not may_manage(user):
        return None
    from ltc.web.labels import label

    rows = session.execute(expiring(user.org_id, today).limit(LIMIT)).all()
    return WorkList(
        title=f"{EXPIRY_REMINDER_DAYS} 天内到期的护理人员资格和证书",
        columns=[("carer", "护理人员"), ("what", "资格或证书"), ("number", "证书编号"), ("last_day", "最后一日")],
        rows=[{"carer": name, "url": url_for("carers.detail", carer_id=carer_id),
               "what": label(what, "staff_type") if kind == "qualification" else what, "number": number or "",
               "last_day": valid_to - timedelta(days=1)}
              for carer_id, name, kind, what, number, valid_to in rows],
        total=len(rows), link=url_for("carers.list_carers"),
        empty_text=f"近 {EXPIRY_REMINDER_DAYS} 天内没有到期的护理人员资格或证书")
