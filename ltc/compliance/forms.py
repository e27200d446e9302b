"""Findings page forms (shape only)."""
import re
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, Regexp

from ltc.compliance.kinds import FINDING_STATUS_LABELS, RULE_LABELS, SEVERITY_LABELS
from ltc.web.forms import PlainForm

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _choices(labels, everything) -> list[SelectChoice]:
    return [SelectChoice("", everything)] + [SelectChoice(str(k), _l(v)) for k, v in labels.items()]


class FindingFilterForm(PlainForm):
    """The GET filter of the findings queue; provider and carer choices are set by the view."""

    rule = SelectField(_l("规则"), validators=[Optional()], choices=_choices(RULE_LABELS, _l("全部规则")))
    severity = SelectField(_l("处理方式"), validators=[Optional()],
                           choices=_choices(SEVERITY_LABELS, _l("全部处理方式")))
    status = SelectField(_l("状态"), validators=[Optional()], default="open",
                         choices=_choices(FINDING_STATUS_LABELS, _l("全部状态")))
    provider = SelectField(_l("护理机构"), validators=[Optional()], choices=[])
    carer = SelectField(_l("护理人员"), validators=[Optional()], choices=[])
    month = StringField(_l("服务月份（YYYY-MM）"),
                        validators=[Optional(), Regexp(MONTH, message=_l("月份格式应为 YYYY-MM"))])

    def month_start(self) -> date | None:
        return date.fromisoformat(self.month.data + "-01") if self.month.data else None
