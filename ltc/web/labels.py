"""The one label table: every enum a user sees, by name, as Chinese msgids translated where shown.

Templates write ``{{ person.status|label('person_status') }}``; Python code at the edge calls
``label(value, 'person_status')``. A value missing from its table is shown as it is stored, so a test
over every role's pages (tests/web/test_no_raw_codes.py) generates its forbidden tokens from these tables.
"""
from collections.abc import Mapping

from flask import Flask
from flask_babel import get_translations, gettext

from ltc.assessment.applications.selfassessment import ANSWER_LABELS, ITEM_LABELS as SELF_ITEM_LABELS
from ltc.assessment.applications.services.intake import RELATIONS
from ltc.assessment.applications.services.pages import ACTION_LABELS as APPLICATION_ACTION
from ltc.assessment.applications.services.queues import SLA_LABELS
from ltc.assessment.applications.states import (KIND_LABELS, REASSESSMENT_LABELS, REFUSAL_LABELS,
                                                RESCHEDULE_LABELS, STATUS_LABELS as APPLICATION_STATUS)
from ltc.assessment.experts.forms import STATE_LABELS as EXPERT_STATE
from ltc.auth.permissions import ROLE_LABELS
from ltc.billing.deposits.kinds import ENTRY_KIND_LABELS as DEPOSIT_ENTRY
from ltc.billing.family.kinds import ACCOUNT_SOURCE_LABELS, LINE_STATUS_LABELS as FAMILY_LINE
from ltc.billing.pricing.units import FOLLOW_UP
from ltc.billing.stars.kinds import STAR_KIND_LABELS, STAR_SOURCE_LABELS
from ltc.billing.kinds import (ADJUSTMENT_REASON_LABELS, LINE_KIND_LABELS, REVISION_SOURCE_LABELS,
                               SETTLEMENT_KIND_LABELS, SETTLEMENT_STATUS_LABELS, UNIT_LABELS as BILLING_UNIT)
from ltc.billing.review.case_types import REASON_LABELS as SETTLEMENT_REASONS, STEP_LABELS as SETTLEMENT_STEPS
from ltc.billing.review.kinds import (APPEAL_ITEM_KIND_LABELS, APPEAL_OUTCOME_LABELS, BATCH_LINE_STATUS_LABELS,
                                      RECORD_DECISION_LABELS, RECORD_ORIGIN_LABELS, REFUSAL_REASON_LABELS,
                                      REVIEW_ACTION_LABELS as SETTLEMENT_ACTION)
from ltc.calendar.services import TYPE_LABELS as CALENDAR_TYPE
from ltc.entitlements.forms import STATE_LABELS as ENTITLEMENT_STATE
from ltc.entitlements.models import LEVEL_NAMES
from ltc.entitlements.states import (END_REASON_LABELS, EVENT_ACTION_LABELS, ORIGIN_LABELS,
                                     REQUEST_STATUS_LABELS, STATUS_LABELS as ENTITLEMENT_STATUS)
from ltc.notices.models import STATUS_LABELS as NOTICE_STATUS
from ltc.orgs.kinds import (CARE_TYPE_LABELS, CONTRACT_STATE_LABELS, DISTRICT_STATE_LABELS, GRADE_LABELS,
                            ORG_KIND_LABELS, STATUS_LABELS as ORG_STATUS)
from ltc.people.kinds import (CATEGORY_LABELS, COLLISION_KIND_LABELS, COLLISION_RESOLUTION_LABELS, SEX_LABELS,
                              STATUS_LABELS as PERSON_STATUS, STAY_CATEGORY_LABELS, TAG_LABELS)
from ltc.policy.models import ACTION_LABELS as POLICY_ACTION, STATUS_LABELS as POLICY_STATUS
from ltc.compliance.kinds import FINDING_SOURCE_LABELS, FINDING_STATUS_LABELS, RULE_LABELS, SEVERITY_LABELS
from ltc.providers.care_plans.checks import CHECK_LABELS
from ltc.ratings.points.kinds import FRAUD, FRAUD_LABEL, POINT_CAUSE_LABELS
from ltc.ratings.complaints.kinds import (CHANNEL_LABELS as COMPLAINT_CHANNEL, COMPLAINANT_LABELS,
                                          EVENT_LABELS as COMPLAINT_EVENT, OUTCOME_LABELS as COMPLAINT_OUTCOME,
                                          STATUS_LABELS as COMPLAINT_STATUS)
from ltc.ratings.run.kinds import (APPEAL_OUTCOME_LABELS as RATING_APPEAL_OUTCOME, COMPONENT_LABELS, INPUT_LABELS,
                                  RUN_KIND_LABELS)
from ltc.ratings.followups.kinds import (CHANNEL_LABELS as FOLLOW_UP_CHANNEL, EVENT_LABELS as FOLLOW_UP_EVENT,
                                         ORIGIN_LABELS as FOLLOW_UP_ORIGIN, STATUS_LABELS as FOLLOW_UP_STATUS)
