"""The trial calculation's body and answer (issue 11 point 2): pydantic, strict.

Periods are half-open; money is a decimal string; timestamps carry a UTC offset. A value given as
a plain string (``category``, ``enrolment``) or a list of strings (``tags``) holds all month; a
list of ``{"value", "from", "to"}`` dates it."""
import re
from datetime import date
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from ltc.api.schema import Body, IsoDate, Out
from ltc.providers.records.api_schemas import Latitude, Longitude, Moment

MONEY = re.compile(r"[0-9]{1,8}(\.[0-9]{1,2})?")
MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
MAX_RECORDS = 500

CareTypeName = Literal["special", "institution", "home", "outreach", "family"]
CategoryName = Literal["employee", "resident"]
TagName = Literal["medical_assistance", "severe_disability_cert", "chronic_class_a"]
EnrolmentName = Literal["active", "suspended", "transferred", "deceased"]
GradeName = Literal["hospital_1", "hospital_2", "hospital_3", "nursing_hospital", "nursing_home", "home_care",
                    "clinic"]
StaffTypeName = Literal["assistant", "nurse", "doctor", "village_doctor"]


def _month(value):
    if isinstance(value, str) and MONTH.fullmatch(value):
        return date.fromisoformat(value + "-01")
    raise ValueError("must be a month YYYY-MM")


def _money(value):
    if isinstance(value, str) and MONEY.fullmatch(value):
        return value
    raise ValueError("must be an amount as a decimal string, e.g. \"58.00\"")


Month = Annotated[date, BeforeValidator(_month)]
MoneyText = Annotated[str, BeforeValidator(_money)]


class TrialDated(Body):
    """A value over ``[from, to)`` (``to`` absent or null: to the end of the month)."""

    from_: IsoDate = Field(alias="from")
    to: IsoDate | None = None


class TrialDatedCategory(TrialDated):
    value: CategoryName


class TrialDatedTag(TrialDated):
    value: TagName


class TrialDatedEnrolment(TrialDated):
    value: EnrolmentName


class TrialCoordinates(Body):
    lat: Latitude
    lon: Longitude


class TrialPersonIn(Body):
    category: CategoryName | list[TrialDatedCategory]
    tags: list[TagName] | list[TrialDatedTag] = []
    death_date: IsoDate | None = None
    enrolment: EnrolmentName | list[TrialDatedEnrolment] = "active"
    coordinates: TrialCoordinates | None = None


class TrialEntitlementIn(Body):
    care_type: CareTypeName
    level: int = Field(ge=1, le=5)
    from_: IsoDate = Field(alias="from")
    to: IsoDate | None = Field(None, description="default: conclusion_valid_to")
    conclusion_date: IsoDate
    conclusion_valid_to: IsoDate


class TrialProviderIn(Body):
    facility_grade: GradeName | None = None
    daily_price: MoneyText | None = None
    status: Literal["active", "suspended", "exited"] = "active"
    care_types: list[CareTypeName] | None = Field(None, description="default: the entitlements' care types")


class TrialStayIn(Body):
    admission: IsoDate
    discharge: IsoDate | None = None


class TrialLeaveIn(Body):
    out: IsoDate
    back: IsoDate | None = None


class TrialHospitalStayIn(Body):
    category: Literal["inpatient", "ltc_special"]
    admission: IsoDate
    discharge: IsoDate | None = None


class TrialVisitIn(Body):
    carer: str = Field(min_length=1, max_length=50, description="the same label: the same carer")
    carer_staff_type: StaffTypeName
    start: Moment
    end: Moment | None = Field(None, description="absent: closed at its planned minutes and flagged V13")
    planned_minutes: int = Field(ge=1, le=24 * 60)
    items: list[str] = Field(max_length=50)
    scheduled_start: Moment | None = None
    gps: TrialCoordinates | None = None
    photo_hash: str | None = Field(None, min_length=1, max_length=128)
    carer_suspended: bool = False
    carer_qualified: bool = True


class TrialPlanIn(Body):
    items: list[str] = Field(max_length=100)


class TrialIn(Body):
    """One beneficiary-month scenario with one provider."""

    month: Month
    person: TrialPersonIn
    entitlements: list[TrialEntitlementIn] = Field(min_length=1, max_length=12)
    provider: TrialProviderIn
    stays: list[TrialStayIn] = Field([], max_length=MAX_RECORDS)
    leaves: list[TrialLeaveIn] = Field([], max_length=MAX_RECORDS)
    hospital_stays: list[TrialHospitalStayIn] = Field([], max_length=MAX_RECORDS)
    visits: list[TrialVisitIn] = Field([], max_length=MAX_RECORDS)
    plan: TrialPlanIn | None = None


class TrialLineOut(Out):
    care_type: str
    from_: str = Field(alias="from")
    to: str
    rate: str
    unit: Literal["day", "minute", "visit", "package"]
    payable_units: int
    held: dict[str, int]
    rejected: dict[str, int]
    billable: str
    ratio: str
    fund: str
    copay: str


class TrialAllowanceOut(Out):
    days: int
    excluded: dict[str, int]
    amount: str


class TrialFindingOut(Out):
    rule: str
    severity: Literal["REJECT", "FLAG", "WARN"]
    date: str
    record: str = Field(description="a JSON pointer into the body: /visits/3, /stays/0; the package: /entitlements")
    explanation: str


class TrialOut(Out):
    lines: list[TrialLineOut]
    allowance: TrialAllowanceOut | None
    findings: list[TrialFindingOut]
    not_evaluated: list[str]
