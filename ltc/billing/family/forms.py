"""Forms of the family-care allowance pages (shape only)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, MonthField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ltc.billing.family.accounts import AccountChange
from ltc.billing.family.kinds import LINE_STATUS_LABELS, LineStatus
from ltc.billing.family.models import ACCOUNT_MAX, BANK_MAX, HOLDER_MAX, REASON_MAX, REFERENCE_MAX
from ltc.web.forms import PlainForm, label_choices


class ListFilterForm(PlainForm):
    month = MonthField(_l("服务月份"), validators=[Optional()])
    status = SelectField(_l("状态"), validators=[Optional()],
                         choices=[SelectChoice("", _l("全部")), *label_choices(LINE_STATUS_LABELS, LineStatus)])


class MarkPaidForm(FlaskForm):
    paid_on = DateField(_l("支付日期"), validators=[DataRequired()])
    bank_reference = StringField(_l("银行流水号"), validators=[DataRequired(), Length(max=REFERENCE_MAX)])
    submit = SubmitField(_l("登记本月补贴已支付"))


class AccountForm(FlaskForm):
    holder = StringField(_l("户名"), validators=[DataRequired(), Length(max=HOLDER_MAX)])
    bank_name = StringField(_l("开户银行"), validators=[DataRequired(), Length(max=BANK_MAX)])
    account_no = StringField(_l("银行账号"), validators=[DataRequired(), Length(max=ACCOUNT_MAX)])
    valid_from = DateField(_l("起始日期"), validators=[DataRequired()])
    request = StringField(_l("本人申请（方式、日期）"), validators=[DataRequired(), Length(max=REASON_MAX)])
    reason = TextAreaField(_l("变更原因"), validators=[DataRequired(), Length(max=REASON_MAX)])
    submit = SubmitField(_l("变更银行账户"))

    def change(self) -> AccountChange:
        return AccountChange(holder=self.holder.data, bank_name=self.bank_name.data, account_no=self.account_no.data,
                             valid_from=self.valid_from.data, request=self.request.data, reason=self.reason.data)
