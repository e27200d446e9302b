"""Forms of the working calendar pages: one override, marking a year loaded (shape only)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import AnyOf, DataRequired, Length, Optional


class OverrideForm(FlaskForm):
    day = DateField(_l("日期"), validators=[DataRequired()])
    kind = SelectField(_l("类型"), choices=[SelectChoice("holiday", _l("节假日（休息）")),
                                          SelectChoice("workday", _l("调休工作日"))],
                      default="holiday", validators=[DataRequired()])
    note = StringField(_l("备注"), validators=[Optional(), Length(max=200)],
                       description=_l("例如：春节、国庆节调休"))
    submit = SubmitField(_l("保存"))


class YearLoadedForm(FlaskForm):
    """Mark the year loaded (``1``) or not loaded again (``0``); the page renders the button."""

    loaded = HiddenField(validators=[AnyOf(["1", "0"])])
