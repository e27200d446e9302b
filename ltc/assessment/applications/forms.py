"""Forms of the assessment workflow (shape only: required fields, lengths, choices).

Choices that come from the database (providers, agencies, assessors, ruleset items) are
filled in by the views; the rules involving other records live in the services, whose
``DomainError`` field names ``FIELD_NAMES`` maps onto these forms.
"""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (BooleanField, DateField, HiddenField, RadioField, SelectField, StringField,
                     SubmitField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, ValidationError

from ltc.web.forms import PlainForm
from ltc.assessment.applications.services.intake import ORDERED_REASONS, RELATIONS, Applicant, BankAccount
from ltc.assessment.scale.scale import Ruleset
from ltc.assessment.scale.descriptors import choice_label
from ltc.assessment.applications.selfassessment import ANSWER_LABELS, ITEM_LABELS, ITEMS
from ltc.assessment.applications.states import KIND_LABELS, REASSESSMENT_LABELS, REFUSAL_LABELS, RESCHEDULE_LABELS, Kind
from ltc.orgs.kinds import CARE_TYPE_LABELS
from ltc.people.forms import valid_id_number

RECUSAL_TEXT = "本人与被评估人无亲属关系、无利害关系，不存在应当回避的情形。"
#: service field name → form field name
FIELD_NAMES = {
    "applicant.name": "applicant_name", "applicant.relation": "applicant_relation",
    "applicant.phone": "applicant_phone", "applicant.id_number": "applicant_id_number",
    "bank.holder": "bank_holder", "bank.bank": "bank_name", "bank.account_no": "bank_account_no",
    "care_type": "care_type", "provider_id": "provider_id", "person_id": "id_number",
    "code": "code", "text": "text", "agency_id": "agency_id", "reason": "reason",
    **{f"self_assessment.{item}": f"sa_{item}" for item in ITEMS},
}


class VersionedForm(FlaskForm):
    """An action on an application: the version the page showed guards against stale pages."""

    version = HiddenField()

    def expected_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


class QueueFilterForm(PlainForm):
    """The GET filter of a queue (choices filled in by the view)."""

    district = SelectField(_l("区县"), validators=[Optional()])
    status = SelectField(_l("状态"), validators=[Optional()])
    overdue = BooleanField(_l("仅显示超期"))
    q = StringField(_l("查找"), validators=[Optional(), Length(max=40)])


def _self_assessment_field(item: str) -> RadioField:
    return RadioField(_l(ITEM_LABELS[item]), choices=[SelectChoice(str(k), _l(v)) for k, v in ANSWER_LABELS.items()],
                      validators=[InputRequired(message=_l("请选择"))])


class IntakeForm(FlaskForm):
    kind = SelectField(_l("申请类型"), default="initial", choices=[
        SelectChoice("initial", _l(KIND_LABELS[Kind.INITIAL])),
        SelectChoice("reassessment", _l(KIND_LABELS[Kind.REASSESSMENT]))])
    reassessment_reason = SelectField(_l("重新评估原因"), validators=[Optional()], choices=[SelectChoice("", "—")] + [
        SelectChoice(str(r), _l(REASSESSMENT_LABELS[r])) for r in ORDERED_REASONS])
    id_number = StringField(_l("参保人身份证号"), validators=[DataRequired(), valid_id_number])
    person_name = StringField(_l("参保人姓名"), validators=[DataRequired(), Length(max=50)])
    applicant_name = StringField(_l("申请人/代理人姓名"), validators=[DataRequired(), Length(max=50)])
    applicant_relation = SelectField(_l("与参保人关系"), choices=[SelectChoice(k, _l(v)) for k, v in RELATIONS.items()])
    applicant_phone = StringField(_l("申请人电话"), validators=[
        DataRequired(), Length(max=30), Regexp(r"^[0-9+\- ]+$", message=_l("电话只能包含数字、空格、+ 和 -"))])
    applicant_id_number = StringField(_l("申请人身份证号（代理人填写）"), validators=[Optional(), valid_id_number])
    declared_disability_6m = BooleanField(_l("经规范治疗后失能状态已持续 6 个月以上"))
    documents = MultipleFileField(_l("病历等证明材料（PDF、JPG、PNG，每个不超过 10 MB）"))
    sa_feeding = _self_assessment_field("feeding")
    sa_bowel_bladder = _self_assessment_field("bowel_bladder")
    sa_bathing = _self_assessment_field("bathing")
    sa_dressing = _self_assessment_field("dressing")
    sa_toileting = _self_assessment_field("toileting")
    sa_transfer = _self_assessment_field("transfer")
    care_type = SelectField(_l("意向服务形式"), validators=[Optional()], choices=[SelectChoice("", "—")] + [
        SelectChoice(str(k), _l(v)) for k, v in CARE_TYPE_LABELS.items()])
    provider_id = SelectField(_l("意向护理服务机构"), validators=[Optional()])
    bank_holder = StringField(_l("开户人"), validators=[Optional(), Length(max=50)])
    bank_name = StringField(_l("开户银行"), validators=[Optional(), Length(max=100)])
    bank_account_no = StringField(_l("银行账号"), validators=[Optional(), Length(max=40)])
    submit = SubmitField(_l("提交申请"))

    #: provider id (as text) → its care types today; set by the view with the choices
    provider_care_types: dict[str, list[str]] = {}

    def validate_provider_id(self, field) -> None:
        offered = self.provider_care_types.get(field.data, [])
        if field.data and self.care_type.data and self.care_type.data not in offered:
            raise ValidationError(_l("该机构当日不提供所选服务形式"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        given = [bool((f.data or "").strip()) for f in (self.bank_holder, self.bank_name, self.bank_account_no)]
        if any(given) and not all(given):  # a partial bank account (the fields are optional one by one)
            self.bank_account_no.errors = list(self.bank_account_no.errors) + [
                _l("银行账户须同时填写开户人、开户银行和账号")]
            return False
        return valid

    def validate_reassessment_reason(self, field) -> None:
        if self.kind.data == "reassessment" and not field.data:
            raise ValidationError(_l("重新评估须注明原因"))

    def applicant(self) -> Applicant:
        return Applicant(name=self.applicant_name.data, relation=self.applicant_relation.data,
                         phone=self.applicant_phone.data, id_number=self.applicant_id_number.data or None)

    def bank(self) -> BankAccount | None:
        if not (self.bank_account_no.data or "").strip():
            return None
        return BankAccount(holder=self.bank_holder.data, bank=self.bank_name.data,
                           account_no=self.bank_account_no.data)

    def answers(self) -> dict[str, str]:
        return {item: getattr(self, f"sa_{item}").data for item in ITEMS}

    def uploads(self) -> list:
        return [f for f in (self.documents.data or []) if f and getattr(f, "filename", "")]


class SelfAssessmentForm(VersionedForm):
    """Recording (or replacing) the self-assessment of a submitted application."""

    feeding = _self_assessment_field("feeding")
    bowel_bladder = _self_assessment_field("bowel_bladder")
    bathing = _self_assessment_field("bathing")
    dressing = _self_assessment_field("dressing")
    toileting = _self_assessment_field("toileting")
    transfer = _self_assessment_field("transfer")
    submit = SubmitField(_l("保存自评表"))

    def answers(self) -> dict[str, str]:
        return {item: getattr(self, item).data for item in ITEMS}


class DocumentsForm(VersionedForm):
    documents = MultipleFileField(_l("补充证明材料（PDF、JPG、PNG，每个不超过 10 MB）"),
                                  validators=[DataRequired(message=_l("请选择文件"))])
    submit = SubmitField(_l("上传"))

    def uploads(self) -> list:
        return [f for f in (self.documents.data or []) if f and getattr(f, "filename", "")]


class AcceptForm(VersionedForm):
    submit = SubmitField(_l("受理"))


class RefuseForm(VersionedForm):
    code = SelectField(_l("不予受理原因"), choices=[SelectChoice(str(k), _l(v)) for k, v in REFUSAL_LABELS.items()])
    text = TextAreaField(_l("说明（选择“其他原因”时必填）"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("不予受理"))


class DispatchForm(VersionedForm):
    method = RadioField(_l("派单方式"), default="random", choices=[
        SelectChoice("random", _l("系统随机派单（在办案件最少的机构中随机）")),
        SelectChoice("manual", _l("指定评估机构"))])
    agency_id = SelectField(_l("指定的评估机构"), validators=[Optional()])
    reason = TextAreaField(_l("指定理由"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("派单"))

    def validate_reason(self, field) -> None:
        if self.method.data == "manual" and not (field.data or "").strip():
            raise ValidationError(_l("指定评估机构须填写理由"))

    def validate_agency_id(self, field) -> None:
        if self.method.data == "manual" and not field.data:
            raise ValidationError(_l("请选择评估机构"))

    def agency(self) -> int | None:
        return int(self.agency_id.data) if self.method.data == "manual" else None


class ScheduleForm(VersionedForm):
    """The admin names the two assessors; each then makes the recusal declaration personally."""

    visit_on = DateField(_l("上门评估日期"), validators=[DataRequired()])
    assessor_1 = SelectField(_l("评估人员一"), validators=[DataRequired()])
    assessor_2 = SelectField(_l("评估人员二"), validators=[DataRequired()])
    reason_code = SelectField(_l("改约原因类别（超出预约期限时必选）"), validators=[Optional()], choices=[
        SelectChoice("", "—")] + [SelectChoice(code.value, _l(label)) for code, label in RESCHEDULE_LABELS.items()])
    reason = TextAreaField(_l("改约原因（改约时必填；类别为“其他”时填写说明）"),
                           validators=[Optional(), Length(max=480)])
    submit = SubmitField(_l("保存预约"))

    def validate_assessor_2(self, field) -> None:
        if field.data and field.data == self.assessor_1.data:
            raise ValidationError(_l("须指派两名不同的评估人员"))

    def assessor_ids(self) -> list[int]:
        return [int(self.assessor_1.data), int(self.assessor_2.data)]


class RecusalForm(VersionedForm):
    """An on-site assessor's own recusal declaration (回避声明)."""

    text = TextAreaField(_l("回避声明"), default=RECUSAL_TEXT, validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("本人作出回避声明"))


class ReasonForm(VersionedForm):
    """Object, withdraw or cancel: a reason (required where the service says so)."""

    reason = TextAreaField(_l("原因"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("提交"))


class SignForm(VersionedForm):
    """Co-sign or confirm: one button."""

    submit = SubmitField(_l("确认"))


class EntryFormBase(VersionedForm):
    notes = TextAreaField(_l("备注"), validators=[Optional(), Length(max=2000)])

    #: item codes in ruleset order, set by ``entry_form``
    item_codes: tuple[str, ...] = ()

    def items(self) -> dict[str, int]:
        return {code: getattr(self, code).data for code in self.item_codes}


def entry_form(ruleset: Ruleset, **kwargs) -> EntryFormBase:
    """The joint-record form of ``ruleset``: one select per item, named by its code (the live
    grading script finds the controls by these names), offering the item's allowed values."""

    class EntryForm(EntryFormBase):
        pass

    for item in ruleset.items:
        setattr(EntryForm, item.code, SelectField(
            item.name, coerce=_int_or_none, validators=[InputRequired(message=_l("请选择"))],
            choices=[SelectChoice("", "—")] + [SelectChoice(str(v), choice_label(ruleset.id, item.code, v))
                                               for v in item.allowed],
            validate_choice=True))
    EntryForm.item_codes = ruleset.codes
    EntryForm.submit = SubmitField(_l("保存评估记录"))
    return EntryForm(**kwargs)


def _int_or_none(value):
    if value in (None, ""):
        return None
    return int(value)

