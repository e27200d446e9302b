"""Login and password forms (shape only)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[DataRequired(), Length(max=60)])
    password = PasswordField(_l("密码"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("登录"))


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("当前密码"), validators=[DataRequired()])
    new_password = PasswordField(_l("新密码"), validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField(_l("确认新密码"), validators=[DataRequired(), EqualTo("new_password")])
    submit = SubmitField(_l("修改密码"))
