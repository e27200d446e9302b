"""The plain facts the compliance rules read (SPEC §5.4, §6), pure: no Flask, no database.

The readers (``ltc.compliance.readers``) build them from the database for one provider-month
or one record; a trial calculation can build the same facts without touching the database.
Timestamps are aware UTC datetimes; dates are business dates (Asia/Shanghai); every period is
half-open ``[valid_from, valid_to)`` with ``valid_to`` None for open-ended.
"""
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from math import asin, cos, radians, sin, sqrt
from typing import Any

from ltc.compliance.kinds import RuleCode, Severity
from ltc.core.clock import LOCAL_TZ

EARTH_RADIUS_M = 6_371_008.8
SIX_PLACES = Decimal("0.000001")
#: a margin for the float rounding of a bound (``Point.surely_within``)
SAFETY = 0.999


class cached_property:  # noqa: N801 - functools.cached_property without its lock
    """Computed on first access and kept in the instance (frozen dataclasses too). Unlike
    ``functools.cached_property`` in Python 3.11 it takes no lock: the facts of a scan are read by
    one thread, and a month's visits would pay the lock hundreds of thousands of times."""

    def __init__(self, func):
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.func(instance)
        return value


@dataclass(frozen=True)
class Period:
    valid_from: date
    valid_to: date | None

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


def covering(periods, day: date):
    """The first of ``periods`` that covers ``day``, else None (a plain loop: the rules ask this
    for every record of a month)."""
    for period in periods:
        if period.valid_from <= day and (period.valid_to is None or day < period.valid_to):
            return period
    return None


@dataclass(frozen=True)
class StatusPeriod(Period):
    status: str = ""


@dataclass(frozen=True)
class CareTypePeriod(Period):
    care_type: str = ""


@dataclass(frozen=True)
class Qualification(Period):
    """A carer's qualification (certificate) for a staff type."""

    staff_type: str = ""


@dataclass(frozen=True)
class EntitlementFact(Period):
    care_type: str = ""
    provider_id: int = 0
    level: int = 0
    conclusion_date: date | None = None
    conclusion_valid_to: date | None = None


@dataclass(frozen=True)
class HospitalStay:
    """A stay imported from the medical-insurance system (SPEC §2): ``inpatient`` or ``ltc_special``."""

    category: str
    admitted_on: date
    discharged_on: date | None


@dataclass(frozen=True)
class Person:
    id: int
    death_date: date | None = None
    entitlements: tuple[EntitlementFact, ...] = ()
    statuses: tuple[StatusPeriod, ...] = ()
    hospital_stays: tuple[HospitalStay, ...] = ()


@dataclass(frozen=True)
class Provider:
    id: int
    statuses: tuple[StatusPeriod, ...] = ()
    agreements: tuple[Period, ...] = ()
    care_types: tuple[CareTypePeriod, ...] = ()


@dataclass(frozen=True)
class Carer:
    id: int
    staff_type: str
    qualifications: tuple[Qualification, ...] = ()
    suspensions: tuple[Period, ...] = ()


def _six_places(value) -> Decimal:
    return (value if type(value) is Decimal else Decimal(str(value))).quantize(SIX_PLACES)


@dataclass(frozen=True)
class Point:
    lat: Decimal
    lon: Decimal

    @cached_property
    def key(self) -> tuple[Decimal, Decimal]:
        """The point to 6 decimals (S01 compares points this way)."""
        return (_six_places(self.lat), _six_places(self.lon))

    @cached_property
    def in_radians(self) -> tuple[float, float]:
        """(latitude, longitude) in radians, once per point (a beneficiary's address is one point
        shared by all their visits)."""
        return radians(float(self.lat)), radians(float(self.lon))

    def surely_within(self, other: "Point", metres: float) -> bool:
        """Whether ``other`` is certainly within ``metres`` without the trigonometry: the great circle
        is never longer than going along a meridian and then a parallel, and a parallel is never
        longer than the equator, so R × (|Δlatitude| + |Δlongitude|) (radians) bounds the distance."""
        (lat1, lon1), (lat2, lon2) = self.in_radians, other.in_radians
        return EARTH_RADIUS_M * (abs(lat2 - lat1) + abs(lon2 - lon1)) < metres * SAFETY

    def metres_to(self, other: "Point") -> float:
        """Great-circle (haversine) distance in metres (0.0 for the same point)."""
        (lat1, lon1), (lat2, lon2) = self.in_radians, other.in_radians
        h = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
        return 2 * EARTH_RADIUS_M * asin(sqrt(h))


@dataclass(frozen=True)
class Item:
    code: str
    item_class: str
    staff_types: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RecordRef:
    """The record a finding is about: ``visit``, ``stay`` (a bed-day of it: the finding's date)
    or ``package`` (a family package: beneficiary × provider × month; id = the beneficiary)."""

    kind: str
    id: int


