"""Forms of the visit pages (shape only; the services check the rules). Times are entered as local
(Asia/Shanghai) wall-clock times and turned into aware instants here."""
from datetime import datetime

from flask_babel import gettext, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (DateTimeLocalField, DecimalField, IntegerField, MonthField, SelectField, SelectMultipleField,
                     StringField, SubmitField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ltc.core.clock import LOCAL_TZ
from ltc.core.errors import DomainError
from ltc.providers.records.models import NOTE_MAX
from ltc.web.forms import PlainForm, finite
from ltc.web.messages import error_words

MINUTES_MAX = 24 * 60
#: a form field per service input, where the two are named differently
FIELD_OF = {"at": "at", "check_in_lat": "lat", "check_in_lon": "lon", "check_out_lat": "lat", "check_out_lon": "lon",
            "item_ids": "items", "check_out_at": "check_out_at", "check_in_at": "check_in_at"}


def aware(value: datetime | None) -> datetime | None:
    """A local wall-clock time from the form as an aware instant."""
    return value.replace(tzinfo=LOCAL_TZ) if value is not None else None


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class VisitForm(FlaskForm):
    def attach(self, exc: DomainError) -> None:
        """The service's refusal above the form and on the fields it names."""
        self.form_errors.append(error_words(exc))
        for key, reason in exc.fields.items():
            field = getattr(self, FIELD_OF.get(key, key), None)
            if field is not None and hasattr(field, "errors"):
                field.errors = list(field.errors) + [gettext(reason)]


def _point():
    return (DecimalField(_l("纬度"), places=6, validators=[Optional(), finite, NumberRange(-90, 90)]),
            DecimalField(_l("经度"), places=6, validators=[Optional(), finite, NumberRange(-180, 180)]))


class CheckInForm(VisitForm):
    #: an unscheduled visit: whom and (for an operator) which carer; a scheduled one has both
    person_id = SelectField(_l("服务对象"), coerce=int, validators=[Optional()], validate_choice=False)
    carer_id = SelectField(_l("护理人员"), coerce=int, validators=[Optional()], validate_choice=False)
    at = DateTimeLocalField(_l("签到时间"), format="%Y-%m-%dT%H:%M", validators=[InputRequired()])
    lat, lon = _point()
    device_id = StringField(_l("设备编号"), filters=[_strip], validators=[Optional(), Length(max=100)])
    photo_hash = StringField(_l("照片摘要"), filters=[_strip], validators=[Optional(), Length(max=128)])
    submit = SubmitField(_l("签到"))


class CheckOutForm(VisitForm):
    at = DateTimeLocalField(_l("签退时间"), format="%Y-%m-%dT%H:%M", validators=[InputRequired()])
    items = SelectMultipleField(_l("已提供的服务项目"), coerce=int, validate_choice=True)
    actual_minutes = IntegerField(_l("实际分钟（留空按签到至签退计算）"),
                                  validators=[Optional(), NumberRange(min=0, max=MINUTES_MAX)])
    lat, lon = _point()
    photo_hash = StringField(_l("照片摘要"), filters=[_strip], validators=[Optional(), Length(max=128)])
    notes = TextAreaField(_l("备注"), filters=[_strip], validators=[Optional(), Length(max=NOTE_MAX)])
    submit = SubmitField(_l("签退"))


class CorrectForm(VisitForm):
    check_in_at = DateTimeLocalField(_l("签到时间"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    check_out_at = DateTimeLocalField(_l("签退时间"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    items = SelectMultipleField(_l("已提供的服务项目"), coerce=int, validate_choice=True)
    actual_minutes = IntegerField(_l("实际分钟"), validators=[Optional(), NumberRange(min=0, max=MINUTES_MAX)])
    notes = TextAreaField(_l("备注"), filters=[_strip], validators=[Optional(), Length(max=NOTE_MAX)])
    reason = StringField(_l("更正原因"), filters=[_strip], validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("保存更正"))


class MoveForm(VisitForm):
    start = DateTimeLocalField(_l("新的时间"), format="%Y-%m-%dT%H:%M", validators=[InputRequired()])
    reason = StringField(_l("原因"), filters=[_strip], validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("调整时间"))


class AssignForm(VisitForm):
    carer_id = SelectField(_l("护理人员"), coerce=int, validate_choice=True)
    submit = SubmitField(_l("改派"))


class CancelForm(VisitForm):
    reason = StringField(_l("取消原因"), filters=[_strip], validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("取消排班"))


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("确认"))


class ScheduleForm(FlaskForm):
    month = MonthField(_l("月份"), validators=[InputRequired()])
    person_id = SelectField(_l("服务对象"), coerce=int, validators=[Optional()], validate_choice=False)
    submit = SubmitField(_l("生成排班"))


class DefaultCarerForm(FlaskForm):
    person_id = IntegerField(validators=[InputRequired()])
    carer_id = SelectField(_l("责任护理人员"), coerce=int, validate_choice=True)
    submit = SubmitField(_l("保存"))


class WeekForm(PlainForm):
    """The GET form of the week views: which week (any day of it) and, for staff, which carer."""

    week = StringField(validators=[Optional()])
    carer = IntegerField(validators=[Optional()])
