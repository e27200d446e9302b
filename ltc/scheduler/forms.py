"""The "run now" button: a CSRF-protected form with no fields."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField


class RunNowForm(FlaskForm):
    submit = SubmitField(_l("立即运行"))
