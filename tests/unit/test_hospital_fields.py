"""Checking one hospital stay as typed in a file or an API call (no database)."""
from datetime import date, datetime

import pytest

from ltc.people.hospital.services import check_fields

TODAY = date(2026, 3, 16)
GOOD = {"id_number": " 11010119400229028x ", "hospital": " 市第一  人民医院 ", "category": "inpatient",
        "admitted_on": "2026-01-05", "discharged_on": ""}


def test_a_good_row_is_cleaned():
    clean, problems = check_fields(GOOD, today=TODAY)
    assert problems == {}
    assert clean == {"id_number": "11010119400229028X", "hospital": "市第一 人民医院", "category": "inpatient",
                     "admitted_on": date(2026, 1, 5), "discharged_on": None}


@pytest.mark.parametrize("raw, category", [("ltc_special", "ltc_special"), ("专护", "ltc_special"),
                                           ("普通住院", "inpatient")])
def test_categories_by_code_or_chinese_label(raw, category):
    assert check_fields({**GOOD, "category": raw}, today=TODAY)[0]["category"] == category


def test_spreadsheet_date_cells_are_accepted():
    clean, problems = check_fields({**GOOD, "admitted_on": datetime(2026, 1, 5), "discharged_on": date(2026, 1, 5)},
                                   today=TODAY)
    assert problems == {} and clean["discharged_on"] == date(2026, 1, 5)


@pytest.mark.parametrize("changes, field, message", [
    ({"id_number": ""}, "id_number", "身份证号必填"),
    ({"hospital": " "}, "hospital", "医院必填"),
    ({"hospital": "医" * 201}, "hospital", "最多 200"),
    ({"category": "day_care"}, "category", "住院类别取值无效"),
    ({"category": ""}, "category", "住院类别必填"),
    ({"admitted_on": ""}, "admitted_on", "入院日期必填"),
    ({"admitted_on": "2026-02-30"}, "admitted_on", "入院日期：日期格式应为 YYYY-MM-DD"),
    ({"admitted_on": "2026-03-17"}, "admitted_on", "晚于今天"),
    ({"discharged_on": "2026-03-17"}, "discharged_on", "晚于今天"),
    ({"discharged_on": "2026-01-04"}, "discharged_on", "早于入院日期"),
])
def test_bad_values_are_named(changes, field, message):
    _clean, problems = check_fields({**GOOD, **changes}, today=TODAY)
    assert list(problems) == [field] and message in problems[field]
