"""The trial page's forms: which real beneficiary-month to pre-fill from, and the scenario (JSON)."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Regexp

MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
SCENARIO_MAX = 200_000


class PrefillForm(FlaskForm):
    """GET ``?person_id=&month=``: the scenario of a real beneficiary-month in the user's scope."""

    class Meta:
        csrf = False

    person_id = IntegerField(_l("参保人编号"), validators=[DataRequired(), NumberRange(min=1, max=2**31 - 1)])
    month = StringField(_l("服务月份"), validators=[DataRequired(), Regexp(MONTH, message=_l("格式为 YYYY-MM"))])
    submit = SubmitField(_l("从真实数据填入"))


class TrialForm(FlaskForm):
    scenario = TextAreaField(_l("试算场景（JSON）"), validators=[DataRequired(), Length(max=SCENARIO_MAX)],
                             description=_l("接口请求体的格式（代码值为接口取值）"),
                             render_kw={"rows": 18, "spellcheck": "false", "translate": "no"})
    submit = SubmitField(_l("试算"))
