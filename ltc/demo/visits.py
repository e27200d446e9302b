"""Demo visits (SPEC §5.4, §6): the schedule generated from the care plans for the previous and the
current month, the visits before today logged as carers log them, and the ones that break a rule
on purpose; then the nightly scan over both months (``ltc.demo.records`` sets the scene)."""
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

from ltc.compliance.jobs import scan_provider
from ltc.providers.care_plans.models import CarePlanVisitType
from ltc.providers.catalogue.models import ServiceItem
from ltc.providers.kinds import VisitStatus
from ltc.providers.records import schedule, visits
from ltc.providers.carers.models import Carer
from ltc.providers.records.models import Visit

if TYPE_CHECKING:
    from ltc.demo.records import Scene

#: who serves whom: the demo ``carer`` login's entry serves the regular beneficiary; 杨桂兰's
#: visits all end right at the minimum duration (S02)
DEFAULT_CARERS = {"regular": "卫护理员", "capped": "韩秀梅", "expiring": "杨桂兰", "deceased": "杨桂兰",
                  "suspended": "杨桂兰", "hospital": "杨桂兰", "late_start": "卫护理员", "outreach": "许春燕",
                  "family": "何文静"}
#: the family package's scheduled visits stay unlogged (only one is logged apart: F01)
UNLOGGED = ("family",)
BUNCHED = "杨桂兰"


def load_visits(s: "Scene") -> int:
    """Generate the schedule, log the visits before today, then the ones breaking rules."""
    provider = s.org("provider").id
    for key, name in DEFAULT_CARERS.items():
        schedule.set_default_carer(s.session, provider_id=provider, person_id=s.persons[key].id,
                                   carer_id=s.carers[name].id, actor=s.actor("provider"), now=s.now)
    for month in (s.month.last, s.month.this):
        for key in DEFAULT_CARERS:
            if s.persons[key].id in schedule.beneficiaries(s.session, provider, month):
                schedule.schedule_month(s.session, provider_id=provider, month=month, person_id=s.persons[key].id,
                                        actor=s.actor("provider"), now=s.at(month - timedelta(days=5), 16))
    made = _log_scheduled(s, provider)
    return made + _breaches(s)


def _item_ids(s: "Scene", codes) -> list[int]:
    return list(s.session.scalars(select(ServiceItem.id).where(ServiceItem.code.in_(codes))))


def _near(s: "Scene", key: str, metres: int = 20) -> tuple[Decimal | None, Decimal | None]:
    person = s.persons[key]
    if person.latitude is None:
        return None, None
    return person.latitude + (Decimal(metres) / Decimal("111195")).quantize(Decimal("0.000001")), person.longitude


def _log_scheduled(s: "Scene", provider: int) -> int:
    """Each scheduled visit before today, checked in on time with the plan's items (every visit of
    ``BUNCHED`` ends a minute after its minimum)."""
    due = list(s.session.scalars(select(Visit).where(
        Visit.provider_id == provider, Visit.status == VisitStatus.SCHEDULED.value,
        Visit.service_date < s.month.today).order_by(Visit.scheduled_start, Visit.id)))
    by_id = {c.id: c for c in s.carers.values()}
    keys = {p.id: k for k, p in s.persons.items()}
    made = 0
    for visit in due:
        carer, key = by_id.get(visit.carer_id), keys.get(visit.person_id)
        if carer is None or key is None or key in UNLOGGED:
            continue
        minutes = int(Decimal("0.9") * visit.planned_minutes) + 1 if carer.name == BUNCHED \
            else visit.planned_minutes + 5
        start = visit.scheduled_start + timedelta(minutes=3)
        visit_type = s.session.get(CarePlanVisitType, visit.visit_type_id)
        items = [i.service_item_id for i in visit_type.items]
        lat, lon = _near(s, key)
        _record(s, carer, visit.person_id, start, minutes, items, visit_id=visit.id, lat=lat, lon=lon,
                device_id=f"pad-{carer.id:02d}")
        made += 1
    return made