from ltc.ratings.effects.kinds import (CHECK_DECISION_LABELS, EFFECT_ACTION_LABELS, NOTICE_STATUS_LABELS,
                                       PROPOSAL_CAUSE_LABELS, PROPOSAL_DECISION_LABELS, PROPOSAL_STATUS_LABELS)
from ltc.providers.kinds import (ITEM_CLASS_LABELS, PLAN_STATUS_LABELS, RECORD_KIND_LABELS, RECORD_SOURCE_LABELS,
                                 STAFF_TYPE_LABELS, UNIT_LABELS, VISIT_STATUS_LABELS, WEEKDAY_LABELS)
from ltc.reviews.definitions import DECISION_LABELS, OTHER_REASON, REF_REVIEWS
from ltc.reviews.states import STATUS_LABELS as CASE_STATUS
from ltc.reviews.worklists import ACTION_LABELS as REVIEW_ACTION, OWNER_KIND_LABELS
from ltc.scheduler.imports import STATE_LABELS as IMPORT_STATE
from ltc.scheduler.models import STATUS_LABELS as RUN_STATUS
from ltc.web.messages import check_words, list_sep, reason_words
from ltc.web.reasons import FIELD_REASON_LABELS
from ltc.web.audit_labels import (AUDIT_ACTION_LABELS, AUDIT_ENTITY_LABELS, AUDIT_FIELD_LABELS, ENTITY_TABLES,
                                  FIELD_TABLES)

#: the reasons of the reference review policy (a later policy version may word its own)
REVIEW_REASON_LABELS = {r["code"]: r["label"] for ct in REF_REVIEWS["case_types"] for r in ct["reasons"]} | {
    OTHER_REASON.code: OTHER_REASON.label}
#: the steps of the reference review policy's case types
REVIEW_STEP_LABELS = {s["code"]: s["label"] for ct in REF_REVIEWS["case_types"] for s in ct["steps"]}
#: billing's case types (settlement, settlement appeal) join REF when billing is wired
REVIEW_STEP_LABELS |= SETTLEMENT_STEPS
REVIEW_REASON_LABELS |= SETTLEMENT_REASONS

