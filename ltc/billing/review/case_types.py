"""The two review case types of billing (SPEC §4.1, §7.3) as REF data, and their registration.

``settlement``: the provider's operator submits (day 5 of M+1) → the insurer of the provider's
district audits (day 12) → the MIA approves or returns to the insurer (day 20) → the insurer pays
(day 25, its operators or reviewers); each step is approved through the settlement review's pages
(precondition ``settlement_review``: the engine's own case page cannot skip their part).
``settlement_appeal``: the provider's operator files → the
insurer upholds (approve) or rejects, 5 working days each.
The case types live in the ``reviews`` section like every case type; billing adds them to REF when
it is wired (the engine's module holds no subject of its own) and migration 0037 to stored versions.
"""
import copy

from ltc.policy.schema import REF_VALUES

SETTLEMENT_CASE = "settlement"
APPEAL_CASE = "settlement_appeal"
SETTLEMENT_SUBJECT = "settlement"
APPEAL_SUBJECT = "settlement_appeal"

SETTLEMENT = {
    "code": SETTLEMENT_CASE, "label": "月度结算审核", "subject": SETTLEMENT_SUBJECT,
    "steps": [
        {"code": "submit", "label": "护理机构提交结算", "owner": "subject_provider", "decisions": ["approve"],
         "sla": "day_of_month:5", "return_to": [], "precondition": "settlement_review", "roles": ["operator"]},
        {"code": "audit", "label": "商保公司审核", "owner": "provider_district_insurer",
         "decisions": ["approve", "return"], "sla": "day_of_month:12", "return_to": ["submit"],
         "precondition": "audit_complete", "roles": ["reviewer"]},
        {"code": "approval", "label": "医保经办机构审批", "owner": "mia", "decisions": ["approve", "return"],
         "sla": "day_of_month:20", "return_to": ["audit"], "precondition": "settlement_review",
         "roles": ["reviewer"]},
        {"code": "payment", "label": "商保公司支付", "owner": "provider_district_insurer", "decisions": ["approve"],
         "sla": "day_of_month:25", "return_to": [], "precondition": "payment_recorded",
         "roles": ["operator", "reviewer"]},
    ],
    "reasons": [
        {"code": "EVIDENCE", "label": "需补充证据或说明", "decisions": ["return"], "steps": ["audit"]},
        {"code": "AUDIT", "label": "审核意见需复核", "decisions": ["return"], "steps": ["approval"]},
        {"code": "AMOUNT", "label": "扣减金额有误", "decisions": ["return"], "steps": ["approval"]},
    ],
}

APPEAL = {
    "code": APPEAL_CASE, "label": "结算申诉", "subject": APPEAL_SUBJECT,
    "steps": [
        {"code": "appeal", "label": "护理机构提出申诉", "owner": "subject_provider", "decisions": ["approve"],
         "sla": "working_days:5", "return_to": [], "precondition": None, "roles": ["operator"]},
        {"code": "appeal_review", "label": "商保公司复核申诉", "owner": "provider_district_insurer",
         "decisions": ["approve", "reject"], "sla": "working_days:5", "return_to": [], "precondition": None,
         "roles": ["reviewer"]},
    ],
    "reasons": [
        {"code": "UNFOUNDED", "label": "申诉理由不成立", "decisions": ["reject"], "steps": ["appeal_review"]},
        {"code": "NO_EVIDENCE", "label": "未提供有效证据", "decisions": ["reject"], "steps": ["appeal_review"]},
    ],
}

CASE_TYPES = (SETTLEMENT, APPEAL)
STEP_LABELS = {s["code"]: s["label"] for ct in CASE_TYPES for s in ct["steps"]}
REASON_LABELS = {r["code"]: r["label"] for ct in CASE_TYPES for r in ct["reasons"]}


def add_ref_case_types() -> None:
    """Give REF's ``reviews`` section billing's case types (the reviews domain is wired first). The
    section's REF values are replaced by a copy holding them: the engine's own REF data stays as it is."""
    reviews = REF_VALUES["reviews"]
    known = {case_type["code"] for case_type in reviews["case_types"]}
    missing = [copy.deepcopy(case_type) for case_type in CASE_TYPES if case_type["code"] not in known]
    if missing:
        REF_VALUES["reviews"] = {**reviews, "case_types": [*reviews["case_types"], *missing]}
