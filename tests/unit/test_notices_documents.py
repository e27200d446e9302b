"""Notice documents (pure): kinds, numbers, field checks, derived values, refusal wording.

The ``*_data`` functions are the sample notices the service and web tests reuse.
"""
from datetime import date

import pytest

from ltc.core.errors import ValidationFailed
from ltc.notices.documents import (KINDS, REFUSAL_WORDING, Kind, build_document, cn_date, notice_number,
                                   template_values)

GRADE_NAMES = {0: "能力完好", 1: "轻度受损", 2: "中度受损", 3: "重度受损"}


def acceptance_data(**changes) -> dict:
    return {"person_name": "王秀英", "id_number_masked": "3301**********1233", "application_no": "SQ-2026-000007",
            "submitted_on": date(2026, 3, 9), "accepted_on": date(2026, 3, 13),
            "conclusion_due_on": date(2026, 4, 24), "insurer_name": "承办保险公司", **changes}


def refusal_data(**changes) -> dict:
    return {"person_name": "王秀英", "id_number_masked": "3301**********1233", "application_no": "SQ-2026-000008",
            "submitted_on": date(2026, 3, 9), "refused_on": date(2026, 3, 13), "reason_code": "too_soon",
            "insurer_name": "承办保险公司", "min_months_between_assessments": 6, **changes}


def conclusion_data(**changes) -> dict:
    return {"person_name": "张三丰", "id_number_masked": "1101**********1234", "sex": "男", "age": 82,
            "application_no": "SQ-2026-000123", "agency_name": "评估机构甲", "assessors": ["李评估", "王评估"],
            "experts": ["赵专家", "钱专家"], "assessed_on": date(2026, 3, 2), "confirmed_on": date(2026, 3, 4),
            "concluded_on": date(2026, 3, 16), "level": 4, "level_name": "重度失能Ⅱ级",
            "adl_total": 0, "adl_grade": 3, "cognition_total": 8, "cognition_grade": 1,
            "perception_total": 3, "perception_grade": 2, "cp_grade": 2, "grade_names": dict(GRADE_NAMES),
            "valid_from": date(2026, 3, 16), "valid_to": date(2028, 3, 16), "validity_months": 24,
            "ruleset": "CN-2021-37",
            "objection_text": "如对本结论有异议，请于2026年3月23日前向承办保险公司提出书面异议，申请复评。",
            "is_review": False, **changes}


def entitlement_data(**changes) -> dict:
    return {"person_name": "张三丰", "id_number_masked": "1101**********1234", "level": 4,
            "level_name": "重度失能Ⅱ级", "care_type_name": "机构护理", "provider_name": "养老院乙",
            "valid_from": date(2026, 3, 1), "valid_to": date(2028, 3, 16), "conclusion_no": "CON-2026-000001",
            "benefit_lines": [("日限额", "60.00元/日"), ("基金支付比例", "75%")], "issuer_name": "市医保中心",
            **changes}


def termination_data(**changes) -> dict:
    return {"person_name": "张三丰", "id_number_masked": "1101**********1234", "level": 4,
            "level_name": "重度失能Ⅱ级", "care_type_name": "居家护理", "provider_name": "居家护理甲",
            "valid_from": date(2026, 4, 1), "valid_to": date(2028, 3, 10), "ends_on": date(2026, 3, 15),
            "event_date": date(2026, 3, 14), "reason": "death", "void": True, "issuer_name": "市医保中心",
            **changes}


SAMPLES = {Kind.ACCEPTANCE: acceptance_data, Kind.REFUSAL: refusal_data,
           Kind.CONCLUSION: conclusion_data, Kind.ENTITLEMENT: entitlement_data,
           Kind.TERMINATION: termination_data}


@pytest.mark.parametrize("kind, prefix, title", [
    ("acceptance", "ACC", "受理通知书"), ("refusal", "RFS", "不予受理通知书"),
    ("conclusion", "CON", "评估结论通知书"), ("entitlement", "ENT", "待遇核定通知书"),
    ("termination", "TRM", "待遇终止通知书"),
])
def test_each_kind_has_its_prefix_title_and_number_format(kind, prefix, title):
    assert (KINDS[kind].prefix, KINDS[kind].title) == (prefix, title)
    assert notice_number(kind, 2026, 1) == f"{prefix}-2026-000001"
    assert notice_number(kind, 2027, 123456) == f"{prefix}-2027-123456"


@pytest.mark.parametrize("kind", list(Kind))
def test_every_sample_builds_and_every_field_is_required(kind):
    data = SAMPLES[kind]()
    assert build_document(kind, data) is not None
    for name in data:
        incomplete = {k: v for k, v in data.items() if k != name}
        with pytest.raises(ValidationFailed) as err:
            build_document(kind, incomplete)
        assert err.value.fields == {name: "缺少该字段"}
        assert name in err.value.message and KINDS[kind].title in err.value.message


def test_a_missing_field_is_named_in_a_clear_error():
    data = conclusion_data()
    del data["level_name"], data["valid_to"]
    with pytest.raises(ValidationFailed) as err:
        build_document("conclusion", data)
    assert err.value.fields == {"level_name": "缺少该字段", "valid_to": "缺少该字段"}
    assert err.value.message == "评估结论通知书数据有误（level_name：缺少该字段、valid_to：缺少该字段）"


