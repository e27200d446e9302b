"""The demo carer register (SPEC §1): the home-care provider's staff with their qualifications, so
the entitlement review's capacity check has carers to count, the provider's home page shows a
qualification that ends soon, and the demo ``carer`` login has its own entry."""
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum.cn.ric import calc_check_digit

from ltc.auth.models import User
from ltc.core.audit import SYSTEM
from ltc.core.clock import local_today
from ltc.orgs.models import Organisation
from ltc.providers.carers.models import Carer
from ltc.providers.carers.services import dated, logins, register
from ltc.providers.carers.services.register import CarerInput

START = date(2024, 1, 1)
#: name, staff type, birth date; the first is the demo ``carer`` login's entry
CARERS = (("卫护理员", "assistant", date(1978, 3, 12)), ("韩秀梅", "assistant", date(1981, 7, 2)),
          ("杨桂兰", "assistant", date(1975, 11, 23)), ("朱丽华", "assistant", date(1983, 5, 9)),
          ("秦建军", "assistant", date(1979, 9, 30)), ("许春燕", "nurse", date(1986, 2, 14)),
          ("何文静", "nurse", date(1990, 8, 8)), ("吕志强", "doctor", date(1972, 12, 1)))
#: the carer whose qualification ends within the reminder window after the load date
ENDING_CARER, ENDING_AFTER_DAYS = "朱丽华", 40


def demo_id_number(n: int, birth: date) -> str:
    body = f"330102{birth:%Y%m%d}{2 * n + 1:03d}"
    return body + calc_check_digit(body + "0")


def load_carers(session: Session, orgs: dict[str, Organisation], users: list[User], *, now: datetime) -> None:
    """The register of the demo home-care provider (nothing when it already has carers)."""
    provider = orgs["provider"]
    if session.scalar(select(Carer.id).where(Carer.provider_id == provider.id).limit(1)) is not None:
        return
    ending = local_today(now) + timedelta(days=ENDING_AFTER_DAYS)
    for n, (name, staff_type, birth) in enumerate(CARERS, start=1):
        carer = register.register_carer(
            session, provider_id=provider.id, actor=SYSTEM, now=now,
            entry=CarerInput(name=name, id_number=demo_id_number(n, birth), staff_type=staff_type,
                             employed_from=START, phone=f"1390571{n:04d}"))
        dated.add_qualification(session, carer, staff_type=staff_type, certificate_no=f"ZG-{START.year}-{n:04d}",
                                issuer="市人力资源和社会保障局", valid_from=START,
                                valid_to=ending if name == ENDING_CARER else None, actor=SYSTEM, now=now)
        dated.add_certificate(session, carer, name="健康证", number=f"JK-{n:04d}", valid_from=START, valid_to=None,
                              actor=SYSTEM, now=now)
    login = next((u for u in users if u.username == "carer"), None)
    if login is not None:
        first = session.scalar(select(Carer).where(Carer.provider_id == provider.id, Carer.name == CARERS[0][0]))
        logins.link_login(session, first, user=login, actor=SYSTEM, now=now)
