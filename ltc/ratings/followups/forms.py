"""Follow-up forms (shape only): the visit record and the reassignment (the staff choices are filled
in by the view)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, DateField, IntegerField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ltc.ratings.followups.kinds import CHANNEL_LABELS, SCORE_LABELS, Channel
from ltc.ratings.followups.models import FINDINGS_MAX, REASON_MAX
from ltc.ratings.followups.recording import FollowUpRecord
from ltc.web.forms import label_choices


def _score(name: str) -> IntegerField:
    return IntegerField(_l(SCORE_LABELS[name]), validators=[InputRequired(), NumberRange(1, 5)],
                        render_kw={"min": 1, "max": 5}, description=_l("1（很不满意）– 5（很满意）"))


class FollowUpForm(FlaskForm):
    visited_on = DateField(_l("回访日期"), validators=[DataRequired()])
    channel = SelectField(_l("回访方式"), choices=label_choices(CHANNEL_LABELS, Channel), validators=[DataRequired()])
    attitude = _score("attitude")
    punctuality = _score("punctuality")
    skill = _score("skill")
    overall = _score("overall")
    confirmed = SelectField(_l("服务是否属实"), choices=[SelectChoice("", "—"), SelectChoice("yes", _l("属实")),
                                                         SelectChoice("no", _l("不属实（暂缓支付本月记录）"))],
                            validators=[DataRequired()])
    findings = TextAreaField(_l("回访发现"), validators=[Length(max=FINDINGS_MAX)])
    level_mismatch = BooleanField(_l("发现参保人情况与失能等级不符（发起重新评估）"))
    submit = SubmitField(_l("登记回访结果"))

    def record(self) -> FollowUpRecord:
        return FollowUpRecord(visited_on=self.visited_on.data, channel=self.channel.data,
                              attitude=self.attitude.data, punctuality=self.punctuality.data, skill=self.skill.data,
                              overall=self.overall.data, confirmed=self.confirmed.data == "yes",
                              findings=self.findings.data or "", level_mismatch=bool(self.level_mismatch.data))


class ReassignForm(FlaskForm):
    to_user_id = SelectField(_l("改派给"), coerce=int, validators=[DataRequired()])
    reason = TextAreaField(_l("改派原因"), validators=[DataRequired(), Length(max=REASON_MAX)])
    submit = SubmitField(_l("改派"))
