"""The staff facts the demo's ratings run reads (SPEC §8), entered through the carers' services before
the run: the home-care carers' training hours of the last year (the training component) and a small
qualified staff at the bed-based providers (the staffing component that replaces carer stars there).
Without them every demo provider would be rated on an empty register and land at ★1."""
from datetime import date, timedelta

from sqlalchemy import select

from ltc.core.months import add_months
from ltc.demo.carers import START, demo_id_number
from ltc.demo.records import Scene
from ltc.providers.carers.models import Carer
from ltc.providers.carers.services import dated, register
from ltc.providers.carers.services.register import CarerInput

#: training sessions (months before the rated month, hours); 韩秀梅 trained half the yearly target
TRAINING = ((9, "16"), (5, "14"), (2, "12"))
SHORT_TRAINING = "韩秀梅"
TOPICS = ("失能老人照护规范", "压疮预防与翻身技术", "长护险服务记录与签到规范")
#: provider user → (name, staff type, birth date) of its bed-side staff
STAFF = {"provider2": (("沈玉芬", "assistant", date(1977, 4, 18)), ("孔令娟", "nurse", date(1988, 10, 3))),
         "provider3": (("曹静怡", "nurse", date(1985, 6, 21)),)}
STAFF_NUMBERS = 20


def load_rating_inputs(s: Scene) -> None:
    """Training for the home-care carers, then the bed-based providers' staff (none when they have some)."""
    carers = s.session.scalars(select(Carer).where(Carer.provider_id == s.org("provider").id)
                               .order_by(Carer.id)).all()
    for carer in carers:
        _train(s, carer, TRAINING[1:] if carer.name == SHORT_TRAINING else TRAINING, "provider")
    n = STAFF_NUMBERS
    for username, staff in STAFF.items():
        provider = s.org(username)
        if s.session.scalar(select(Carer.id).where(Carer.provider_id == provider.id).limit(1)) is not None:
            continue
        for name, staff_type, birth in staff:
            n += 1
            carer = register.register_carer(s.session, provider_id=provider.id, now=s.now, actor=s.actor(username),
                                            entry=CarerInput(name=name, id_number=demo_id_number(n, birth),
                                                             staff_type=staff_type, employed_from=START))
            dated.add_qualification(s.session, carer, staff_type=staff_type, certificate_no=f"ZG-{START.year}-{n:04d}",
                                    issuer="市人力资源和社会保障局", valid_from=START, valid_to=None,
                                    actor=s.actor(username), now=s.now)
            _train(s, carer, TRAINING, username)


def _train(s: Scene, carer: Carer, sessions, username: str) -> None:
    """One session on the 15th of each month listed, entered by the carer's provider."""
    for (before, hours), topic in zip(sessions, TOPICS, strict=False):
        day = add_months(s.month.last, -before) + timedelta(days=14)
        dated.record_training(s.session, carer, day=day, hours=hours, topic=topic, actor=s.actor(username), now=s.now)
