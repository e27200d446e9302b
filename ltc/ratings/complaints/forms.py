"""Complaint forms (shape only): the register entry (the provider choices are filled in by the view)
and the insurer's outcome with the reply."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ltc.ratings.complaints.kinds import (CHANNEL_LABELS, COMPLAINANT_LABELS, OUTCOME_LABELS, Channel, Complainant,
                                          Outcome)
from ltc.ratings.complaints.models import NAME_MAX, PHONE_MAX, TEXT_MAX
from ltc.ratings.complaints.services import ComplaintInput
from ltc.web.forms import label_choices, record_id


class ComplaintForm(FlaskForm):
    id_number = StringField(_l("参保人身份证号"), validators=[DataRequired(), Length(max=30)])
    complainant = SelectField(_l("投诉人"), choices=label_choices(COMPLAINANT_LABELS, Complainant),
                              validators=[DataRequired()])
    complainant_name = StringField(_l("投诉人姓名"), validators=[DataRequired(), Length(max=NAME_MAX)])
    complainant_phone = StringField(_l("联系电话"), validators=[Optional(), Length(max=PHONE_MAX)])
    channel = SelectField(_l("投诉渠道"), choices=label_choices(CHANNEL_LABELS, Channel), validators=[DataRequired()])
    provider_id = SelectField(_l("被投诉的护理服务机构"), coerce=int, validators=[DataRequired()])
    carer_id = IntegerField(_l("被投诉的护理人员编号（可不填）"), validators=[Optional(), record_id])
    happened_on = DateField(_l("发生日期"), validators=[DataRequired()])
    what = TextAreaField(_l("投诉内容"), validators=[DataRequired(), Length(max=TEXT_MAX)])
    submit = SubmitField(_l("登记投诉"))

    def complaint(self) -> ComplaintInput:
        return ComplaintInput(id_number=self.id_number.data, provider_id=self.provider_id.data,
                              complainant=self.complainant.data, complainant_name=self.complainant_name.data,
                              channel=self.channel.data, what=self.what.data, happened_on=self.happened_on.data,
                              carer_id=self.carer_id.data, complainant_phone=self.complainant_phone.data or None)


class DecisionForm(FlaskForm):
    outcome = SelectField(_l("处理结论"), choices=label_choices(OUTCOME_LABELS, Outcome), validators=[DataRequired()])
    reply = TextAreaField(_l("给投诉人的答复"), validators=[DataRequired(), Length(max=TEXT_MAX)])
    submit = SubmitField(_l("办结"))
