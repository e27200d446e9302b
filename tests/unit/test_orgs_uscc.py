"""The unified social credit code check (stdnum.cn.uscc) with Chinese messages."""
import pytest

from ltc.orgs.uscc import InvalidUscc, normalise_uscc
from tests.builders import uscc

VALID = ["91110000802100433B", "91310000MA1FL1MMXL", "12100000400000374H", "52100000500018813D",
         uscc(7), uscc(123)]


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_are_accepted(code):
    assert normalise_uscc(code) == code


def test_code_is_compacted_and_upper_cased():
    assert normalise_uscc(" 9111-0000-8021-0043-3b ") == "91110000802100433B"


@pytest.mark.parametrize("code, message", [
    ("91110000802100433A", "校验位不正确"),
    ("9111000080210043", "应为 18 位"),
    ("", "应为 18 位"),
    ("91110000802100433!", "格式不正确"),
    ("9111000080210043IB", "格式不正确"),
])
def test_invalid_codes_are_refused_with_a_chinese_reason(code, message):
    with pytest.raises(InvalidUscc, match=message):
        normalise_uscc(code)
