"""Roster forms (shape only; rules involving other records live in the services)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (DateField, DecimalField, IntegerField, SelectField, SelectMultipleField, StringField,
                     SubmitField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import HiddenInput

from ltc.core.clock import local_today
from ltc.people.ids import parse_id_number
from ltc.people.models import CATEGORY_LABELS, STATUS_LABELS, TAG_LABELS, PersonStatus
from ltc.web.forms import finite, record_id

STATUS_CHOICES = [SelectChoice(str(k), _l(v)) for k, v in STATUS_LABELS.items() if k != PersonStatus.DECEASED]
CATEGORY_CHOICES = [SelectChoice(str(k), _l(v)) for k, v in CATEGORY_LABELS.items()]
TAG_CHOICES = [SelectChoice(str(k), _l(v)) for k, v in TAG_LABELS.items()]


def valid_id_number(form, field) -> None:
    """The rules of ids.py, shown on the field."""
    try:
        parse_id_number(field.data or "", local_today())
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


class PersonForm(FlaskForm):
    """Editing a person's registry fields."""

    id_number = StringField(_l("身份证号"), validators=[DataRequired(), valid_id_number])
    name = StringField(_l("姓名"), validators=[DataRequired(), Length(max=50)])
    phone = StringField(_l("电话"), validators=[Optional(), Length(max=30),
                                               Regexp(r"^[0-9+\- ]+$", message=_l("电话只能包含数字、空格、+ 和 -"))])
    address = StringField(_l("地址"), validators=[Optional(), Length(max=300)])
    district = StringField(_l("区县"), validators=[DataRequired(), Length(max=50)])
    township = StringField(_l("街道/乡镇"), validators=[Optional(), Length(max=50)])
    village = StringField(_l("社区/村"), validators=[Optional(), Length(max=50)])
    latitude = DecimalField(_l("纬度"), places=6, validators=[Optional(), finite, NumberRange(-90, 90)])
    longitude = DecimalField(_l("经度"), places=6, validators=[Optional(), finite, NumberRange(-180, 180)])
    submit = SubmitField(_l("保存"))

    def person_values(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "id_number", "name", "phone", "address", "district", "township", "village",
            "latitude", "longitude")}


class NewPersonForm(PersonForm):
    """A new person also gets a status, category and tags from a date."""

    status = SelectField(_l("参保状态"), choices=STATUS_CHOICES, default="active")
    category = SelectField(_l("参保类别"), choices=[SelectChoice("", "—")] + CATEGORY_CHOICES, default="")
    tags = SelectMultipleField(_l("人群标签"), choices=TAG_CHOICES, validators=[Optional()])
    valid_from = DateField(_l("生效日期"), validators=[DataRequired()], default=local_today)
    submit = SubmitField(_l("登记"))  # redeclared, so it stays the last field


class StatusForm(FlaskForm):
    status = SelectField(_l("参保状态"), choices=STATUS_CHOICES)
    valid_from = DateField(_l("生效日期"), validators=[DataRequired()], default=local_today)
    submit = SubmitField(_l("变更状态"))


class CategoryForm(FlaskForm):
    category = SelectField(_l("参保类别"), choices=CATEGORY_CHOICES)
    valid_from = DateField(_l("生效日期"), validators=[DataRequired()], default=local_today)
    submit = SubmitField(_l("变更类别"))


class TagForm(FlaskForm):
    tag = SelectField(_l("人群标签"), choices=TAG_CHOICES)
    valid_from = DateField(_l("生效日期"), validators=[DataRequired()], default=local_today)
    submit = SubmitField(_l("添加标签"))


class EndTagForm(FlaskForm):
    tag = SelectField(_l("人群标签"), choices=TAG_CHOICES)
    valid_to = DateField(_l("结束日期（当日起不再适用）"), validators=[DataRequired()], default=local_today)
    submit = SubmitField(_l("结束标签"))


class DeathForm(FlaskForm):
    death_date = DateField(_l("死亡日期"), validators=[DataRequired()])
    submit = SubmitField(_l("登记死亡"))


class UndoDeathForm(FlaskForm):
    reason = TextAreaField(_l("撤销原因"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("撤销死亡登记"))


class MergePersonsForm(FlaskForm):
    """Merge the other person of an ID-number collision into ``survivor_id``, with the reason."""

    survivor_id = IntegerField(widget=HiddenInput(), validators=[DataRequired(), record_id])
    reason = TextAreaField(_l("合并原因"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("确认合并"))


class CorrectIdNumberForm(FlaskForm):
    """The correct number of one of the two persons of an ID-number collision."""

    person_id = IntegerField(widget=HiddenInput(), validators=[DataRequired(), record_id])
    id_number = StringField(_l("正确的身份证号"), validators=[DataRequired(), valid_id_number])
    submit = SubmitField(_l("更正"))
