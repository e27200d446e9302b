"""Settlements over the API (SPEC §7.3): the settlements in the caller's scope (the MIA all, an
insurer those of its districts' providers, a provider its own) and one settlement's current lines.
Same scope rule as the pages: a settlement outside it is a 404. Money is a decimal string."""
from datetime import date
from typing import Literal

from flask import jsonify
from pydantic import Field

from ltc.api.blueprint import bp
from ltc.api.paging import PageQuery, page_json
from ltc.api.schema import Out, Page, api_route
from ltc.auth.permissions import Action
from ltc.auth.scope import get_scoped
from ltc.auth.web import api_permission, api_user
from ltc.billing import settlement_pages as pages
from ltc.billing.kinds import LineKind, SettlementStatus, Unit
from ltc.billing.models import Settlement, SettlementLine
from ltc.core.pagination import paginate
from ltc.extensions import db
from ltc.orgs.models import Organisation

Status = Literal[tuple(SettlementStatus)]


class SettlementQuery(PageQuery):
    month: str | None = Field(None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="the service month, YYYY-MM")
    status: Status | None = None


class SettlementOut(Out):
    id: int
    provider_id: int
    provider: str
    month: str = Field(description="YYYY-MM")
    kind: str
    status: Status
    revision: int
    billable: str
    fund: str
    copay: str
    adjustments: str
    deposit: str
    net: str
    beneficiaries: int
    case_id: int | None


class LineOut(Out):
    id: int
    kind: Literal[tuple(LineKind)]
    person_id: int | None
    care_type: str | None
    level: int | None
    date_from: date = Field(alias="from")
    date_to: date = Field(alias="to")
    rate: str
    unit: Literal[tuple(Unit)]
    payable_units: int
    held_units: int
    rejected: dict[str, int]
    billable: str
    ratio: str
    fund: str
    copay: str
    service_month: str | None
    reason: str | None
    finding_ids: list[int]


class LinesOut(Out):
    settlement_id: int
    revision: int
    lines: list[LineOut]


def settlement_json(s: Settlement, provider: str) -> dict:
    return {"id": s.id, "provider_id": s.provider_id, "provider": provider, "month": f"{s.month:%Y-%m}",
            "kind": s.kind, "status": s.status, "revision": s.revision, "billable": str(s.billable),
            "fund": str(s.fund), "copay": str(s.copay), "adjustments": str(s.adjustments), "deposit": str(s.deposit),
            "net": str(s.net), "beneficiaries": s.beneficiaries, "case_id": s.case_id}


def line_json(line: SettlementLine, finding_ids: list[int]) -> dict:
    return {"id": line.id, "kind": line.kind, "person_id": line.person_id, "care_type": line.care_type,
            "level": line.level, "from": line.date_from.isoformat(), "to": line.date_to.isoformat(),
            "rate": str(line.rate), "unit": line.unit, "payable_units": line.payable_units,
            "held_units": line.held_units, "rejected": dict(line.rejected), "billable": str(line.billable),
            "ratio": str(line.ratio), "fund": str(line.fund), "copay": str(line.copay),
            "service_month": f"{line.service_month:%Y-%m}" if line.service_month else None, "reason": line.reason,
            "finding_ids": finding_ids}


@bp.get("/settlements")
@api_permission(Action.VIEW_SETTLEMENTS)
@api_route(summary="The monthly settlements in my scope, newest month first", query=SettlementQuery,
           responses={200: Page[SettlementOut]})
def list_settlements(query: SettlementQuery):
    month = date.fromisoformat(f"{query.month}-01") if query.month else None
    page = paginate(db.session, pages.settlements(api_user(), month=month, status=query.status), page=query.page,
                    per_page=query.per_page, scalars=False)
    return page_json(page, [settlement_json(s, provider) for s, provider in page.items])


@bp.get("/settlements/<int:settlement_id>")
@api_permission(Action.VIEW_SETTLEMENTS)
@api_route(summary="One monthly settlement in my scope: status, revision and totals",
           responses={200: SettlementOut}, errors=(404,))
def get_settlement(settlement_id: int):
    settlement = get_scoped(db.session, api_user(), Settlement, settlement_id)
    return jsonify(settlement_json(settlement, db.session.get(Organisation, settlement.provider_id).name))


@bp.get("/settlements/<int:settlement_id>/lines")
@api_permission(Action.VIEW_SETTLEMENTS)
@api_route(summary="The lines of a settlement's current revision (rate rows, late lines, adjustments) with the "
                   "findings on their records", responses={200: LinesOut}, errors=(404,))
def settlement_lines(settlement_id: int):
    settlement = get_scoped(db.session, api_user(), Settlement, settlement_id)
    views = pages.current_lines(db.session, settlement)
    return jsonify({"settlement_id": settlement.id, "revision": settlement.revision,
                    "lines": [line_json(v.line, [f.id for f in v.findings]) for v in views]})