def _record(s: "Scene", carer: Carer, person_id: int, start: datetime, minutes: int, items: list[int], *,
            lat: Decimal | None = None, lon: Decimal | None = None, source: str = "api",
            uploaded_at: datetime | None = None, **fields) -> Visit:
    """A whole visit as the carer's device sends it (the demo login's own, otherwise through the
    provider's operator), saved and checked when it was uploaded (by default at its check-out)."""
    end = start + timedelta(minutes=minutes)
    uploaded = uploaded_at or end
    actor = s.actor("carer") if carer.user_id == s.users["carer"].id else s.actor("provider")
    return visits.record_visit(s.session, actor=actor, carer_id=carer.id, person_id=person_id, check_in_at=start,
                               check_out_at=end, item_ids=items, check_in_lat=lat, check_in_lon=lon,
                               check_out_lat=lat, check_out_lon=lon, source=source, uploaded_at=uploaded,
                               actual_minutes=minutes, now=uploaded, **fields).visit


def _breaches(s: "Scene") -> int:
    """One or more visits per visit rule of SPEC §6, as they would have been logged."""
    d, p, c = s.month.day, s.persons, s.carers
    life = _item_ids(s, ("SH01",))
    regular, capped = p["regular"].id, p["capped"].id
    made = [
        _record(s, c["卫护理员"], regular, s.at(d(4), 18), 40, life, notes="家属临时有事，提前结束"),       # V03
        _record(s, c["卫护理员"], regular, s.at(d(5), 18), 60, life, lat=_near(s, "regular", 900)[0],
                lon=p["regular"].longitude),                                                          # V01
        _record(s, c["卫护理员"], regular, s.at(d(6), 18), 60, _item_ids(s, ("SH01", "SH03"))),        # V09
        _record(s, c["卫护理员"], regular, s.at(d(7), 18), 60, life, device_id="pad-offline",
                source="offline", uploaded_at=s.at(d(11), 8)),                                        # V12
        _record(s, c["韩秀梅"], capped, s.at(d(8), 18), 60, life),                                      # V04 first
        _record(s, c["韩秀梅"], regular, s.at(d(8), 18, 30), 60, life),                                # V04 later
        _record(s, c["卫护理员"], regular, s.at(d(11), 18), 60, life, photo_hash="ab12" * 16),           # S01
        _record(s, c["韩秀梅"], capped, s.at(d(11), 21), 60, life, photo_hash="ab12" * 16),          # S01
        _record(s, c["秦建军"], p["hospital"].id, s.at(d(13), 18), 60, life),                           # P02
        _record(s, c["许春燕"], p["outreach"].id, s.at(d(16), 17), 45, _item_ids(s, ("SH32",))),       # P01
        _record(s, c["杨桂兰"], p["expiring"].id, s.at(d(17), 18), 55, life),                           # E02
        _record(s, c["杨桂兰"], p["suspended"].id, s.at(d(19), 18), 55, life),                          # E03
        _record(s, c["杨桂兰"], p["deceased"].id, s.at(d(22), 18), 55, life),                           # E07
        _record(s, c["杨桂兰"], p["hospital"].id, s.at(d(6), 18), 55, life),                            # E08
        _record(s, c["卫护理员"], p["late_start"].id, s.at(d(5), 12), 30, life),                          # E01
        _record(s, c["卫护理员"], regular, s.at(d(25), 20), 60, life),                                  # V06
        _record(s, c["何文静"], p["family"].id, s.at(d(9), 10), 60, life),                              # F01: 1 of 4
    ]
    first = _record(s, c["卫护理员"], regular, s.at(d(27), 18), 60, life)
    made.append(_record(s, c["卫护理员"], regular, first.check_in_at, 65, life, notes="补录"))          # V10
    made += [_record(s, c["韩秀梅"], capped, s.at(d(n), 19), 120, life) for n in (2, 6, 10, 14, 18, 22)]   # V07
    visits.check_in(s.session, actor=s.actor("carer"), carer_id=c["卫护理员"].id, person_id=regular,
                    at=s.at(d(28), 18), device_id="pad-01", source="api", uploaded_at=s.at(d(28), 18),
                    now=s.at(d(28), 18))                                                             # V13
    return len(made) + 1


def scan(s: "Scene") -> None:
    """The nightly scan of each demo provider as it runs at 01:00 of the load date."""
    due = min(s.at(s.month.today, 1), s.now)
    for name in ("provider", "provider2", "provider3"):
        scan_provider(s.session, str(s.org(name).id), now=s.now, due_at=due)
