"""The plain facts the generator decides (no database): every row carries its final id."""
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal


@dataclass(slots=True)
class Options:
    beneficiaries: int
    providers: int
    start: date            # the first day of the first month
    months: int
    seed: int = 1


@dataclass(slots=True)
class Provider:
    id: int
    name: str
    uscc: str
    grade: str
    care_types: tuple[str, ...]
    district: str
    lat: int               # micro-degrees
    lon: int
    beds: int = 0
    price: Decimal | None = None
    #: ``[from, to)`` windows in which the provider is suspended (P01)
    suspended: list[tuple[date, date]] = field(default_factory=list)


@dataclass(slots=True)
class Person:
    id: int
    index: int             # 0-based, also the GPS residue of its visits (S01-safe points)
    id_number: str
    name: str
    sex: str
    birth: date
    district: str
    lat: int
    lon: int
    category: str
    tags: tuple[str, ...]
    care_type: str
    level: int
    provider_id: int
    death: date | None = None
    #: ``[from, to)`` windows of a suspended enrolment (E03)
    suspended: list[tuple[date, date]] = field(default_factory=list)
    #: ``[from, to)`` inpatient hospital stays (E08)
    inpatient: list[tuple[date, date]] = field(default_factory=list)
    #: the provider keeps records only in ``[first, last)`` (None: unbounded)
    first: date | None = None
    last: date | None = None
    #: ``[from, to)`` windows with no visit (the person was in hospital and the provider knew)
    away: list[tuple[date, date]] = field(default_factory=list)


@dataclass(slots=True)
class Entitlement:
    id: int
    app_id: int
    person_id: int
    provider_id: int
    care_type: str
    level: int
    concluded_on: date
    conclusion_valid_to: date
    valid_from: date
    valid_to: date
    end_reason: str | None = None
    plan_id: int = 0


@dataclass(slots=True)
class Carer:
    id: int
    provider_id: int
    staff_type: str
    id_number: str
    name: str
    birth: date
    sex: str
    qualified: list[tuple[date, date | None]] = field(default_factory=list)
    suspended: list[tuple[date, date]] = field(default_factory=list)


@dataclass(slots=True)
class VisitType:
    """A person's one visit type: weekdays (ISO), start time, minutes, items and the carer who goes."""
    id: int
    plan_id: int
    person_id: int
    provider_id: int
    care_type: str
    weekdays: tuple[int, ...]
    start: time
    minutes: int
    items: tuple[int, ...]
    medical: bool
    carer_id: int
    effective_from: date


@dataclass(slots=True)
class Stay:
    id: int
    provider_id: int
    person_id: int
    care_type: str
    admitted: date
    discharged: date | None
    #: the medical-insurance system shows no ``ltc_special`` stay for it (V11)
    unmatched: bool = False


@dataclass(slots=True)
class Leave:
    id: int
    stay_id: int
    provider_id: int
    person_id: int
    out: date
    back: date


@dataclass(slots=True)
class HospitalStay:
    id: int
    person_id: int
    hospital: str
    category: str
    admitted: date
    discharged: date | None


@dataclass(slots=True)
class Visit:
    id: int
    provider_id: int
    person_id: int
    carer_id: int
    care_type: str
    plan_id: int | None
    visit_type_id: int | None
    scheduled: datetime
    check_in: datetime
    check_out: datetime | None
    day: date
    planned: int
    actual: int | None
    in_lat: int
    in_lon: int
    out_lat: int | None
    out_lon: int | None
    photo: str
    uploaded: datetime
    items: tuple[int, ...]
    medical: bool
    source: str = "api"
    notes: str | None = None


@dataclass(slots=True)
class Item:
    id: int
    item_class: str
    staff_types: frozenset[str]
    care_types: frozenset[str]


@dataclass
class World:
    options: Options
    districts: list[str]
    #: the districts the database does not have yet (written with the city)
    districts_new: list[str]
    insurer_id: int
    agency_ids: list[int]
    providers: list[Provider]
    persons: list[Person]
    entitlements: list[Entitlement]
    carers: list[Carer]
    visit_types: list[VisitType]
    stays: list[Stay]
    leaves: list[Leave]
    hospital_stays: list[HospitalStay]
    #: rule → the subjects (``person:ID``, ``carer:ID``, ``provider:ID``, ``stay:ID``) seeded for it
    intended: dict[str, set[str]]
    #: (id, kind, name, uscc) of the insurer and the agencies
    others: list = field(default_factory=list)
    ids: object = None
    maker: object = None
    stays_by_person: dict = field(default_factory=dict)
    ent_by_person: dict = field(default_factory=dict)
    provider_names: dict = field(default_factory=dict)
