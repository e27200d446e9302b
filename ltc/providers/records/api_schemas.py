"""Bodies and answers of the carers' API (``records.api``): pydantic models and their JSON.

Timestamps are ISO 8601 with a UTC offset (a naive one is refused: the device's clock zone is not
known) and are answered in Asia/Shanghai time."""
import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from flask import url_for
from flask_babel import get_translations
from pydantic import BeforeValidator, Field

from ltc.api.schema import MAX_INT, Body, Int32, Out, Query, query_int
from ltc.core.audit import jsonable
from ltc.core.clock import to_local
from ltc.providers.kinds import VisitCareType
from ltc.providers.records.models import NOTE_MAX, Visit

#: ``2026-03-16T10:00:00+08:00`` or ``…Z``; seconds and fractions optional
LOCAL_MOMENT = r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
ISO_MOMENT = re.compile(LOCAL_MOMENT + r"(Z|[+-][0-9]{2}:[0-9]{2})")
BATCH_MAX = 200


def _aware(value):
    if isinstance(value, str):
        if ISO_MOMENT.fullmatch(value):
            try:
                return datetime.fromisoformat(value)
            except ValueError:
                pass
        elif re.fullmatch(LOCAL_MOMENT, value):
            raise ValueError("must carry a UTC offset, e.g. 2026-03-16T10:00:00+08:00")
    raise ValueError("must be a time YYYY-MM-DDTHH:MM:SS+HH:MM")


