"""Settlement review page forms (shape only; the services check records, steps and reasons).
Choices that depend on the settlement are set by the view."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ltc.billing.review.kinds import RECORD_DECISION_LABELS, REFUSAL_REASON_LABELS, RecordDecision, RefusalReason
from ltc.web.forms import MultiCheckboxField, PlainForm, record_id


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


DECISIONS = _choices((d.value, _l(RECORD_DECISION_LABELS[d])) for d in RecordDecision)
REASONS = _choices([("", _l("（无）"))] + [(r.value, _l(REFUSAL_REASON_LABELS[r])) for r in RefusalReason])
STATES = _choices([("", _l("全部")), ("undecided", _l("未决定")), ("decided", _l("已决定"))])


class FlagFilterForm(PlainForm):
    """GET filter of the flagged records (also the scope of a bulk decision)."""

    # the choices come from the settlement; an unknown value simply matches nothing
    rule = SelectField(_l("规则"), validators=[Optional(), Length(max=4)], choices=[], validate_choice=False)
    carer_id = SelectField(_l("护理人员"), validators=[Optional()], choices=[], validate_choice=False)
    person_id = SelectField(_l("参保人"), validators=[Optional()], choices=[], validate_choice=False)
    state = SelectField(_l("状态"), validators=[Optional()], choices=STATES)


class _Decision(FlaskForm):
    decision = SelectField(_l("决定"), validators=[InputRequired()], choices=DECISIONS)
    reason_code = SelectField(_l("不予支付原因"), validators=[Optional()], choices=REASONS)
    reason_text = TextAreaField(_l("说明"), validators=[Optional(), Length(max=1000)])


class RecordsDecisionForm(_Decision):
    """A decision on the ticked records (flagged or sampled)."""

    keys = MultiCheckboxField(_l("记录"), validators=[DataRequired(message=_l("请选择记录"))], choices=[])


class BulkDecisionForm(_Decision):
    """A decision on every undecided flagged record the filter matches."""

    rule = HiddenField()
    carer_id = HiddenField()
    person_id = HiddenField()


class PersonDecisionForm(_Decision):
    """A decision on every undecided record of one sampled person."""

    person_id = IntegerField(validators=[InputRequired(), record_id])


class NoteForm(FlaskForm):
    note = TextAreaField(_l("说明"), validators=[Optional(), Length(max=1000)])


class ReturnForm(FlaskForm):
    reason_code = SelectField(_l("退回原因"), validators=[InputRequired()], choices=[])
    reason_text = TextAreaField(_l("具体原因"), validators=[DataRequired(message=_l("请写明退回原因")),
                                                            Length(max=1000)])


class ApproveManyForm(FlaskForm):
    ids = MultiCheckboxField(_l("结算"), validators=[DataRequired(message=_l("请选择结算"))], choices=[])


class PaymentForm(FlaskForm):
    settlement_id = IntegerField(validators=[InputRequired(), record_id])
    paid_on = DateField(_l("支付日期"), validators=[InputRequired(message=_l("请填写支付日期"))])
    bank_reference = StringField(_l("银行流水号"), validators=[DataRequired(message=_l("请填写银行流水号")),
                                                                Length(max=60)])


class ExportForm(FlaskForm):
    ids = MultiCheckboxField(_l("结算"), validators=[DataRequired(message=_l("请选择结算"))], choices=[])


class ReturnFileForm(FlaskForm):
    file = FileField(_l("银行回盘文件（CSV）"), validators=[FileRequired(message=_l("请选择文件"))])


class SubmitForm(FlaskForm):
    """The provider's submission: a remark and evidence per flagged record (fields named by the view)."""

    note = TextAreaField(_l("提交说明"), validators=[Optional(), Length(max=1000)])


class AppealForm(FlaskForm):
    refusals = MultiCheckboxField(_l("不予支付的记录"), validators=[Optional()], choices=[])
    rejects = MultiCheckboxField(_l("系统拒付的记录"), validators=[Optional()], choices=[])
    reason = TextAreaField(_l("申诉理由"), validators=[DataRequired(message=_l("请写明申诉理由")), Length(max=1000)])


class AppealDecisionForm(FlaskForm):
    appeal_id = IntegerField(validators=[InputRequired(), record_id])
    upheld = SelectField(_l("复核结论"), validators=[InputRequired()],
                         choices=_choices([("yes", _l("申诉成立")), ("no", _l("申诉不成立"))]))
    reason_code = SelectField(_l("不成立原因"), validators=[Optional()], choices=[])
    reason_text = TextAreaField(_l("说明"), validators=[Optional(), Length(max=1000)])
