"""Forms of dynamic management (shape only; the rules live in the services)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, RadioField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ltc.ratings.effects.kinds import (CHECK_DECISION_LABELS, PROPOSAL_DECISION_LABELS, CheckDecision,
                                       ProposalDecision)
from ltc.ratings.effects.models import REASON_MAX, TEXT_MAX
from ltc.web.forms import label_choices


class ResponseForm(FlaskForm):
    text = TextAreaField(_l("整改情况"), validators=[DataRequired(), Length(max=TEXT_MAX)])
    file = FileField(_l("整改材料（可选；PDF、JPG、PNG，不超过 10 MB）"))
    submit = SubmitField(_l("提交整改答复"))

    def upload(self):
        upload = self.file.data
        return upload if upload and getattr(upload, "filename", "") else None


class CheckForm(FlaskForm):
    decision = RadioField(_l("核查结论"), choices=label_choices(CHECK_DECISION_LABELS, CheckDecision),
                          validators=[DataRequired()])
    reason = TextAreaField(_l("原因（不通过时必填）"), validators=[Optional(), Length(max=REASON_MAX)])
    submit = SubmitField(_l("提交核查结论"))


class DecisionForm(FlaskForm):
    decision = RadioField(_l("处理决定"), choices=label_choices(PROPOSAL_DECISION_LABELS, ProposalDecision),
                          validators=[DataRequired()])
    effective_on = DateField(_l("生效日期（暂停起始日或协议终止日）"), validators=[Optional()])
    reason = TextAreaField(_l("处理原因"), validators=[DataRequired(), Length(max=REASON_MAX)])
    submit = SubmitField(_l("记录处理决定"))