LABELS: dict[str, Mapping[str, str]] = {
    "role": ROLE_LABELS, "org_kind": ORG_KIND_LABELS, "org_status": ORG_STATUS, "care_type": CARE_TYPE_LABELS,
    "grade": GRADE_LABELS, "contract_state": CONTRACT_STATE_LABELS,
    "person_status": PERSON_STATUS, "category": CATEGORY_LABELS, "tag": TAG_LABELS, "sex": SEX_LABELS,
    "stay_category": STAY_CATEGORY_LABELS, "collision_kind": COLLISION_KIND_LABELS,
    "collision_resolution": COLLISION_RESOLUTION_LABELS,
    "application_status": APPLICATION_STATUS, "application_kind": KIND_LABELS, "refusal": REFUSAL_LABELS,
    "reassessment_reason": REASSESSMENT_LABELS, "reschedule_reason": RESCHEDULE_LABELS,
    "entitlement_status": ENTITLEMENT_STATUS, "entitlement_origin": ORIGIN_LABELS,
    "end_reason": END_REASON_LABELS, "entitlement_event": EVENT_ACTION_LABELS,
    "request_status": REQUEST_STATUS_LABELS,
    "item_class": ITEM_CLASS_LABELS, "staff_type": STAFF_TYPE_LABELS, "plan_status": PLAN_STATUS_LABELS,
    "frequency_unit": UNIT_LABELS,
    "visit_status": VISIT_STATUS_LABELS, "record_source": RECORD_SOURCE_LABELS, "record_kind": RECORD_KIND_LABELS,
    "severity": SEVERITY_LABELS, "finding_status": FINDING_STATUS_LABELS, "finding_source": FINDING_SOURCE_LABELS,
    "rule": {**RULE_LABELS, FOLLOW_UP: "回访未确认服务"},
    "case_status": CASE_STATUS, "decision": DECISION_LABELS,
    "notice_status": NOTICE_STATUS,
    "policy_status": POLICY_STATUS, "policy_action": POLICY_ACTION, "run_status": RUN_STATUS,
    "review_reason": REVIEW_REASON_LABELS, "actor": {"system": "系统"},
    "audit_action": AUDIT_ACTION_LABELS, "audit_entity": AUDIT_ENTITY_LABELS,
    "review_step": REVIEW_STEP_LABELS, "review_action": REVIEW_ACTION, "owner_kind": OWNER_KIND_LABELS,
    "care_plan_check": CHECK_LABELS, "weekday": WEEKDAY_LABELS, "expert_state": EXPERT_STATE,
    "calendar_type": CALENDAR_TYPE, "sla": SLA_LABELS, "relation": RELATIONS, "application_action": APPLICATION_ACTION,
    "self_assessment_item": SELF_ITEM_LABELS, "self_assessment_answer": ANSWER_LABELS,
    "district_state": DISTRICT_STATE_LABELS, "import_state": IMPORT_STATE, "entitlement_state": ENTITLEMENT_STATE,
    "level": LEVEL_NAMES, "field_reason": FIELD_REASON_LABELS,
    "star_kind": STAR_KIND_LABELS, "star_source": STAR_SOURCE_LABELS, "deposit_entry": DEPOSIT_ENTRY,
    "family_line": FAMILY_LINE, "account_source": ACCOUNT_SOURCE_LABELS,
    "settlement_kind": SETTLEMENT_KIND_LABELS, "settlement_status": SETTLEMENT_STATUS_LABELS,
    "line_kind": LINE_KIND_LABELS, "billing_unit": BILLING_UNIT, "adjustment_reason": ADJUSTMENT_REASON_LABELS,
    "revision_source": REVISION_SOURCE_LABELS,
    "record_decision": RECORD_DECISION_LABELS, "record_origin": RECORD_ORIGIN_LABELS,
    "refusal_reason": REFUSAL_REASON_LABELS, "settlement_action": SETTLEMENT_ACTION,
    "appeal_outcome": APPEAL_OUTCOME_LABELS, "appeal_item_kind": APPEAL_ITEM_KIND_LABELS,
    "batch_line_status": BATCH_LINE_STATUS_LABELS, "settlement_reason": {**SETTLEMENT_REASONS, **REFUSAL_REASON_LABELS},
    "point_cause": POINT_CAUSE_LABELS, "point_rule": {**RULE_LABELS, FRAUD: FRAUD_LABEL},
    "follow_up_origin": FOLLOW_UP_ORIGIN, "follow_up_channel": FOLLOW_UP_CHANNEL, "follow_up_status": FOLLOW_UP_STATUS,
    "follow_up_event": FOLLOW_UP_EVENT, "complainant": COMPLAINANT_LABELS, "complaint_channel": COMPLAINT_CHANNEL,
    "complaint_status": COMPLAINT_STATUS, "complaint_outcome": COMPLAINT_OUTCOME, "complaint_event": COMPLAINT_EVENT,
    "rating_kind": RUN_KIND_LABELS, "rating_component": COMPONENT_LABELS,
    "rating_appeal_outcome": RATING_APPEAL_OUTCOME, "rating_input": INPUT_LABELS,
    "rectification_status": NOTICE_STATUS_LABELS, "check_decision": CHECK_DECISION_LABELS,
    "proposal_cause": PROPOSAL_CAUSE_LABELS, "proposal_status": PROPOSAL_STATUS_LABELS,
    "proposal_decision": PROPOSAL_DECISION_LABELS, "effect_action": EFFECT_ACTION_LABELS,
    # supervision: an agency's share of levels 4–5 more than 2 standard errors from the city's
    "level_flag": {"high": "显著偏高", "low": "显著偏低"},
}


def label(value, table: str) -> str:
    """``value``'s words in the current language ('' for None); unknown values are shown as stored."""
    if value is None or value == "":
        return ""
    words = LABELS[table].get(value)
    return gettext(words) if words else str(value)


def labels(values, table: str) -> str:
    return list_sep().join(label(v, table) for v in values)


def _gettext(message: str) -> str:
    """gettext that keeps an empty message empty (gettext("") is the catalogue's header)."""
    return get_translations().ugettext(message) if message else ""


def install(app: Flask) -> None:
    """The ``label`` filters, and templates' ``_`` made safe for empty values (after Flask-Babel's)."""
    app.add_template_filter(label, "label")
    app.add_template_filter(labels, "labels")
    app.add_template_filter(reason_words, "reason")
    app.add_template_filter(check_words, "check_words")
    app.jinja_env.install_gettext_callables(
        gettext=_gettext, ngettext=lambda s, p, n: get_translations().ungettext(s, p, n), newstyle=True,
        pgettext=lambda c, s: get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: get_translations().unpgettext(c, s, p, n))


def recorded(entity: str, values: dict | None) -> list[tuple[str, str]]:
    """An audit row's before/after values as (field words, value words), enum values in words."""
    tables = FIELD_TABLES | {"reason": "review_reason", "reason_code": "review_reason"} | ENTITY_TABLES.get(entity, {})
    return [(gettext(AUDIT_FIELD_LABELS[k]) if k in AUDIT_FIELD_LABELS else k, _words(v, tables.get(k)))
            for k, v in (values or {}).items()]


def _words(value, table: str | None) -> str:
    if isinstance(value, list):
        return list_sep().join(_words(v, table) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{field}：{words}" for field, words in recorded("", value)) if value else ""
    if value is None:
        return "—"
    return label(value, table) if table and isinstance(value, str) else str(value)
