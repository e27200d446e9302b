"""The trial page's forms: which real beneficiary-month to pre-fill from, and the scenario (JSON)."""
import re
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Regexp, ValidationError

MONTH = re.compile(r"\A[0-9]{4}-(0[1-9]|1[0-2])\Z")
#: the years a beneficiary-month may name (the dated facts and the months around it stay in range)
YEARS = (1900, 2999)
SCENARIO_MAX = 200_000


class PrefillForm(FlaskForm):
    """GET ``?person_id=&month=``: the scenario of a real beneficiary-month in the user's scope."""

    class Meta:
        csrf = False

    person_id = IntegerField(_l("参保人编号"), validators=[DataRequired(), NumberRange(min=1, max=2**31 - 1)])
    month = StringField(_l("服务月份"), validators=[DataRequired(), Regexp(MONTH, message=_l("格式为 YYYY-MM"))])
    submit = SubmitField(_l("从真实数据填入"))

    def validate_month(self, field) -> None:
        if field.errors:  # not YYYY-MM: said already
            return
        if not YEARS[0] <= int(field.data[:4]) <= YEARS[1]:
            raise ValidationError(_l("月份超出范围"))

    @property
    def month_start(self) -> date:
        """The first day of the validated month."""
        return date(int(self.month.data[:4]), int(self.month.data[5:7]), 1)


class TrialForm(FlaskForm):
    scenario = TextAreaField(_l("试算场景（JSON）"), validators=[DataRequired(), Length(max=SCENARIO_MAX)],
                             description=_l("接口请求体的格式（代码值为接口取值）"),
                             render_kw={"rows": 18, "spellcheck": "false", "translate": "no"})
    submit = SubmitField(_l("试算"))
