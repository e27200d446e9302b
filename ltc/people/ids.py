"""Resident ID numbers and masking of personal data (pure: no Flask, no database).

SPEC §2: normalised first (Unicode NFKC, so full-width digits become ASCII; blanks removed;
``x`` → ``X``) and stored in ASCII only, so one person has one spelling; then 18 characters,
17 digits and a check character 0-9/X (ISO 7064 MOD 11-2), the embedded birth date a real
date not in the future. ``stdnum.cn.ric.validate()`` is not used: it rejects real IDs whose
county code is newer than the birth date (common among the elderly) and residence-permit
numbers (81/83).
"""
import re
import unicodedata
from datetime import date

from stdnum.cn.ric import calc_check_digit

#: ASCII only: ``\d`` would also match full-width and other scripts' digits
ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
#: the tail of a number typed in a search box (the last 3 to 17 characters)
ID_TAIL = re.compile(r"[0-9]{3,17}X?")
_BLANKS = re.compile(r"\s+")


def normalise_id_number(raw: str | None) -> str:
    """The one spelling of a number: NFKC (full-width ``１`` → ``1``, ``ｘ`` → ``x``), every
    blank removed, ``x`` upper-cased. Digits of other scripts stay as they are, and are refused
    by ``parse_id_number``."""
    return _BLANKS.sub("", unicodedata.normalize("NFKC", raw or "")).upper()


def is_normalised(stored: str) -> bool:
    """Whether a stored number already is its one normalised, ASCII spelling."""
    return stored.isascii() and normalise_id_number(stored) == stored


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


def id_cell_problem(value) -> str | None:
    """Why a spreadsheet cell cannot hold an ID number: typed as a number, it lost digits."""
    if value is not None and not isinstance(value, str):
        return "身份证号单元格须为文本格式（数字格式会丢失位数）"
    return None


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
