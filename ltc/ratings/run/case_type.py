"""The ``rating_appeal`` review case type (SPEC §4.1, §8) as REF data, and its registration: the
provider's operator files → the insurer of the provider's district reviews → the MIA decides, 10
working days each; approving at the MIA wins the appeal (the rating is recomputed and records why),
a rejection at either step loses it. It lives in the ``reviews`` section like every case type;
ratings adds it to REF when wired and migration 0046 to stored versions."""
import copy

from ltc.policy.schema import REF_VALUES

APPEAL_CASE = APPEAL_SUBJECT = "rating_appeal"

APPEAL = {
    "code": APPEAL_CASE, "label": "星级评定申诉", "subject": APPEAL_SUBJECT,
    "steps": [
        {"code": "rating_appeal", "label": "护理机构提出申诉", "owner": "subject_provider", "decisions": ["approve"],
         "sla": "working_days:10", "return_to": [], "precondition": None, "roles": ["operator"]},
        {"code": "rating_insurer", "label": "商保公司复核", "owner": "provider_district_insurer",
         "decisions": ["approve", "reject"], "sla": "working_days:10", "return_to": [], "precondition": None,
         "roles": ["reviewer"]},
        {"code": "rating_mia", "label": "医保经办机构决定", "owner": "mia", "decisions": ["approve", "reject"],
         "sla": "working_days:10", "return_to": [], "precondition": None, "roles": ["reviewer"]},
    ],
    "reasons": [
        {"code": "RATING_UNFOUNDED", "label": "申诉理由不成立", "decisions": ["reject"],
         "steps": ["rating_insurer", "rating_mia"]},
    ],
}


def add_ref_case_type() -> None:
    """Give REF's ``reviews`` section the rating appeal (a copy: the engine's REF data stays as it is)."""
    reviews = REF_VALUES["reviews"]
    if all(c["code"] != APPEAL_CASE for c in reviews["case_types"]):
        REF_VALUES["reviews"] = {**reviews, "case_types": [*reviews["case_types"], copy.deepcopy(APPEAL)]}
