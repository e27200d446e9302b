"""Dispatching an accepted application to an assessment agency (SPEC §3.1).

Among the agencies active and inside their agreement (协议) period on the day (for a 复评:
except the agency of the objected application), the one with the fewest open cases is chosen;
a tie is broken at random with ``random.Random(seed)``. The seed (``secrets.randbits(32)``
unless given) and the loads the choice was made from are stored, so the choice can be
reproduced. An insurer operator may instead name the agency, giving a reason; an agency that
is not eligible on the day is refused with the reason it is not (not active, outside its
agreement period, the first agency of a 复评).
"""
import random
import secrets
from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ltc.assessment.applications.models import Application
from ltc.assessment.applications.states import AGENCY_OPEN, DispatchMethod, Status, check_transition
from ltc.assessment.applications.services.transitions import acting_user, check_version, load, move, require
from ltc.auth.permissions import Action
from ltc.core.audit import Actor
from ltc.core.clock import local_today
from ltc.core.errors import Conflict, ValidationFailed
from ltc.core.periods import covering_filter, period_on
from ltc.orgs.models import AgreementPeriod, Organisation, OrgStatusPeriod


def pick_agency(loads: Mapping[int, int], seed: int) -> int:
    """The agency id with the fewest open cases; ties broken by ``random.Random(seed)`` over
    the tied ids in ascending order (so the same loads and seed give the same agency)."""
    if not loads:
        raise ValueError("no agency to choose from")
    fewest = min(loads.values())
    tied = sorted(agency for agency, count in loads.items() if count == fewest)
    return random.Random(seed).choice(tied)


def eligible_agencies(day: date):
    """The ids of agencies active and inside an agreement period on ``day`` (a select)."""
    return (select(Organisation.id)
            .join(OrgStatusPeriod, OrgStatusPeriod.org_id == Organisation.id)
            .join(AgreementPeriod, AgreementPeriod.org_id == Organisation.id)
            .where(Organisation.kind == "agency", OrgStatusPeriod.status == "active",
                   covering_filter(OrgStatusPeriod, day), covering_filter(AgreementPeriod, day)))


def agency_loads(session: Session, day: date, *, exclude: set[int] = frozenset()) -> dict[int, int]:
    """Open cases (dispatched … confirmed) per agency active and inside its agreement period on
    ``day``, ``exclude`` left out."""
    loads = {agency: 0 for agency in session.scalars(eligible_agencies(day)) if agency not in exclude}
    counts = session.execute(
        select(Application.agency_id, func.count()).where(
            Application.agency_id.in_(list(loads)), Application.status.in_([s.value for s in AGENCY_OPEN]))
        .group_by(Application.agency_id))
    loads.update({agency: count for agency, count in counts})
    return loads


def _ineligible(session: Session, agency_id: int, day: date, excluded: set[int]) -> ValidationFailed:
    """Why ``agency_id`` cannot be named on ``day``, as the error to raise."""
    agency = session.get(Organisation, agency_id)
    if agency is None or agency.kind != "agency":
        return ValidationFailed("所选机构不是评估机构", {"agency_id": "not an assessment agency"})
    if agency_id in excluded:
        return ValidationFailed("复评不能派给原评估机构“%(agency)s”", {"agency_id": "assessed the first time"},
                                params={"agency": agency.name})
    status = period_on(session, OrgStatusPeriod, day, org_id=agency_id)
    if status is None or status.status != "active":
        return ValidationFailed("评估机构“%(agency)s”于 %(day)s 非正常状态（暂停或退出），不能派单",
                                {"agency_id": "not active"}, params={"agency": agency.name, "day": day.isoformat()})
    return ValidationFailed("评估机构“%(agency)s”于 %(day)s 不在协议期内，不能派单",
                            {"agency_id": "outside its agreement period"},
                            params={"agency": agency.name, "day": day.isoformat()})


def excluded_agencies(session: Session, app: Application) -> set[int]:
    """A 复评 may not go to the agency of the application it reviews."""
    if app.parent_id is None:
        return set()
    parent = session.get(Application, app.parent_id)
    return {parent.agency_id} if parent.agency_id is not None else set()


def assign_agency(session: Session, app: Application, *, actor: Actor, now: datetime,
                  agency_id: int | None = None, reason: str | None = None,
                  seed: int | None = None) -> Application:
    """Dispatch ``app`` (no role check: callers check who acts). Raises InvalidTransition,
    ValidationFailed (manual choice without a reason or of an ineligible agency) and
    Conflict (no eligible agency)."""
    check_transition(app.status, Status.DISPATCHED)
    today = local_today(now)
    excluded = excluded_agencies(session, app)
    loads = agency_loads(session, today, exclude=excluded)
    if agency_id is None:
        if not loads:
            raise Conflict("当日没有正常状态且在协议期内的评估机构可派单", {"agency_id": "no eligible agency"})
        seed = secrets.randbits(32) if seed is None else seed
        app.agency_id, app.dispatch_method, app.dispatch_reason = pick_agency(loads, seed), DispatchMethod.RANDOM, None
        app.dispatch_seed = seed
    else:
        reason = (reason or "").strip()
        if not reason or len(reason) > 500:
            raise ValidationFailed("指定评估机构须填写理由（500 字以内）", {"reason": "required, at most 500"})
        if agency_id not in loads:
            raise _ineligible(session, agency_id, today, excluded)
        app.agency_id, app.dispatch_method, app.dispatch_reason = agency_id, DispatchMethod.MANUAL, reason
        app.dispatch_seed = None
    app.dispatched_on = today
    move(session, app, Status.DISPATCHED, action="dispatch", actor=actor, now=now, reason=app.dispatch_reason,
         data={"agency_id": app.agency_id, "method": app.dispatch_method, "seed": app.dispatch_seed,
               "loads": {str(k): v for k, v in sorted(loads.items())}})
    return app


def dispatch(session: Session, application_id: int, *, actor: Actor, now: datetime, agency_id: int | None = None,
             reason: str | None = None, seed: int | None = None, expected_version: int | None = None) -> Application:
    """An insurer operator dispatches an accepted application: at random among the least
    loaded active agencies, or to ``agency_id`` with a ``reason``. Raises Forbidden,
    NotFound, Conflict and the errors of ``assign_agency``."""
    user = acting_user(session, actor)
    require(user, Action.HANDLE_APPLICATION, "只有商保公司经办人员可以派单")
    app = load(session, application_id, user)
    check_version(session, app, expected_version)
    return assign_agency(session, app, actor=actor, now=now, agency_id=agency_id, reason=reason, seed=seed)
