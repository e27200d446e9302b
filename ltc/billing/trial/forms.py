"""The trial page's forms (试算, issue 11 point 2): which real beneficiary-month to pre-fill from, the
scenario as a form (``TrialForm``: the same body the API takes, built from rows), and the scenario as
JSON (``JsonForm``, the advanced view)."""
import json
import re
from datetime import date
from decimal import Decimal

from flask_babel import gettext, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (FieldList, FormField, HiddenField, IntegerField, MonthField, SelectChoice, StringField,
                     SubmitField, TextAreaField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from ltc.billing.trial.carry import carried_parts, form_person
from ltc.billing.trial.rows import (EXTRAS_INVALID, EntitlementRow, HospitalStayRow, LeaveRow, PersonPart,
                                    ProviderPart, StayRow, VisitRow, money_text)
from ltc.billing.trial.schemas import MAX_RECORDS
from ltc.web.messages import reason_words

MONTH = re.compile(r"\A[0-9]{4}-(0[1-9]|1[0-2])\Z")
#: the years a beneficiary-month may name (the dated facts and the months around it stay in range)
YEARS = (1900, 2999)
SCENARIO_MAX = 200_000
#: the scenario's lists of records, by body key, with their row form
SECTIONS = {"entitlements": EntitlementRow, "stays": StayRow, "leaves": LeaveRow, "hospital_stays": HospitalStayRow,
            "visits": VisitRow}
PATH_PART = re.compile(r"[A-Za-z_]+|\[[0-9]+\]")
#: the request edge's English problems the form shows in the user's language (msgids)
PROBLEM_WORDS = {"required": "必填"}


class PrefillForm(FlaskForm):
    """GET ``?person_id=&month=``: the scenario of a real beneficiary-month in the user's scope."""

    class Meta:
        csrf = False

    person_id = IntegerField(_l("参保人编号"), validators=[DataRequired(), NumberRange(min=1, max=2**31 - 1)])
    month = StringField(_l("服务月份"), validators=[DataRequired(), Regexp(MONTH, message=_l("格式为 YYYY-MM"))])
    submit = SubmitField(_l("从真实数据填入"))

    def validate_month(self, field) -> None:
        if field.errors:  # not YYYY-MM: said already
            return
        if not YEARS[0] <= int(field.data[:4]) <= YEARS[1]:
            raise ValidationError(_l("月份超出范围"))

    @property
    def month_start(self) -> date:
        """The first day of the validated month."""
        return date(int(self.month.data[:4]), int(self.month.data[5:7]), 1)


class JsonForm(FlaskForm):
    """The advanced view: the scenario as the API's JSON body."""

    scenario = TextAreaField(_l("试算场景（JSON）"), validators=[DataRequired(), Length(max=SCENARIO_MAX)],
                             description=_l("接口请求体的格式（代码值为接口取值）"),
                             render_kw={"rows": 18, "spellcheck": "false", "translate": "no"})
    price_json = SubmitField(_l("按 JSON 试算"))


def _rows(row_form, minimum: int = 0, maximum: int = MAX_RECORDS) -> FieldList:
    return FieldList(FormField(row_form), min_entries=minimum, max_entries=maximum)


class TrialForm(FlaskForm):
    """The scenario as a form: every field builds the body the API takes (``scenario``)."""

    month = MonthField(_l("服务月份"), validators=[Optional()])
    person = FormField(PersonPart)
    entitlements = _rows(EntitlementRow, 1, 12)
    provider = FormField(ProviderPart)
    stays = _rows(StayRow)
    leaves = _rows(LeaveRow)
    hospital_stays = _rows(HospitalStayRow)
    visits = _rows(VisitRow)
    #: the parts of a real beneficiary-month the form does not edit (shown in the advanced view)
    carried = HiddenField()
    add_entitlements = SubmitField(_l("添加待遇"))
    add_stays = SubmitField(_l("添加在院记录"))
    add_leaves = SubmitField(_l("添加离院记录"))
    add_hospital_stays = SubmitField(_l("添加住院记录"))
    add_visits = SubmitField(_l("添加上门服务"))
    submit = SubmitField(_l("试算"))

    def set_item_choices(self, choices: list[SelectChoice]) -> None:
        for entry in self.visits:
            entry.form.items.choices = choices

    def edit_rows(self) -> bool:
        """Add or remove the row asked for by the button pressed; False when none was."""
        edited = False
        for name in SECTIONS:
            rows = self[name]
            kept = [entry for entry in rows.entries if not entry.form.remove.data]
            edited = edited or len(kept) < len(rows.entries)
            rows.entries = kept
            if self["add_" + name].data:
                rows.append_entry()
                edited = True
        if not self.entitlements.entries:
            self.entitlements.append_entry()
        return edited

    def filled(self) -> dict[str, list[int]]:
        """By section, the indexes of the rows that are not entirely blank (body index → row index)."""
        return {name: [i for i, entry in enumerate(self[name]) if not entry.form.is_blank()] for name in SECTIONS}

    def scenario(self, rows: dict[str, list[int]]) -> dict:
        """The body the API takes: the form's values over the carried parts; absent values left out."""
        carried = self._carried()
        person = self.person.form
        chosen = {"category": person.category.data or None, "tags": person.tags.data or None,
                  "death_date": person.death_date.data and person.death_date.data.isoformat()}
        provider = self.provider.form
        body = {"month": self.month.data and self.month.data.isoformat()[:7],
                "person": _given(carried.get("person", {}) | _given(chosen)),
                "provider": _given(carried.get("provider", {}) | {
                    "facility_grade": provider.facility_grade.data or None,
                    "daily_price": money_text(provider.daily_price.data)}),
                "plan": carried.get("plan")}
        body["person"].setdefault("tags", [])
        for name, indexes in rows.items():
            body[name] = [_given(self[name][i].form.body()) for i in indexes]
        return _given(body)

    def _carried(self) -> dict:
        try:
            carried = json.loads(self.carried.data) if self.carried.data else {}
        except ValueError:
            carried = None
        if not isinstance(carried, dict) or set(carried) - {"person", "provider", "plan"} or not all(
                isinstance(carried.get(k, {}), dict) for k in ("person", "provider")):
            self.form_errors.append(gettext(EXTRAS_INVALID))
            return {}
        return carried

    def place(self, problems: dict[str, str], rows: dict[str, list[int]]) -> bool:
        """Show each problem (by body path: ``visits[2].start``) on its field, else on the form.
        True when every problem is on a field."""
        on_fields = True
        for path, problem in problems.items():
            words = gettext(PROBLEM_WORDS[problem]) if problem in PROBLEM_WORDS else reason_words(problem)
            found = self.field_at(path, rows)
            if found is None:
                self.form_errors.append(f"{path}: {words}")
                on_fields = False
            else:
                found.errors = list(found.errors) + [words]
        return on_fields

    def field_at(self, path: str, rows: dict[str, list[int]]):
        """The field that edits body path ``path`` (a row's first field for the row itself), or None."""
        parts = PATH_PART.findall(path)
        head, rest = (parts[0], parts[1:]) if parts else ("", [])
        if head == "month":
            return self.month
        if head in ("person", "provider"):
            return self[head].form.field_for(rest[0]) if rest else None
        if head not in SECTIONS or not rest or not rest[0].startswith("["):
            return None
        index = int(rest[0][1:-1])
        if index >= len(rows[head]):
            return None
        row = self[head][rows[head][index]].form
        found = row.field_for(rest[1]) if len(rest) > 1 and not rest[1].startswith("[") else None
        return row.first_field() if found is None else found


def _given(values: dict) -> dict:
    return {key: value for key, value in values.items() if value is not None}


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def form_data(body: dict) -> dict:
    """``TrialForm`` data of a scenario body (plain JSON, valid): rows for its records, the parts the
    form does not edit carried as JSON."""
    month = date.fromisoformat(body["month"][:7] + "-01")
    data = {"month": month, "person": form_person(body["person"], month), "provider": {
        "facility_grade": body["provider"].get("facility_grade") or "", "daily_price": _decimal(body["provider"].get(
            "daily_price"))}}
    for name, row in SECTIONS.items():
        data[name] = [row.data_of(record) for record in body.get(name) or []]
    carried = carried_parts(body, month)
    data["carried"] = json.dumps(carried, ensure_ascii=False) if carried else ""
    return data
