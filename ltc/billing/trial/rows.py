"""The rows of the trial form (试算, issue 11 point 2): one WTForms row per scenario record, each
knowing the body keys it edits (``KEYS``: body key → field name), so the form and the body the
API takes convert one into the other and a problem named by body path lands on its field.

Rows have no CSRF token of their own (the trial form carries it); a row left entirely blank is
left out of the scenario; each row's "remove" button is a submit, so no script is needed."""
import json
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import (DateField, DateTimeLocalField, DecimalField, HiddenField, IntegerField, SelectChoice,
                     SelectField, SelectMultipleField, StringField, SubmitField)
from wtforms.validators import Length, NumberRange, Optional, StopValidation

from ltc.core.clock import LOCAL_TZ
from ltc.orgs.kinds import CARE_TYPE_LABELS, GRADE_LABELS
from ltc.people.kinds import CATEGORY_LABELS, STAY_CATEGORY_LABELS, TAG_LABELS
from ltc.providers.kinds import STAFF_TYPE_LABELS
from ltc.web.forms import MultiCheckboxField, PlainForm, finite

#: a visit's moment as the browser's datetime-local input sends it (seconds optional), in Shanghai time
MOMENT_FORMATS = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"]
#: what a visit row carries from a real record without showing it (the advanced view shows it)
VISIT_EXTRAS = ("scheduled_start", "gps", "photo_hash", "carer_suspended", "carer_qualified")
#: the fields a row is blank without (a select always holds a choice)
TYPED = ("DateField", "StringField", "DateTimeLocalField", "IntegerField", "SelectMultipleField")
DEFAULTS = {"carer_suspended": False, "carer_qualified": True}
NOT_CHOSEN = SelectChoice("", _l("（未选择）"))
EXTRAS_INVALID = "附加信息无效"


def _choices(labels: dict, blank: bool = False) -> list[SelectChoice]:
    return ([NOT_CHOSEN] if blank else []) + [SelectChoice(str(k), _l(v)) for k, v in labels.items()]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _moment(value: str | None) -> datetime | None:
    """A body moment (with its offset) as the naive Shanghai time the form shows."""
    return None if value is None else datetime.fromisoformat(value).astimezone(LOCAL_TZ).replace(tzinfo=None)


def moment_text(value: datetime | None) -> str | None:
    """A form moment (Shanghai time) as the body's ISO moment with its offset."""
    return None if value is None else value.replace(tzinfo=LOCAL_TZ).isoformat()


def money_text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def cents(form, field) -> None:
    """An amount in yuan and fen: at most two decimal places (the body's money format)."""
    if field.data is not None and field.data.is_finite() and field.data.as_tuple().exponent < -2:
        raise StopValidation(_l("金额最多两位小数"))


class Row(PlainForm):
    """A scenario record's row. ``KEYS``: body key → field name where they differ."""

    KEYS: dict[str, str] = {}
    remove = SubmitField(_l("删除此行"))

    def field_for(self, key: str):
        """The field editing body key ``key`` (None when the row has none)."""
        return getattr(self, self.KEYS.get(key, key), None)

    def first_field(self):
        return next(f for f in self if f.type not in ("SubmitField", "HiddenField"))

    def is_blank(self) -> bool:
        return not any((f.raw_data or [""])[0] for f in self if f.type in TYPED)


class EntitlementRow(Row):
    KEYS = {"from": "start", "to": "end"}
    care_type = SelectField(_l("服务形式"), choices=_choices(CARE_TYPE_LABELS))
    level = SelectField(_l("失能等级"), coerce=int, choices=[SelectChoice(n, _l("%(n)s 级", n=n)) for n in range(1, 6)])
    start = DateField(_l("待遇起始日"), validators=[Optional()])
    end = DateField(_l("待遇截止日（不含，可空）"), validators=[Optional()])
    conclusion_date = DateField(_l("评估结论日期"), validators=[Optional()])
    conclusion_valid_to = DateField(_l("结论有效期至"), validators=[Optional()])

    def body(self) -> dict:
        return {"care_type": self.care_type.data, "level": self.level.data, "from": _iso(self.start.data),
                "to": _iso(self.end.data), "conclusion_date": _iso(self.conclusion_date.data),
                "conclusion_valid_to": _iso(self.conclusion_valid_to.data)}

    @staticmethod
    def data_of(record: dict) -> dict:
        return {"care_type": record["care_type"], "level": record["level"], "start": _day(record["from"]),
                "end": _day(record.get("to")), "conclusion_date": _day(record["conclusion_date"]),
                "conclusion_valid_to": _day(record["conclusion_valid_to"])}


