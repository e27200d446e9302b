"""The dashboards' GET filter (shape only): months from / to (YYYY-MM), district, care type, level.

The query parameters are ``from``, ``to``, ``district``, ``care_type`` and ``level`` (the URL scheme the
dashboards, their charts and exports share). District choices are set by the view from the viewer's scope
(the MIA: every district; an insurer: the districts of its contracts); a provider or an agency has none.
"""
import re
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, Regexp

from ltc.core.months import add_months, first_of_month
from ltc.entitlements.models import LEVEL_NAMES
from ltc.orgs.kinds import CARE_TYPE_LABELS
from ltc.supervision.figures import Filters
from ltc.web.forms import PlainForm

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
DEFAULT_MONTHS = 12
MAX_MONTHS = 60


def _month_field(label) -> StringField:
    return StringField(label, validators=[Optional(), Regexp(MONTH, message=_l("月份格式应为 YYYY-MM"))])


def _month(text: str | None) -> date | None:
    return date.fromisoformat(text + "-01") if text else None


class DashboardFilterForm(PlainForm):
    """``from`` and ``to`` are keywords in Python: the fields are added below under those names."""

    district = SelectField(_l("区县"), validators=[Optional()], choices=[])
    care_type = SelectField(_l("服务形式"), validators=[Optional()], choices=[SelectChoice("", _l("全部服务形式"))] + [
        SelectChoice(str(k), _l(v)) for k, v in CARE_TYPE_LABELS.items()])
    level = SelectField(_l("失能等级"), validators=[Optional()], choices=[SelectChoice("", _l("全部等级"))] + [
        SelectChoice(str(k), _l(v)) for k, v in LEVEL_NAMES.items()])

    def __init__(self, formdata, *, today: date):
        super().__init__(formdata)
        self.today = today

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        start, end = self.months()
        if start > end:
            self["to"].errors.append(_l("结束月份不能早于开始月份"))
            return False
        if add_months(start, MAX_MONTHS - 1) < end:
            self["to"].errors.append(_l("一次最多查询 %(months)d 个月", months=MAX_MONTHS))
            return False
        self["from"].data, self["to"].data = start.strftime("%Y-%m"), end.strftime("%Y-%m")  # shown as applied
        return True

    def months(self) -> tuple[date, date]:
        """The months asked for; missing ends default to the last ``DEFAULT_MONTHS`` months to this month."""
        end = _month(self["to"].data) or first_of_month(self.today)
        start = _month(self["from"].data) or add_months(end, -(DEFAULT_MONTHS - 1))
        return start, end

    def filters(self) -> Filters:
        """The filters of a validated form."""
        start, end = self.months()
        district = self.district.data if "district" in self else None
        return Filters(month_from=start, month_to=end, district=district or None,
                       care_type=self.care_type.data or None,
                       level=int(self.level.data) if self.level.data else None)


setattr(DashboardFilterForm, "from", _month_field(_l("开始月份")))
DashboardFilterForm.to = _month_field(_l("结束月份"))