@pytest.mark.parametrize("field, value, why", [
    ("level", "4", "应为整数"),
    ("level", True, "应为整数"),
    ("is_review", 0, "应为布尔值"),
    ("person_name", "  ", "应为非空文本"),
    ("valid_from", "16/03/2026", "应为日期（YYYY-MM-DD）"),
    ("assessors", "李评估", "应为列表"),
    ("grade_names", {"high": "重度受损"}, "键应为整数"),
    ("unexpected", 1, "未知字段"),
    ("valid_to", date(2026, 3, 16), "有效期结束日（不含）必须晚于开始日"),
    ("cp_grade", 7, "没有对应的等级名称"),
])
def test_wrong_values_are_refused_with_the_field_named(field, value, why):
    with pytest.raises(ValidationFailed) as err:
        build_document("conclusion", conclusion_data(**{field: value}))
    assert err.value.fields == {field: why}


def test_unknown_kind_is_refused():
    with pytest.raises(ValidationFailed) as err:
        build_document("invoice", {})
    assert err.value.fields == {"kind": "unknown"}


def test_values_that_went_through_json_build_the_same_document():
    data = conclusion_data()
    from_json = {**data, "assessed_on": "2026-03-02", "grade_names": {"0": "能力完好", "1": "轻度受损",
                                                                      "2": "中度受损", "3": "重度受损"}}
    assert build_document("conclusion", from_json) == build_document("conclusion", data)


def test_conclusion_values_print_the_last_valid_day_and_named_grades():
    document = build_document("conclusion", conclusion_data())
    values = template_values(document, number="CON-2026-000001", issued_on=date(2026, 3, 16))
    assert values["valid_last_day"] == "2028-03-15"  # valid_to is exclusive
    assert values["indicators"] == [
        {"name": "日常生活活动能力", "total": 0, "maximum": 100, "grade": 3, "grade_name": "重度受损"},
        {"name": "认知能力", "total": 8, "maximum": 16, "grade": 1, "grade_name": "轻度受损"},
        {"name": "感知觉与沟通能力", "total": 3, "maximum": 12, "grade": 2, "grade_name": "中度受损"},
    ]
    assert (values["cp_grade_name"], values["issuer_name"]) == ("中度受损", "评估机构甲")
    assert (values["title"], values["number"], values["issued_on"]) == ("评估结论通知书", "CON-2026-000001",
                                                                        "2026-03-16")


@pytest.mark.parametrize("code", sorted(REFUSAL_WORDING))
def test_refusal_prints_the_wording_of_its_code(code):
    detail = "申请表未签字" if code == "other" else None
    document = build_document("refusal", refusal_data(reason_code=code, detail=detail))
    assert document.reason_text == REFUSAL_WORDING[code].format(months=6)


def test_refusal_codes_are_those_of_the_spec():
    assert set(REFUSAL_WORDING) == {"not_insured", "conditions_not_met", "self_assessment_below_e",
                                    "incomplete_or_false_materials", "too_soon", "in_progress",
                                    "outside_fund_scope", "other"}
    assert "E级" in REFUSAL_WORDING["self_assessment_below_e"]
    assert "工伤" in REFUSAL_WORDING["outside_fund_scope"] and "第三人" in REFUSAL_WORDING["outside_fund_scope"]


@pytest.mark.parametrize("months", [6, 9, 12])
def test_the_too_soon_wording_reads_the_months_of_the_policy(months):
    document = build_document("refusal", refusal_data(min_months_between_assessments=months))
    assert f"未满{months}个月" in document.reason_text
    assert "6个月" not in REFUSAL_WORDING["too_soon"]      # the number is never written in the wording


@pytest.mark.parametrize("changes, errors", [
    ({"reason_code": "late"}, {"reason_code": "未知的不予受理原因代码"}),
    ({"reason_code": "other"}, {"detail": "原因为“其他”时必须填写具体说明"}),
    ({"reason_text": "随便写的理由"}, {"reason_text": "与不予受理原因代码的表述不一致"}),
])
def test_refusal_checks_its_code(changes, errors):
    with pytest.raises(ValidationFailed) as err:
        build_document("refusal", refusal_data(**changes))
    assert err.value.fields == errors


def test_entitlement_benefit_lines_are_label_value_pairs():
    with pytest.raises(ValidationFailed) as err:
        build_document("entitlement", entitlement_data(benefit_lines=[("日限额",)]))
    assert err.value.fields == {"benefit_lines": "应为2项"}


@pytest.mark.parametrize("value, printed", [
    (date(2026, 3, 6), "2026年3月6日"), ("2028-12-31", "2028年12月31日"), (None, ""),
])
def test_dates_print_in_chinese(value, printed):
    assert cn_date(value) == printed


def test_a_termination_notice_words_its_reason_from_the_code():
    document = build_document("termination", termination_data(reason="transfer"))
    assert document.reason_text == "参保人转出本统筹地区"
    lower = build_document("termination", termination_data(reason="reassessed", void=False))
    assert lower.reason_text.startswith("经重新评估")
    with pytest.raises(ValidationFailed) as err:
        build_document("termination", termination_data(reason="moved"))
    assert "reason" in err.value.fields