#: an instant with its UTC offset
Moment = Annotated[datetime, BeforeValidator(_aware)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
Minutes = Annotated[int, Field(ge=0, le=24 * 60)]
Items = Annotated[list[Int32], Field(min_length=1, max_length=100)]
DeviceId = Annotated[str, Field(min_length=1, max_length=100)]
PhotoHash = Annotated[str, Field(min_length=1, max_length=128)]
Notes = Annotated[str, Field(max_length=NOTE_MAX)]
VisitCareTypeName = Literal[tuple(t.value for t in VisitCareType)]


class TodayQuery(Query):
    carer_id: query_int(MAX_INT) | None = Field(
        None, description="an operator: one carer's visits (default: the provider's); a carer: its own")


#: a visit outside any care plan (SPEC §6: stored with its findings, E01 / V09)
WITHOUT_PLAN_CARE_TYPE = Field(None, description="a visit outside any care plan: its care type (default: that of "
                                                 "the person's entitlement with the provider, else the provider's "
                                                 "only visit care type); ignored when a plan is in force")
WITHOUT_PLAN_MINUTES = Field(None, ge=1, le=24 * 60,
                             description="a visit outside any care plan: its planned minutes (default: the "
                                         "catalogue's standard minutes of its items); ignored when a plan is in force")


class CheckIn(Body):
    carer_id: Int32 | None = Field(None, description="a carer: itself (default); an operator: required")
    person_id: Int32
    at: Moment
    visit_id: Int32 | None = Field(None, description="the scheduled visit (default: the day's nearest one)")
    visit_type_id: Int32 | None = None
    care_type: VisitCareTypeName | None = WITHOUT_PLAN_CARE_TYPE
    planned_minutes: int | None = WITHOUT_PLAN_MINUTES
    lat: Latitude | None = None
    lon: Longitude | None = None
    device_id: DeviceId | None = None
    photo_hash: PhotoHash | None = None


class CheckOut(Body):
    at: Moment
    item_ids: Items = Field(description="the catalogue items delivered")
    actual_minutes: Minutes | None = Field(None, description="default: check-out minus check-in")
    lat: Latitude | None = None
    lon: Longitude | None = None
    photo_hash: PhotoHash | None = None
    notes: Notes | None = None


class OfflineVisit(Body):
    """A whole visit recorded on a device without signal, checked as if entered at its check-in."""
    carer_id: Int32 | None = None
    person_id: Int32
    visit_id: Int32 | None = None
    visit_type_id: Int32 | None = None
    care_type: VisitCareTypeName | None = WITHOUT_PLAN_CARE_TYPE
    planned_minutes: int | None = WITHOUT_PLAN_MINUTES
    check_in_at: Moment
    check_out_at: Moment
    item_ids: Items
    actual_minutes: Minutes | None = None
    check_in_lat: Latitude | None = None
    check_in_lon: Longitude | None = None
    check_out_lat: Latitude | None = None
    check_out_lon: Longitude | None = None
    device_id: DeviceId | None = None
    photo_hash: PhotoHash | None = None
    notes: Notes | None = None


class Batch(Body):
    visits: Annotated[list[OfflineVisit], Field(min_length=1, max_length=BATCH_MAX,
                                                description="each checked on its own: a visit with a problem "
                                                            "is answered 400 in its result, the others are saved")]


#: a problem inside one visit of a batch (``visits[3].check_in_at``): that visit's own result
IN_ONE_VISIT = re.compile(r"visits\[[0-9]+\]")


class FindingOut(Out):
    rule: str
    severity: str
    explanation: str = Field(description="in the request's language (Accept-Language)")
    evidence: dict[str, Any]


class VisitOut(Out):
    id: int
    url: str
    person_id: int
    person_name: str
    address: str | None
    carer_id: int | None
    care_type: str
    status: str
    visit_type_id: int | None
    scheduled_start: datetime | None
    check_in_at: datetime | None
    check_out_at: datetime | None
    service_date: date
    planned_minutes: int
    actual_minutes: int | None
    item_ids: list[int]
    version: int


class VisitsOfDay(Out):
    date: date
    items: list[VisitOut]


class StoredVisit(Out):
    visit: VisitOut
    findings: list[FindingOut] = Field(description="the findings stored for it (entry-time and nightly scan)")


class SavedVisit(Out):
    visit: VisitOut
    findings: list[FindingOut]
    same_start_as: int | None = Field(description="an earlier visit with the same beneficiary, carer and check-in "
                                                  "(V10 rejects this one)")


class BatchResult(Out):
    index: int = Field(description="the visit's place in the request")
    status: int = Field(description="201 saved (with its findings), else the error's status")
    visit: VisitOut | None = None
    findings: list[FindingOut] = []
    same_start_as: int | None = None
    error: str | None = None
    fields: dict[str, str] = {}


class BatchOut(Out):
    results: list[BatchResult]


def _moment(value: datetime | None) -> str | None:
    return None if value is None else to_local(value).isoformat()


def visit_json(visit: Visit, name: str, address: str | None) -> dict:
    return {"id": visit.id, "url": url_for("api.carer_visit", visit_id=visit.id), "person_id": visit.person_id,
            "person_name": name, "address": address, "carer_id": visit.carer_id, "care_type": visit.care_type,
            "status": visit.status, "visit_type_id": visit.visit_type_id,
            "scheduled_start": _moment(visit.scheduled_start), "check_in_at": _moment(visit.check_in_at),
            "check_out_at": _moment(visit.check_out_at), "service_date": visit.service_date.isoformat(),
            "planned_minutes": visit.planned_minutes, "actual_minutes": visit.actual_minutes,
            "item_ids": sorted(item.service_item_id for item in visit.items), "version": visit.version}


def finding_json(finding, translations=None) -> dict:
    """A finding with its explanation in the request's language (the message is the msgid; string
    parameters are labels, translated too); ``translations``: the request's, when already at hand."""
    translate = (translations if translations is not None else get_translations()).ugettext
    params = {k: translate(v) if isinstance(v, str) and v else v for k, v in (finding.params or {}).items()}
    message = translate(finding.message)
    return {"rule": finding.rule, "severity": finding.severity,
            "explanation": message % params if params else message, "evidence": jsonable(finding.evidence or {})}


def findings_json(findings) -> list[dict]:
    """``finding_json`` of each, the request's translations looked up once."""
    translations = get_translations()
    return [finding_json(finding, translations) for finding in findings]