@dataclass(frozen=True)
class Visit:
    id: int
    beneficiary_id: int
    carer_id: int | None
    provider_id: int
    care_type: str
    planned_minutes: int
    scheduled_start: datetime | None = None
    check_in: datetime | None = None
    check_out: datetime | None = None
    actual_minutes: int | None = None
    gps_in: Point | None = None
    gps_out: Point | None = None
    address: Point | None = None          # the beneficiary's registered coordinates
    address_key: str | None = None        # the beneficiary's address, to tell addresses apart (S01)
    device_id: str | None = None
    photo_hash: str | None = None
    uploaded_at: datetime | None = None   # when a device's upload reached the server
    entered_at: datetime | None = None    # when the record was stored (the later entry, V10)
    items: tuple[Item, ...] = ()
    plan_items: frozenset[str] | None = None   # item codes of the care plan in force; None: no plan
    auto_closed: bool = False              # checked out by the nightly scan (V13)
    refused: bool = False                  # a flagged visit the insurer refused (frees its cap share)

    @cached_property
    def ref(self) -> RecordRef:
        return RecordRef("visit", self.id)

    @property
    def start(self) -> datetime | None:
        return self.check_in or self.scheduled_start

    @cached_property
    def service_date(self) -> date:
        """SPEC §5.4: the Shanghai date of the check-in, without one of the scheduled start."""
        return self.start.astimezone(LOCAL_TZ).date()

    @property
    def minutes(self) -> int | None:
        """The actual minutes: as entered, else from check-in to check-out (whole minutes)."""
        if self.actual_minutes is not None:
            return self.actual_minutes
        if self.check_in and self.check_out:
            return int((self.check_out - self.check_in).total_seconds() // 60)
        return None

    @cached_property
    def end(self) -> datetime | None:
        """The check-out, or for a visit not checked out its check-in plus the planned minutes."""
        if self.check_in is None:
            return None
        return self.check_out or self.check_in + timedelta(minutes=self.planned_minutes)


@dataclass(frozen=True)
class Stay:
    """A provider's own stay record (``special`` / ``institution``): admission and discharge dates."""

    id: int
    beneficiary_id: int
    provider_id: int
    care_type: str
    admitted_on: date
    discharged_on: date | None = None


@dataclass(frozen=True)
class Leave:
    """A leave of absence ``[out_on, back_on)`` during a stay; ``back_on`` None while open."""

    id: int
    stay_id: int
    out_on: date
    back_on: date | None = None


@dataclass(frozen=True)
class BedDay:
    stay_id: int
    beneficiary_id: int
    provider_id: int
    care_type: str
    day: date
    admitted_on: date
    leave: Leave | None = None
    #: the length of ``leave`` in days; None while it is open (D02)
    leave_length: int | None = None

    @cached_property
    def ref(self) -> RecordRef:
        return RecordRef("stay", self.stay_id)

    @cached_property
    def service_date(self) -> date:
        return self.day

    @cached_property
    def start(self) -> datetime:
        """A bed-day counts from 00:00 (local) of its day ("the later", V04 / V06)."""
        return datetime.combine(self.day, datetime.min.time(), LOCAL_TZ)


@dataclass(frozen=True)
class CapSegment:
    """A monthly cap of one beneficiary and care type over ``[start, end)`` (SPEC §7.2), prorated
    already: minutes (home hours × 60) and / or visits; None: no such cap."""

    beneficiary_id: int
    care_type: str
    start: date
    end: date
    minutes: int | None = None
    visits: int | None = None
    provider_id: int | None = None   # segments split at a change of provider: only its visits count


@dataclass(frozen=True)
class Facts:
    """Everything the rules read for one scan: the records and the dated facts around them.

    ``month`` is the first day of the month scanned (F01 and S02 count per month)."""

    month: date
    visits: tuple[Visit, ...] = ()
    bed_days: tuple[BedDay, ...] = ()
    persons: Mapping[int, Person] = field(default_factory=dict)
    providers: Mapping[int, Provider] = field(default_factory=dict)
    carers: Mapping[int, Carer] = field(default_factory=dict)
    caps: tuple[CapSegment, ...] = ()


@dataclass(frozen=True)
class Finding:
    """One rule's verdict on one record (a bed-day: the stay and its date). ``message`` is a
    msgid with ``%(name)s`` placeholders filled from ``params``; ``evidence`` holds the values
    the rule compared (JSON-able). ``minutes_over`` is set by V07: the visit's minutes beyond the cap."""

    rule: RuleCode
    severity: Severity
    record: RecordRef
    service_date: date
    person_id: int
    message: str
    params: Mapping[str, Any] = field(default_factory=dict)
    evidence: Mapping[str, Any] = field(default_factory=dict)
    provider_id: int | None = None
    carer_id: int | None = None
    minutes_over: int | None = None

    @property
    def key(self) -> tuple:
        """What identifies the finding across scans (an unchanged verdict is not stored twice)."""
        return (self.rule.value, self.record.kind, self.record.id, self.service_date)
