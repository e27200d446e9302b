"""Forms of the billing document pages (shape only)."""
import re
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ltc.web.forms import PlainForm

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


def parse_month(text: str | None) -> date | None:
    """``YYYY-MM`` as the month's first day; None when it is not one."""
    text = (text or "").strip()
    return date(int(text[:4]), int(text[5:7]), 1) if re.fullmatch(MONTH_PATTERN, text) else None


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class MonthForm(PlainForm):
    month = StringField(_l("月份"), filters=[_strip],
                        validators=[Optional(), Regexp(MONTH_PATTERN, message=_l("月份格式应为 YYYY-MM"))])


class LookupForm(FlaskForm):
    """The family's public look-up: the person's ID number and the code printed on the statement."""

    id_number = StringField(_l("身份证号码"), filters=[_strip], validators=[DataRequired(), Length(max=40)])
    code = StringField(_l("查询码"), filters=[_strip], validators=[DataRequired(), Length(max=30)])
    submit = SubmitField(_l("查询"))
