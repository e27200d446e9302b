"""The rectification notice's PDF values (plain values only, ``ltc.notices.pdf``)."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.orgs.kinds import OrgKind
from ltc.orgs.models import District, Organisation
from ltc.ratings.effects.models import RectificationNotice

TEMPLATE = "rectification.html"
TITLE = "长期护理保险定点护理服务机构整改通知书"


def notice_values(session: Session, notice: RectificationNotice) -> dict:
    provider = session.get_one(Organisation, notice.provider_id)
    insurer = session.get(Organisation, notice.insurer_id) if notice.insurer_id else None
    issuer = session.scalar(select(Organisation.name).where(Organisation.kind == OrgKind.MIA)
                            .order_by(Organisation.id).limit(1))
    district = session.scalar(select(District.name).where(District.code == notice.district))
    return {"title": TITLE, "number": notice.number, "provider_name": provider.name, "provider_uscc": provider.uscc,
            "district_name": district or "", "month": notice.month, "stars": notice.stars,
            "stars_text": "★" * notice.stars, "insurer_name": insurer.name if insurer else "",
            "issuer_name": issuer or "", "issued_on": notice.issued_on}
