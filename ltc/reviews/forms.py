"""Review page forms (shape only; the engine checks decisions against the case's definition).
Choices that depend on the case or the database are set by the view."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ltc.web.forms import PlainForm
from ltc.reviews.states import STATUS_LABELS, CaseStatus


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _all(label) -> list[SelectChoice]:
    return [SelectChoice("", label)]


class InboxFilterForm(PlainForm):
    """GET filter of the inbox."""

    case_type = SelectField(_l("案件类型"), validators=[Optional()], choices=[])
    q = StringField(_l("查找"), validators=[Optional(), Length(max=40)])


class CasesFilterForm(PlainForm):
    """GET filter of the all-cases list."""

    case_type = SelectField(_l("案件类型"), validators=[Optional()], choices=[])
    q = StringField(_l("查找"), validators=[Optional(), Length(max=40)])
    status = SelectField(_l("状态"), validators=[Optional()],
                         choices=_all(_l("全部状态")) + choices((s.value, _l(STATUS_LABELS[s])) for s in CaseStatus))


class DecisionForm(FlaskForm):
    decision = RadioField(_l("决定"), validators=[InputRequired(message=_l("请选择决定"))], choices=[])
    # the engine checks the reason and the return target against the step and says which apply
    reason_code = SelectField(_l("原因"), validators=[Optional()], choices=[], validate_choice=False)
    reason_text = TextAreaField(_l("说明"), validators=[Optional(), Length(max=1000)])
    return_to = SelectField(_l("退回至步骤"), validators=[Optional()], choices=[], validate_choice=False)
    expected_version = HiddenField(validators=[DataRequired()])

    def set_choices(self, decisions: list[tuple[str, str]], reasons: list[tuple[str, str]],
                    return_targets: list[tuple[str, str]] = ()) -> None:
        self.decision.choices = choices(decisions)
        self.reason_code.choices = _all(_l("（无）")) + choices(reasons)
        self.return_to.choices = choices(return_targets)