class StayRow(Row):
    admission = DateField(_l("入院日期"), validators=[Optional()])
    discharge = DateField(_l("出院日期（可空）"), validators=[Optional()])

    def body(self) -> dict:
        return {"admission": _iso(self.admission.data), "discharge": _iso(self.discharge.data)}

    @staticmethod
    def data_of(record: dict) -> dict:
        return {"admission": _day(record["admission"]), "discharge": _day(record.get("discharge"))}


class LeaveRow(Row):
    out = DateField(_l("离院日期"), validators=[Optional()])
    back = DateField(_l("返院日期（可空）"), validators=[Optional()])

    def body(self) -> dict:
        return {"out": _iso(self.out.data), "back": _iso(self.back.data)}

    @staticmethod
    def data_of(record: dict) -> dict:
        return {"out": _day(record["out"]), "back": _day(record.get("back"))}


class HospitalStayRow(Row):
    category = SelectField(_l("住院类别"), choices=_choices(STAY_CATEGORY_LABELS))
    admission = DateField(_l("入院日期"), validators=[Optional()])
    discharge = DateField(_l("出院日期（可空）"), validators=[Optional()])

    def body(self) -> dict:
        return {"category": self.category.data, "admission": _iso(self.admission.data),
                "discharge": _iso(self.discharge.data)}

    @staticmethod
    def data_of(record: dict) -> dict:
        return {"category": record["category"], "admission": _day(record["admission"]),
                "discharge": _day(record.get("discharge"))}


class VisitRow(Row):
    carer = StringField(_l("护理人员（标记）"), filters=[_strip], validators=[Optional(), Length(max=50)],
                        description=_l("同一标记即同一护理人员"))
    carer_staff_type = SelectField(_l("人员类别"), choices=_choices(STAFF_TYPE_LABELS))
    start = DateTimeLocalField(_l("签到时间"), format=MOMENT_FORMATS, validators=[Optional()])
    end = DateTimeLocalField(_l("签退时间（可空）"), format=MOMENT_FORMATS, validators=[Optional()])
    planned_minutes = IntegerField(_l("计划分钟"), validators=[Optional(), NumberRange(min=1, max=24 * 60)])
    items = SelectMultipleField(_l("服务项目"), choices=[], validate_choice=True)
    extras = HiddenField()

    def body(self) -> dict:
        found = {"carer": self.carer.data or None, "carer_staff_type": self.carer_staff_type.data,
                 "start": moment_text(self.start.data), "end": moment_text(self.end.data),
                 "planned_minutes": self.planned_minutes.data, "items": list(self.items.data or [])}
        return found | self._extras()

    def _extras(self) -> dict:
        try:
            extras = json.loads(self.extras.data) if self.extras.data else {}
        except ValueError:
            extras = None
        if not isinstance(extras, dict) or set(extras) - set(VISIT_EXTRAS):
            self.carer.errors = list(self.carer.errors) + [_l(EXTRAS_INVALID)]
            return {}
        return extras

    @staticmethod
    def data_of(record: dict) -> dict:
        extras = {k: record[k] for k in VISIT_EXTRAS if record.get(k, DEFAULTS.get(k)) != DEFAULTS.get(k)}
        return {"carer": record["carer"], "carer_staff_type": record["carer_staff_type"],
                "start": _moment(record["start"]), "end": _moment(record.get("end")),
                "planned_minutes": record["planned_minutes"], "items": record["items"],
                "extras": json.dumps(extras, ensure_ascii=False) if extras else ""}


class PersonPart(PlainForm):
    category = SelectField(_l("参保类别"), choices=_choices(CATEGORY_LABELS, blank=True))
    tags = MultiCheckboxField(_l("人员标记"), choices=_choices(TAG_LABELS))
    death_date = DateField(_l("死亡日期（可空）"), validators=[Optional()])

    def field_for(self, key: str):
        return getattr(self, key, None)


class ProviderPart(PlainForm):
    facility_grade = SelectField(_l("机构等级"), choices=_choices(GRADE_LABELS, blank=True))
    daily_price = DecimalField(_l("每日护理价格（元）"), places=2,
                               validators=[Optional(), finite, cents,
                                           NumberRange(min=0, max=Decimal("99999999.99"))])

    def field_for(self, key: str):
        return getattr(self, key, None)


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()
