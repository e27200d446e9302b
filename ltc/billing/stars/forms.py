"""The MIA admin's star entry form (shape only; the provider choices are filled in by the view)."""
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, MonthField, SelectChoice, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ltc.billing.stars.kinds import STAR_KIND_LABELS, STARS, StarKind
from ltc.billing.stars.models import REASON_MAX
from ltc.billing.stars.services import StarChange
from ltc.core.errors import DomainError
from ltc.web.forms import attach_errors, label_choices
from ltc.web.messages import error_words


class StarForm(FlaskForm):
    provider_id = SelectField(_l("护理服务机构"), coerce=int, validators=[DataRequired()])
    kind = SelectField(_l("星级类型"), choices=label_choices(STAR_KIND_LABELS, StarKind), validators=[DataRequired()])
    month = MonthField(_l("评定月份（月度星级，次月1日起生效）"), validators=[Optional()])
    year = IntegerField(_l("评定年度（年度星级）"), validators=[Optional(), NumberRange(2000, 2100)])
    stars = SelectField(_l("星级"), coerce=int, choices=[SelectChoice(n, "★" * n) for n in STARS],
                        validators=[DataRequired()])
    reason = TextAreaField(_l("录入原因"), validators=[DataRequired(), Length(max=REASON_MAX)])
    submit = SubmitField(_l("登记星级"))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.kind.data == StarKind.MONTHLY and self.month.data is None:
            self.month.errors = list(self.month.errors) + [_l("请选择月份")]
            ok = False
        if self.kind.data == StarKind.ANNUAL and self.year.data is None:
            self.year.errors = list(self.year.errors) + [_l("请填写年度")]
            ok = False
        return ok

    def change(self) -> StarChange:
        period = (self.month.data if self.kind.data == StarKind.MONTHLY else date(self.year.data, 1, 1))
        return StarChange(kind=self.kind.data, provider_id=self.provider_id.data, period=period,
                          stars=self.stars.data, reason=self.reason.data)

    def attach(self, exc: DomainError) -> None:
        """A refusal about the period goes to the field the kind uses."""
        if "period" in exc.fields:
            target = self.month if self.kind.data == StarKind.MONTHLY else self.year
            target.errors = list(target.errors) + [error_words(exc)]
            return
        attach_errors(self, exc)
