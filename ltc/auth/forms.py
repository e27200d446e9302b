"""Forms of the auth domain (shape only): login, own password, user management."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from ltc.auth.passwords import MIN_LENGTH
from ltc.auth.permissions import ROLE_LABELS
from ltc.web.forms import PlainForm, MultiCheckboxField, label_choices


class LoginForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[DataRequired(), Length(max=60)])
    password = PasswordField(_l("密码"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("登录"))


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("当前密码"), validators=[DataRequired()])
    new_password = PasswordField(_l("新密码"), validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField(_l("确认新密码"), validators=[DataRequired(), EqualTo("new_password")])
    submit = SubmitField(_l("修改密码"))


# --- users ---------------------------------------------------------------------------------

def role_choices(roles) -> list[SelectChoice]:
    return label_choices(ROLE_LABELS, roles)


class UserForm(FlaskForm):
    """Create a user. ``org_id`` is removed by the view unless the MIA admin creates the user."""

    org_id = SelectField(_l("所属机构"), coerce=int, validators=[DataRequired()])
    username = StringField(_l("用户名"), validators=[
        DataRequired(), Length(min=3, max=60),
        Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", message=_l("只能包含字母、数字和 _ . -"))])
    full_name = StringField(_l("姓名"), validators=[DataRequired(), Length(max=100)])
    roles = MultiCheckboxField(_l("角色"))  # at least one: checked by the service, per org kind
    password = PasswordField(_l("初始密码"), validators=[DataRequired(), Length(min=MIN_LENGTH, max=200)],
                             description=_l("至少 10 个字符，须同时包含字母和数字"))
    confirm = PasswordField(_l("确认密码"), validators=[DataRequired(), EqualTo("password")])
    submit = SubmitField(_l("创建用户"))


class EditUserForm(FlaskForm):
    full_name = StringField(_l("姓名"), validators=[DataRequired(), Length(max=100)])
    roles = MultiCheckboxField(_l("角色"))  # at least one: checked by the service, per org kind
    active = BooleanField(_l("启用"))
    submit = SubmitField(_l("保存"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("新密码"), validators=[DataRequired(), Length(min=MIN_LENGTH, max=200)],
                             description=_l("至少 10 个字符，须同时包含字母和数字"))
    confirm = PasswordField(_l("确认新密码"), validators=[DataRequired(), EqualTo("password")])
    submit = SubmitField(_l("重置密码"))


class UserFilterForm(PlainForm):
    org_id = SelectField(_l("机构"), validators=[Optional()])
    q = StringField(_l("用户名或姓名"), validators=[Optional(), Length(max=100)])
    active = SelectField(_l("状态"), validators=[Optional()], choices=[
        SelectChoice("", _l("全部")), SelectChoice("1", _l("启用")), SelectChoice("0", _l("停用"))])
