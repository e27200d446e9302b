"""The person page's list of the person's care plans (latest version of each), in the user's scope."""
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.auth.permissions import Action, can
from ltc.orgs.kinds import CARE_TYPE_LABELS
from ltc.orgs.models import Organisation
from ltc.providers.care_plans.models import STATUS_LABELS, CarePlan
from ltc.providers.care_plans.services import latest_plans
from ltc.web.related import PersonSection


def plan_sections(session: Session, user, person_id: int) -> list[PersonSection]:
    if not (can(user, Action.CARE_RECORDS) or can(user, Action.DECIDE_REVIEW)):  # who reads plans
        return []
    stmt = latest_plans(user).where(CarePlan.person_id == person_id)
    plans = list(session.scalars(stmt))
    names = dict(session.execute(select(Organisation.id, Organisation.name).where(
        Organisation.id.in_({p.provider_id for p in plans}))).tuples().all()) if plans else {}
    rows = [{"version": _("第 %(n)s 版", n=p.version), "url": url_for("care_plans.view_plan", plan_id=p.id),
             "care_type": _(CARE_TYPE_LABELS[p.care_type]), "provider": names.get(p.provider_id, ""),
             "status": _(STATUS_LABELS[p.status])} for p in plans]
    return [PersonSection("care_plans", "护理计划", [("version", "版本"), ("care_type", "服务形式"),
                                                   ("provider", "护理服务机构"), ("status", "状态")], rows, order=40)]
