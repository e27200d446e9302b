"""Forms of the expert register (shape only; the assessor and agency choices are filled in by
the views, the rules live in ``experts``)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from ltc.web.forms import PlainForm

STATE_LABELS = {"valid": "今日有效", "expired": "已失效", "upcoming": "尚未生效"}


class CertificateForm(FlaskForm):
    user_id = SelectField(_l("评估员"), coerce=int, validators=[DataRequired()])
    certificate_no = StringField(_l("证书编号"), validators=[DataRequired(), Length(max=50)])
    issued_by = StringField(_l("发证机关"), validators=[Optional(), Length(max=200)])
    valid_from = DateField(_l("有效期起"), validators=[DataRequired()])
    valid_to = DateField(_l("有效期至（不含当日，留空为长期）"), validators=[Optional()])
    submit = SubmitField(_l("登记证书"))

    def values(self) -> dict:
        return {"certificate_no": self.certificate_no.data, "issued_by": self.issued_by.data,
                "valid_from": self.valid_from.data, "valid_to": self.valid_to.data}


class EndCertificateForm(FlaskForm):
    valid_to = DateField(_l("结束日期（当日起不再是评估专家）"), validators=[DataRequired()])
    submit = SubmitField(_l("结束证书"))


class CertificateFilterForm(PlainForm):
    """The GET filter of the register (the agency choice only for the MIA)."""

    org_id = SelectField(_l("评估机构"), validators=[Optional()])
    state = SelectField(_l("状态"), validators=[Optional()], choices=[SelectChoice("", _l("全部"))] + [
        SelectChoice(k, _l(v)) for k, v in STATE_LABELS.items()])
