"""ID numbers (SPEC §2) and masking of personal data."""
from datetime import date

import pytest
from stdnum.cn import ric

from ltc.people.ids import mask_id, mask_name, mask_phone, normalise_id_number, parse_id_number

TODAY = date(2026, 3, 16)
#: born 1945 in Hangzhou 西湖区 (330106), a county code stdnum dates from after 1945:
#: ric.validate() rejects it, but it is a real kind of ID and must be accepted
ELDERLY = "330106194501011233"
#: a Hong Kong residence permit (81…) with an X check character
PERMIT_X = "81000019851010123X"


def test_the_elderly_and_permit_samples_are_rejected_by_stdnum_validate():
    for number in (ELDERLY, PERMIT_X):
        assert ric.calc_check_digit(number) == number[-1]
        assert not ric.is_valid(number)


@pytest.mark.parametrize("number,birth,sex", [
    (ELDERLY, date(1945, 1, 1), "M"),
    (PERMIT_X, date(1985, 10, 10), "M"),
    (PERMIT_X.lower(), date(1985, 10, 10), "M"),
    ("110101193006151231", date(1930, 6, 15), "M"),
    ("11010119400229028X", date(1940, 2, 29), "F"),
    ("  110101198510101236 ", date(1985, 10, 10), "M"),
    ("110105202603160029", date(2026, 3, 16), "F"),  # born today
])
def test_valid_numbers_give_birth_date_and_sex(number, birth, sex):
    assert ric.calc_check_digit(normalise_id_number(number)) == normalise_id_number(number)[-1]
    assert parse_id_number(number, TODAY) == (birth, sex)


@pytest.mark.parametrize("number,message", [
    ("11010119450101123", "应为 18 位，当前为 17 位"),
    ("1101011945010112301", "应为 18 位，当前为 19 位"),
    ("", "当前为 0 位"),
    ("11010119450101123A", "最后一位应为数字或 X"),
    ("X10101194501011230", "前 17 位应为数字"),
    ("110101194501011231", "校验位不正确"),          # 110101194501011230 is the valid one
    ("11010119450230123X", "19450230 不是有效日期"),   # Feb 30, valid check digit
    ("110101202603170010", "晚于今天"),               # tomorrow, valid check digit
])
def test_invalid_numbers_are_refused_with_a_clear_message(number, message):
    with pytest.raises(ValueError, match=message):
        parse_id_number(number, TODAY)


def test_the_invalid_samples_fail_only_for_the_stated_reason():
    for number in ("11010119450230123X", "110101202603170010"):
        assert ric.calc_check_digit(number) == number[-1]
    assert ric.calc_check_digit("110101194501011231") == "0"


def test_sex_comes_from_the_17th_digit():
    male, female = "110101198510101236", "110101198510101228"
    assert parse_id_number(male, TODAY)[1] == "M"
    assert parse_id_number(female, TODAY)[1] == "F"


@pytest.mark.parametrize("value,masked", [
    ("330106194501011234", "3301**********1234"),
    ("81000019851010123X", "8100**********123X"),
    ("1234", "****"),
    ("", ""),
    (None, ""),
])
def test_mask_id(value, masked):
    assert mask_id(value) == masked


@pytest.mark.parametrize("value,masked", [
    ("13812345678", "138****5678"),
    ("0571-88881234", "057******1234"),
    ("1234567", "*******"),
    ("", ""),
    (None, ""),
])
def test_mask_phone(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize("value,masked", [
    ("张三丰", "张*丰"), ("张三", "张*"), ("欧阳娜娜", "欧**娜"), ("张", "*"), ("", ""), (None, ""),
])
def test_mask_name(value, masked):
    assert mask_name(value) == masked


# --- one person, one number: the spellings of the same number (SPEC §2 "normalise first") ----

FULL_WIDTH = "１１０１０１１９３００６１５１２３１"   # 110101193006151231 in full-width digits
FULL_WIDTH_X = "１１０１０１１９４００２２９０２８ｘ"  # 11010119400229028X, full-width lower-case x


@pytest.mark.parametrize("raw,normalised", [
    (FULL_WIDTH, "110101193006151231"),
    (FULL_WIDTH_X, "11010119400229028X"),
    ("11010119400229028x", "11010119400229028X"),
    ("110101 19300615 1231", "110101193006151231"),
    ("\u3000110101193006151231\u3000", "110101193006151231"),   # ideographic spaces
    ("110101\t193006151231\n", "110101193006151231"),
    ("１１０１０１" + "193006151231", "110101193006151231"),          # half full-width, half ASCII
])
def test_every_spelling_of_a_number_normalises_to_the_same_ascii_number(raw, normalised):
    assert normalise_id_number(raw) == normalised
    assert normalise_id_number(raw).isascii()


@pytest.mark.parametrize("raw", [FULL_WIDTH, FULL_WIDTH_X, "110101 19300615 1231", "11010119400229028x"])
def test_full_width_and_spaced_numbers_parse_like_their_ascii_spelling(raw):
    assert parse_id_number(raw, TODAY) == parse_id_number(normalise_id_number(raw), TODAY)


@pytest.mark.parametrize("raw", [
    "١١٠١٠١١٩٣٠٠٦١٥١٢٣١",                      # Arabic-Indic digits: \d matches them, NFKC keeps them
    "110101193006151" + "٢٣١",                  # mixed scripts
    "११०१०११९३००६१५१२३१",                       # Devanagari digits
])
def test_digits_of_other_scripts_are_refused(raw):
    assert not normalise_id_number(raw).isascii()
    with pytest.raises(ValueError, match="前 17 位应为数字"):
        parse_id_number(raw, TODAY)


def test_the_shape_accepts_ascii_digits_only():
    from ltc.people.ids import ID_SHAPE
    assert ID_SHAPE.fullmatch("110101193006151231")
    assert not ID_SHAPE.fullmatch(FULL_WIDTH)
    assert not ID_SHAPE.fullmatch("١١٠١٠١١٩٣٠٠٦١٥١٢٣١")


@pytest.mark.parametrize("stored,expected", [
    ("110101193006151231", True), (FULL_WIDTH, False), ("11010119400229028x", False),
    ("110101193006151231 ", False), ("١١٠١٠١١٩٣٠٠٦١٥١٢٣١", False),
])
def test_is_normalised_tells_a_stored_number_that_needs_normalising(stored, expected):
    from ltc.people.ids import is_normalised
    assert is_normalised(stored) is expected
