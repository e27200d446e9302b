"""Forms of the carer register (shape only; the rules live in the services)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (DateField, DecimalField, HiddenField, PasswordField, SelectChoice, SelectField,
                     StringField, SubmitField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ltc.providers.carers.services.register import CarerInput
from ltc.providers.carers.services.scope import STATE_LABELS
from ltc.providers.kinds import STAFF_TYPE_LABELS, StaffType
from ltc.web.forms import PlainForm, finite, label_choices


def staff_type_choices() -> list[SelectChoice]:
    return label_choices(STAFF_TYPE_LABELS, list(StaffType))


class CarerForm(FlaskForm):
    name = StringField(_l("姓名"), validators=[DataRequired(), Length(max=50)])
    id_number = StringField(_l("身份证号"), validators=[DataRequired(), Length(max=40)])
    staff_type = SelectField(_l("人员类别"), validators=[DataRequired()])
    phone = StringField(_l("电话"), validators=[Optional(), Length(max=30)])
    employed_from = DateField(_l("入职日期"), validators=[DataRequired()])
    version = HiddenField()
    submit = SubmitField(_l("保存"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff_type.choices = staff_type_choices()

    def entry(self) -> CarerInput:
        return CarerInput(name=self.name.data, id_number=self.id_number.data, staff_type=self.staff_type.data,
                          phone=self.phone.data, employed_from=self.employed_from.data)


class QualificationForm(FlaskForm):
    staff_type = SelectField(_l("资格类别"), validators=[DataRequired()])
    certificate_no = StringField(_l("证书编号"), validators=[DataRequired(), Length(max=50)])
    issuer = StringField(_l("发证机关"), validators=[Optional(), Length(max=100)])
    valid_from = DateField(_l("有效期起"), validators=[DataRequired()])
    valid_to = DateField(_l("有效期至（不含当日，留空为长期）"), validators=[Optional()])
    submit = SubmitField(_l("登记资格"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff_type.choices = staff_type_choices()


class CertificateForm(FlaskForm):
    name = StringField(_l("证书名称"), validators=[DataRequired(), Length(max=100)])
    number = StringField(_l("证书编号"), validators=[Optional(), Length(max=50)])
    valid_from = DateField(_l("有效期起"), validators=[DataRequired()])
    valid_to = DateField(_l("有效期至（不含当日，留空为长期）"), validators=[Optional()])
    submit = SubmitField(_l("登记证书"))


class TrainingForm(FlaskForm):
    day = DateField(_l("培训日期"), validators=[DataRequired()])
    hours = DecimalField(_l("学时"), places=1, validators=[DataRequired(), finite, NumberRange(min=0.1, max=24)])
    topic = StringField(_l("培训内容"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("登记培训"))


class SuspensionForm(FlaskForm):
    valid_from = DateField(_l("暂停起始日期"), validators=[DataRequired()])
    valid_to = DateField(_l("恢复日期（留空为直至解除）"), validators=[Optional()])
    reason = StringField(_l("暂停原因"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("暂停服务"))


class EndPeriodForm(FlaskForm):
    valid_to = DateField(_l("结束日期（当日起不再适用）"), validators=[DataRequired()])
    submit = SubmitField(_l("确认"))


class LeavingForm(FlaskForm):
    left_on = DateField(_l("离职日期（当日起不再在职）"), validators=[DataRequired()])
    submit = SubmitField(_l("登记离职"))


class CreateLoginForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[DataRequired(), Length(max=60)])
    password = PasswordField(_l("初始密码"), validators=[DataRequired()])
    submit = SubmitField(_l("创建登录账号"))


class LinkLoginForm(FlaskForm):
    user_id = SelectField(_l("已有的护理员账号"), coerce=int, validators=[DataRequired()])
    submit = SubmitField(_l("关联账号"))


class CarerFilterForm(PlainForm):
    """The GET filter of the register (the provider choice only for the MIA and insurers)."""

    q = StringField(_l("姓名或身份证号"), validators=[Optional(), Length(max=40)])
    staff_type = SelectField(_l("人员类别"), validators=[Optional()])
    state = SelectField(_l("状态"), validators=[Optional()])
    provider_id = SelectField(_l("护理机构"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff_type.choices = [SelectChoice("", _l("全部"))] + staff_type_choices()
        self.state.choices = [SelectChoice("", _l("全部"))] + label_choices(STATE_LABELS, STATE_LABELS)
