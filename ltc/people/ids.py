"""Resident ID numbers and masking of personal data (pure: no Flask, no database).

SPEC §2: 18 characters, 17 digits and a check character 0-9/X (ISO 7064 MOD 11-2), the
embedded birth date a real date not in the future. ``stdnum.cn.ric.validate()`` is not used:
it rejects real IDs whose county code is newer than the birth date (common among the
elderly) and residence-permit numbers (81/83).
"""
import re
from datetime import date

from stdnum.cn.ric import calc_check_digit

ID_SHAPE = re.compile(r"\d{17}[\dX]")


def normalise_id_number(raw: str) -> str:
    """Surrounding blanks removed and a lowercase check character ``x`` made upper-case."""
    return (raw or "").strip().upper()


def parse_id_number(raw: str, today: date) -> tuple[date, str]:
    """The birth date and sex ('M' / 'F') of a valid ID number.

    Raises ValueError with a Chinese message naming the problem.
    """
    number = normalise_id_number(raw)
    if len(number) != 18:
        raise ValueError(f"身份证号应为 18 位，当前为 {len(number)} 位")
    if not ID_SHAPE.fullmatch(number):
        raise ValueError("身份证号前 17 位应为数字，最后一位应为数字或 X")
    if calc_check_digit(number) != number[-1]:
        raise ValueError("身份证号校验位不正确，请核对号码")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValueError(f"身份证号中的出生日期 {number[6:14]} 不是有效日期") from None
    if birth > today:
        raise ValueError(f"身份证号中的出生日期 {birth.isoformat()} 晚于今天")
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return birth, sex


def mask_id(number: str | None) -> str:
    """``3301**********1234``: the first 4 and last 4 characters kept."""
    if not number:
        return ""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(phone: str | None) -> str:
    """``138****5678``: the first 3 and last 4 characters kept (short numbers fully masked)."""
    if not phone:
        return ""
    if len(phone) < 8:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_name(name: str | None) -> str:
    """``张*丰`` / ``张*`` / ``欧**娜``: the first character, and the last of names longer than two."""
    if not name:
        return ""
    if len(name) == 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
