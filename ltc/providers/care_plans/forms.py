"""Forms of the care plan pages (shape only; the services check the rules).

The visit types are a fixed number of rows (a FieldList); "add a row" is a second submit
button that re-renders the form with one more empty row, so no script is needed. A row left
entirely blank is ignored.
"""
from flask_babel import gettext, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (DateField, FieldList, FormField, IntegerField, SelectChoice, SelectField,
                     SelectMultipleField, StringField, SubmitField, TextAreaField, TimeField)
from wtforms.validators import Length, NumberRange, Optional

from ltc.web.forms import PlainForm
from ltc.core.errors import DomainError
from ltc.orgs.kinds import CARE_TYPE_LABELS, CareType
from ltc.providers.care_plans.services import MAX_MINUTES, PLAN_PROBLEMS, VisitTypeInput
from ltc.providers.care_plans.models import UNIT_LABELS, FrequencyUnit
from ltc.providers.kinds import WEEKDAY_LABELS
from ltc.web.messages import error_words

EMPTY_ROWS = 1
NEW_PLAN_ROWS = 3
LEVELS = [SelectChoice(level, _l("%(n)s 级", n=level)) for level in range(1, 6)]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class VisitTypeForm(PlainForm):
    """One visit type row (no CSRF token of its own: the plan form carries it)."""

    name = StringField(_l("服务名称"), filters=[_strip], validators=[Optional(), Length(max=100)])
    frequency = IntegerField(_l("频次"), validators=[Optional(), NumberRange(min=1, max=93)])
    frequency_unit = SelectField(_l("单位"), choices=[SelectChoice(u.value, _l(UNIT_LABELS[u])) for u in FrequencyUnit])
    planned_minutes = IntegerField(_l("计划分钟"), validators=[Optional(), NumberRange(min=1, max=MAX_MINUTES)])
    items = SelectMultipleField(_l("服务项目"), choices=[], validate_choice=True)
    weekdays = SelectMultipleField(_l("服务日（按周）"), coerce=int, validate_choice=True,
                                   choices=[SelectChoice(n, _l(label)) for n, label in WEEKDAY_LABELS.items()])
    start_time = TimeField(_l("开始时间"), validators=[Optional()])

    def is_blank(self) -> bool:
        return not (self.name.data or self.frequency.raw_data and self.frequency.raw_data[0]
                    or self.planned_minutes.raw_data and self.planned_minutes.raw_data[0] or self.items.data)


class PlanForm(FlaskForm):
    level = SelectField(_l("失能等级"), choices=LEVELS, coerce=int)
    note = TextAreaField(_l("备注"), filters=[_strip], validators=[Optional(), Length(max=500)])
    #: a revision after the grant: the day it should take effect (never before the day after approval)
    requested_from = DateField(_l("申请生效日期"), validators=[Optional()])
    visit_types = FieldList(FormField(VisitTypeForm), min_entries=EMPTY_ROWS, max_entries=20)
    add_row = SubmitField(_l("添加一行"))
    submit = SubmitField(_l("保存为新版本"))

    def set_item_choices(self, choices: list[SelectChoice]) -> None:
        for row in self.visit_types:
            row.form.items.choices = choices

    def filled_rows(self) -> list[int]:
        """Indexes of the rows that are not entirely blank."""
        return [i for i, row in enumerate(self.visit_types) if not row.form.is_blank()]

    def visit_inputs(self) -> tuple[list[VisitTypeInput], list[int]]:
        """The filled rows as service input, and the row index of each."""
        rows = self.filled_rows()
        inputs = []
        for i in rows:
            row = self.visit_types[i].form
            inputs.append(VisitTypeInput(row.name.data or "", row.frequency.data, row.frequency_unit.data,
                                         row.planned_minutes.data, tuple(row.items.data or ()),
                                         tuple(row.weekdays.data or ()), row.start_time.data))
        return inputs, rows

    def attach(self, exc: DomainError, rows: list[int]) -> None:
        """Put the service's field errors (``visit_types-<i>-<field>``) on the matching row fields."""
        own = exc.msgid == PLAN_PROBLEMS  # the plan's own problems: each reason is a message (msgid)
        reasons = {key: gettext(reason) if own else reason for key, reason in exc.fields.items()}
        self.form_errors.append(gettext(PLAN_PROBLEMS, problems="；".join(reasons.values())) if own
                                else error_words(exc))
        for key, reason in reasons.items():
            parts = key.split("-")
            if len(parts) == 3 and parts[0] == "visit_types" and parts[1].isdigit() and int(parts[1]) < len(rows):
                field = getattr(self.visit_types[rows[int(parts[1])]].form, parts[2], None)
                if field is not None:
                    field.errors = list(field.errors) + [reason]
            elif key in ("level", "note", "requested_from"):
                getattr(self, key).errors = list(getattr(self, key).errors) + [reason]


class CareTypeChoiceForm(PlainForm):
    """The GET form that picks the care type before a first plan is drafted."""

    care_type = SelectField(_l("服务形式"), choices=[SelectChoice(c.value, _l(CARE_TYPE_LABELS[c])) for c in CareType])


class InForceForm(PlainForm):
    """The GET form of the plan page that picks the date whose version in force is shown."""

    on = DateField(_l("查看日期"), validators=[Optional()])
