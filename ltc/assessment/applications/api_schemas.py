"""The bodies of the applications API (``ltc.assessment.applications.api``) as pydantic models: the list
filters, a list row, one application in full, the joint record, the entry and the co-signature."""
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import Field, WithJsonSchema

from ltc.api.paging import PageQuery
from ltc.api.schema import MAX_INT, Body, Int32, IsoDate, Out, QueryBool, query_int
from ltc.assessment.applications.states import Status
from ltc.assessment.scale.api_schemas import Grading

MAX_NOTES = 2000  # as the entry form

StatusValue = Literal[tuple(s.value for s in Status)]


class ApplicationQuery(PageQuery):
    status: StatusValue | None = None
    agency_id: query_int(MAX_INT) | None = None
    overdue: QueryBool = Field(False, description="true: overdue rows only")


class OrgRef(Out):
    id: int
    name: str


class PersonRef(Out):
    id: int
    name: str
    id_number: str = Field(description="masked")
    district: str


class ApplicationRow(Out):
    id: int
    number: str
    kind: str
    status: StatusValue
    parent_id: int | None
    person: PersonRef
    self_assessment_grade: str | None
    submitted_on: date | None
    accepted_on: date | None
    dispatched_on: date | None
    visit_on: date | None
    publicity_start: date | None
    publicity_end: date | None
    concluded_on: date | None
    #: the day the conclusion became final (SPEC §3.1); null while it may still be objected to
    final_on: date | None
    acceptance_due_on: date | None
    conclusion_due_on: date | None
    due_on: date | None
    sla: Literal["ok", "due_soon", "overdue"]
    agency: OrgRef | None
    filed_by: str | None
    level: int | None


class Signature(Out):
    user_id: int
    name: str
    signed_at: datetime


class JointRecord(Grading):
    """The grading of the joint on-site record, with its answers."""

    items: dict[str, int]
    assessed_on: date | None
    notes: str | None
    entered_by: int
    entered_at: datetime
    signatures: list[Signature]


class Applicant(Out):
    name: str | None
    relation: str | None
    phone: str | None = Field(description="masked")


class Refusal(Out):
    code: str
    text: str | None


class Assessor(Out):
    user_id: int
    name: str
    is_expert: bool
    declared_at: datetime | None = Field(description="when the assessor made the recusal declaration "
                                                     "personally; null until then")


class Visit(Out):
    visit_on: date | None
    assessors: list[Assessor]


class Confirmation(Out):
    user_id: int
    name: str
    on_site: bool
    at: datetime | None


class Actor(Out):
    user_id: int | None
    name: str
    org: str | None


class Event(Out):
    at: datetime
    action: str
    from_status: str | None
    to_status: str | None
    actor: Actor
    reason: str | None


class NoticeRef(Out):
    id: int
    number: str
    kind: str
    issued_at: datetime
    status: Literal["pending", "issued"] = Field(description="pending: numbered, its PDF being generated")
    download_url: str | None = Field(description="GET it for the PDF; null while the notice is pending")


class ApplicationDetail(ApplicationRow):
    version: int
    level_name: str | None
    confirmed_on: date | None
    valid_from: date | None
    valid_to: date | None
    objection_until: date | None
    paused_since: date | None
    refusal: Refusal | None
    close_reason: str | None
    applicant: Applicant
    visit: Visit | None
    assessment: JointRecord | None
    confirmations: list[Confirmation]
    children: list[int]
    events: list[Event]
    notices: list[NoticeRef]


_VERSION = "the application version read; a stale one is a 409"


class AssessmentEntry(Body):
    items: Annotated[dict[str, Any], WithJsonSchema({
        "type": "object", "additionalProperties": {"type": "integer"},
        "description": "one JSON integer per item code of the ruleset in force on the visit date "
                       "(see POST /api/v1/assessments/grade)"})]
    assessed_on: IsoDate | None = Field(None, description="the booked visit date (the record's assessment "
                                                          "date); checked when given")
    notes: Annotated[str, Field(max_length=MAX_NOTES)] | None = None
    version: Int32 | None = Field(None, description=_VERSION)


class Cosignature(Body):
    version: Int32 | None = Field(None, description=_VERSION)


class RecusalDeclaration(Body):
    text: Annotated[str, Field(min_length=1, max_length=500)] = Field(
        description="the declaration that you have no tie with the person (回避声明)")
    version: Int32 | None = Field(None, description=_VERSION)


class RecusalOut(Out):
    application_id: int
    version: int
    user_id: int
    text: str
    declared_at: datetime


class RecordOut(Out):
    application_id: int
    status: StatusValue
    version: int
    assessment: JointRecord
