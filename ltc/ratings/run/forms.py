"""The provider's appeal form of a rating (shape only)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from ltc.ratings.run.appeals import REASON_MAX


class AppealForm(FlaskForm):
    reason = TextAreaField(_l("申诉理由"), validators=[DataRequired(), Length(max=REASON_MAX)])
    submit = SubmitField(_l("提交申诉"))
