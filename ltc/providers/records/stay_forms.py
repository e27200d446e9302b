"""Forms of the stay pages (shape only; the services check the rules)."""
import re
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ltc.orgs.kinds import CARE_TYPE_LABELS
from ltc.providers.kinds import BedCareType
from ltc.providers.records.models import NOTE_MAX
from ltc.providers.records.stays import LEAVE_REASON_MAX, REASON_MAX
from ltc.web.forms import PlainForm

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
STATUS_FILTERS = {"in": "在院", "on_leave": "请假中", "discharged": "已出院"}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _care_types() -> list[SelectChoice]:
    return [SelectChoice(c.value, _l(CARE_TYPE_LABELS[c.value])) for c in BedCareType]


def parse_month(text: str | None) -> date | None:
    """``YYYY-MM`` as the month's first day; None when it is not one."""
    text = (text or "").strip()
    return date(int(text[:4]), int(text[5:7]), 1) if MONTH.fullmatch(text) else None


def _month(form, field) -> None:
    if field.data and parse_month(field.data) is None:
        raise ValidationError(_l("月份格式应为 YYYY-MM"))


class AdmitForm(FlaskForm):
    id_number = StringField(_l("身份证号"), filters=[_strip], validators=[DataRequired(), Length(max=40)])
    care_type = SelectField(_l("服务形式"), choices=_care_types())
    admitted_on = DateField(_l("入院日期"), validators=[DataRequired()])
    discharged_on = DateField(_l("出院日期（可空）"), validators=[Optional()])
    note = TextAreaField(_l("备注"), filters=[_strip], validators=[Optional(), Length(max=NOTE_MAX)])
    submit = SubmitField(_l("保存入院"))


class DischargeForm(FlaskForm):
    discharged_on = DateField(_l("出院日期"), validators=[DataRequired()])
    submit = SubmitField(_l("登记出院"))


class CorrectStayForm(FlaskForm):
    care_type = SelectField(_l("服务形式"), choices=_care_types())
    admitted_on = DateField(_l("入院日期"), validators=[DataRequired()])
    discharged_on = DateField(_l("出院日期（可空）"), validators=[Optional()])
    note = TextAreaField(_l("备注"), filters=[_strip], validators=[Optional(), Length(max=NOTE_MAX)])
    reason = TextAreaField(_l("更正原因"), filters=[_strip], validators=[DataRequired(), Length(max=REASON_MAX)])
    submit = SubmitField(_l("保存更正"))


class LeaveForm(FlaskForm):
    out_on = DateField(_l("离开日期"), validators=[DataRequired()])
    back_on = DateField(_l("返回日期（可空）"), validators=[Optional()])
    leave_reason = StringField(_l("请假事由"), filters=[_strip], validators=[Optional(), Length(max=LEAVE_REASON_MAX)])
    submit = SubmitField(_l("登记请假"))


class CloseLeaveForm(FlaskForm):
    back_on = DateField(_l("返回日期"), validators=[DataRequired()])
    submit = SubmitField(_l("登记销假"))


class CorrectLeaveForm(FlaskForm):
    out_on = DateField(_l("离开日期"), validators=[DataRequired()])
    back_on = DateField(_l("返回日期（可空）"), validators=[Optional()])
    leave_reason = StringField(_l("请假事由"), filters=[_strip], validators=[Optional(), Length(max=LEAVE_REASON_MAX)])
    reason = TextAreaField(_l("更正原因"), filters=[_strip], validators=[DataRequired(), Length(max=REASON_MAX)])
    submit = SubmitField(_l("保存更正"))


class StayFilterForm(PlainForm):
    care_type = SelectField(_l("服务形式"), choices=[SelectChoice("", _l("全部")), *_care_types()],
                            validators=[Optional()])
    month = StringField(_l("月份"), filters=[_strip], validators=[Optional(), _month])
    status = SelectField(_l("状态"), validators=[Optional()],
                         choices=[SelectChoice("", _l("全部")),
                                  *(SelectChoice(k, _l(v)) for k, v in STATUS_FILTERS.items())])
    q = StringField(_l("姓名或身份证号"), filters=[_strip], validators=[Optional(), Length(max=40)])


class MonthForm(PlainForm):
    month = StringField(_l("月份"), filters=[_strip], validators=[Optional(), _month])
