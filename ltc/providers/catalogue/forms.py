"""Forms of the service catalogue pages (shape only; the services check the rules)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, IntegerField, SelectChoice, SelectField, StringField,
                     SubmitField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ltc.web.forms import PlainForm, MultiCheckboxField
from ltc.orgs.kinds import CARE_TYPE_LABELS
from ltc.providers.catalogue.models import (CARE_TYPES, ITEM_CLASS_LABELS, ITEM_CLASSES, NATIONAL_CODE_LENGTH,
                                     STAFF_TYPE_LABELS, STAFF_TYPES)
from ltc.providers.catalogue.services import MAX_MINUTES


def _choices(labels: dict, values) -> list[SelectChoice]:
    return [SelectChoice(v, _l(labels[v])) for v in values]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class CatalogueFilterForm(PlainForm):
    """The GET filter of the catalogue list."""

    care_type = SelectField(_l("服务形式"), validators=[Optional()],
                            choices=[SelectChoice("", _l("全部"))] + _choices(CARE_TYPE_LABELS, CARE_TYPES))
    item_class = SelectField(_l("项目类别"), validators=[Optional()],
                             choices=[SelectChoice("", _l("全部"))] + _choices(ITEM_CLASS_LABELS, ITEM_CLASSES))
    q = StringField(_l("编码或名称"), validators=[Optional(), Length(max=100)])

    def filters(self) -> dict:
        """The valid filters only (an unknown choice is ignored, like an empty one)."""
        return {"care_type": self.care_type.data if self.care_type.data in CARE_TYPES else None,
                "item_class": self.item_class.data if self.item_class.data in ITEM_CLASSES else None,
                "text": (self.q.data or "")[:100]}


class ItemForm(FlaskForm):
    """Edit an item's attributes (its code and minutes are not edited here)."""

    name_zh = StringField(_l("项目名称"), filters=[_strip], validators=[DataRequired(), Length(max=100)])
    name_en = StringField(_l("英文名称"), filters=[_strip], validators=[Optional(), Length(max=200)])
    national_code = StringField(_l("国家编码"), filters=[_strip],
                                validators=[Optional(), Length(min=NATIONAL_CODE_LENGTH, max=NATIONAL_CODE_LENGTH)],
                                description=_l("17 位医保服务项目编码，未对照前留空"))
    item_class = SelectField(_l("项目类别"), choices=_choices(ITEM_CLASS_LABELS, ITEM_CLASSES),
                             validators=[DataRequired()])
    staff_types = MultiCheckboxField(_l("可提供人员"), choices=_choices(STAFF_TYPE_LABELS, STAFF_TYPES),
                                     validators=[DataRequired()])
    care_types = MultiCheckboxField(_l("适用服务形式"), choices=_choices(CARE_TYPE_LABELS, CARE_TYPES),
                                    validators=[DataRequired()])
    active = BooleanField(_l("启用"))
    submit = SubmitField(_l("保存"))

    def values(self) -> dict:
        return {"name_zh": self.name_zh.data, "name_en": self.name_en.data,
                "national_code": self.national_code.data, "item_class": self.item_class.data,
                "staff_types": list(self.staff_types.data or ()), "care_types": list(self.care_types.data or ()),
                "active": bool(self.active.data)}


class MinutesForm(FlaskForm):
    """New standard minutes from a date."""

    minutes = IntegerField(_l("标准时长（分钟）"), validators=[InputRequired(), NumberRange(min=1, max=MAX_MINUTES)])
    valid_from = DateField(_l("起始日期"), validators=[DataRequired()])
    submit = SubmitField(_l("登记标准时长"))

    def values(self) -> dict:
        return {"minutes": self.minutes.data, "valid_from": self.valid_from.data}
