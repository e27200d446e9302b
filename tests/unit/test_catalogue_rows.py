"""Reading and checking catalogue rows (pure): the shipped file and the field rules."""
import pytest

from ltc.core.errors import ValidationFailed
from ltc.providers.catalogue.services import (CSV_PATH, check_minutes, clean_item_fields, normalise_national_code,
                                              parse_catalogue, read_catalogue_csv)

HEADER = "code,national_code,class,name_zh,name_en,standard_minutes,allowed_staff,care_types\n"


def test_the_shipped_file_has_42_items_27_life_and_15_medical():
    rows = read_catalogue_csv()
    assert CSV_PATH.parent.name == "data" and CSV_PATH.parent.parent.name == "ltc"
    assert len(rows) == 42 and len({r.code for r in rows}) == 42
    assert [r.item_class for r in rows].count("life") == 27
    assert [r.item_class for r in rows].count("medical") == 15
    assert all(r.minutes > 0 and r.staff_types and r.care_types for r in rows)
    assert {s for r in rows for s in r.staff_types} == {"assistant", "nurse", "doctor", "village_doctor"}


def test_a_row_is_split_into_staff_and_care_types():
    [row] = parse_catalogue([HEADER, "sh99,,medical,吸痰,Suction,15,nurse|doctor,home;outreach\n"])
    assert row.code == "SH99" and row.national_code is None
    assert row.staff_types == ("doctor", "nurse") and row.care_types == ("home", "outreach")


@pytest.mark.parametrize("line", [
    "SH99,,medical,吸痰,Suction,0,nurse,home",
    "SH99,,medical,吸痰,Suction,abc,nurse,home",
    "SH99,,medical,吸痰,Suction,15,cook,home",
    "SH99,,medical,吸痰,Suction,15,nurse,spa",
    "SH99,,other,吸痰,Suction,15,nurse,home",
    "SH99,12345,medical,吸痰,Suction,15,nurse,home",
    "9-9,,medical,吸痰,Suction,15,nurse,home",
])
def test_a_bad_row_is_refused_with_its_line_number(line):
    with pytest.raises(ValidationFailed, match="第 2 行"):
        parse_catalogue([HEADER, line + "\n"])


def test_duplicate_codes_are_refused():
    line = "SH99,,medical,吸痰,Suction,15,nurse,home\n"
    with pytest.raises(ValidationFailed, match="重复"):
        parse_catalogue([HEADER, line, line])


@pytest.mark.parametrize(("value", "expected"), [
    (None, None), ("", None), ("  ", None), ("abcdefghijklmnopq", "ABCDEFGHIJKLMNOPQ"),
    (" 12345678901234567 ", "12345678901234567"),
])
def test_national_code_is_blank_or_17_letters_and_digits(value, expected):
    assert normalise_national_code(value) == expected


@pytest.mark.parametrize("value", ["1234567890123456", "123456789012345678", "1234567890123456-",
                                   "１２３４５６７８９０１２３４５６７"])
def test_other_national_codes_are_refused(value):
    with pytest.raises(ValidationFailed) as raised:
        normalise_national_code(value)
    assert raised.value.fields == {"national_code": "invalid"}


@pytest.mark.parametrize("value", [0, -1, 601, 1.5, "10", None, True])
def test_minutes_are_1_to_600_whole_minutes(value):
    with pytest.raises(ValidationFailed):
        check_minutes(value)
    assert check_minutes(1) == 1 and check_minutes(600) == 600


def test_clean_item_fields_sorts_and_deduplicates_the_types():
    fields = clean_item_fields(name_zh=" 洗发 ", name_en=None, national_code="", item_class="life",
                               staff_types=["nurse", "assistant", "nurse"], care_types=["home"], active=1)
    assert fields == {"name_zh": "洗发", "name_en": "", "national_code": None, "item_class": "life",
                      "staff_types": ["assistant", "nurse"], "care_types": ["home"], "active": True}
