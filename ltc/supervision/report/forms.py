""""Run now" for one month of the monthly supervision report."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import MonthField, SubmitField
from wtforms.validators import InputRequired


class RunReportForm(FlaskForm):
    month = MonthField(_l("报告月份"), validators=[InputRequired()])
    submit = SubmitField(_l("立即生成"))
