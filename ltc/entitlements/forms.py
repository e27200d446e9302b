"""Entitlement page forms (shape only)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ltc.web.forms import PlainForm
from ltc.orgs.kinds import CARE_TYPE_LABELS

STATE_LABELS = {"active": "享受中", "future": "尚未开始", "ended": "已终止"}


class FilterForm(PlainForm):
    """The GET filter of the entitlement list."""

    care_type = SelectField(_l("服务形式"), validators=[Optional()], choices=[SelectChoice("", _l("全部服务形式"))] + [
        SelectChoice(str(k), _l(v)) for k, v in CARE_TYPE_LABELS.items()])
    state = SelectField(_l("状态"), validators=[Optional()], choices=[SelectChoice("", _l("全部状态"))] + [
        SelectChoice(k, _l(v)) for k, v in STATE_LABELS.items()])
    q = StringField(_l("姓名、身份证号或申请编号"), validators=[Optional(), Length(max=50)])


class RequestEntitlementForm(FlaskForm):
    """An insurer opens the entitlement review for another care type or provider."""

    application = StringField(_l("评估申请（申请编号，或参保人身份证号、姓名）"),
                              validators=[DataRequired(), Length(max=50)],
                              description=_l("例如 SQ-2026-000042；按参保人查找时取其最近的最终评估结论"))
    care_type = SelectField(_l("服务形式"), validators=[DataRequired()],
                            choices=[SelectChoice(k, _l(v)) for k, v in CARE_TYPE_LABELS.items()])
    provider_id = SelectField(_l("定点护理服务机构"), validators=[DataRequired()], coerce=int, choices=[])
    requested_from = DateField(_l("希望变更开始日期（选填，不早于审核完成的次月1日）"), validators=[Optional()])
