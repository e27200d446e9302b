"""Forms for organisations and their dated attributes (shape only; choices that come from the database are
filled in by the views, rules involving other records live in the services)."""
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (DateField, DecimalField, IntegerField, SelectChoice,
                     SelectField, StringField, SubmitField)
from wtforms.validators import (DataRequired, InputRequired, Length, NumberRange, Optional)

from ltc.web.forms import PlainForm, MultiCheckboxField, finite, label_choices as _choices
from ltc.orgs.kinds import (CARE_TYPE_LABELS, GRADE_LABELS, ORG_KIND_LABELS, STATUS_LABELS, CareType,
                            FacilityGrade, OrgKind, OrgStatus)


# --- organisations ------------------------------------------------------------------------

class OrgForm(FlaskForm):
    """Create (with kind and first active date) or edit (``EditOrgForm``) an organisation."""

    kind = SelectField(_l("机构类型"), choices=_choices(ORG_KIND_LABELS, OrgKind),
                       validators=[DataRequired()])
    name = StringField(_l("机构名称"), validators=[DataRequired(), Length(max=200)])
    uscc = StringField(_l("统一社会信用代码"), validators=[DataRequired(), Length(max=40)],
                       description=_l("18 位，含校验位"))
    address = StringField(_l("地址"), validators=[Optional(), Length(max=300)])
    latitude = DecimalField(_l("纬度"), places=6, validators=[Optional(), finite, NumberRange(-90, 90)])
    longitude = DecimalField(_l("经度"), places=6, validators=[Optional(), finite, NumberRange(-180, 180)])
    phone = StringField(_l("电话"), validators=[Optional(), Length(max=40)])
    active_from = DateField(_l("正常状态起始日"), validators=[Optional()],
                            description=_l("留空则暂不登记状态"))
    submit = SubmitField(_l("保存"))

    def details(self) -> dict:
        return {"name": self.name.data, "uscc": self.uscc.data, "address": self.address.data,
                "phone": self.phone.data, "latitude": self.latitude.data,
                "longitude": self.longitude.data}


class EditOrgForm(OrgForm):
    kind = None  # the kind is never changed after creation
    active_from = None


class OrgFilterForm(PlainForm):
    """The GET filter of the organisation list."""

    kind = SelectField(_l("机构类型"), choices=[SelectChoice("", _l("全部"))] + _choices(ORG_KIND_LABELS, OrgKind),
                       validators=[Optional()])
    q = StringField(_l("名称或信用代码"), validators=[Optional(), Length(max=200)])


# --- dated attributes: each form's ``values()`` are the keyword arguments of its service ----

class StatusForm(FlaskForm):
    status = SelectField(_l("状态"), choices=_choices(STATUS_LABELS, OrgStatus), validators=[DataRequired()])
    valid_from = DateField(_l("起始日期"), validators=[DataRequired()])
    submit = SubmitField(_l("登记状态"))

    def values(self) -> dict:
        return {"status": self.status.data, "valid_from": self.valid_from.data}


class AgreementForm(FlaskForm):
    agreement_no = StringField(_l("协议编号"), validators=[DataRequired(), Length(max=60)])
    valid_from = DateField(_l("起始日期"), validators=[DataRequired()])
    valid_to = DateField(_l("终止日期（不含）"), validators=[Optional()], description=_l("留空表示长期"))
    submit = SubmitField(_l("登记协议"))

    def values(self) -> dict:
        return {"agreement_no": self.agreement_no.data, "valid_from": self.valid_from.data,
                "valid_to": self.valid_to.data}


class CareTypesForm(FlaskForm):
    care_types = MultiCheckboxField(_l("协议服务形式"), choices=_choices(CARE_TYPE_LABELS, CareType),
                                    description=_l("自起始日起协议内的全部服务形式；取消勾选即自该日起移出"))
    valid_from = DateField(_l("起始日期"), validators=[DataRequired()])
    submit = SubmitField(_l("登记服务形式"))

    def values(self) -> dict:
        return {"care_types": set(self.care_types.data or ()), "valid_from": self.valid_from.data}


class GradeForm(FlaskForm):
    grade = SelectField(_l("机构等级"), choices=_choices(GRADE_LABELS, FacilityGrade),
                        validators=[DataRequired()])
    valid_from = DateField(_l("起始日期"), validators=[DataRequired()])
    submit = SubmitField(_l("登记等级"))

    def values(self) -> dict:
        return {"grade": self.grade.data, "valid_from": self.valid_from.data}


class BedsForm(FlaskForm):
    beds = IntegerField(_l("床位数"), validators=[InputRequired(), NumberRange(min=0, max=100000)])
    valid_from = DateField(_l("起始日期"), validators=[DataRequired()])
    submit = SubmitField(_l("登记床位"))

    def values(self) -> dict:
        return {"beds": self.beds.data, "valid_from": self.valid_from.data}


class PriceForm(FlaskForm):
    daily_price = DecimalField(_l("日护理价格（元）"), places=2,
                               validators=[InputRequired(), finite, NumberRange(min=0, max=Decimal("99999.99"))])
    valid_from = DateField(_l("起始日期"), validators=[DataRequired()])
    submit = SubmitField(_l("登记价格"))

    def values(self) -> dict:
        return {"daily_price": self.daily_price.data, "valid_from": self.valid_from.data}


class DistrictPeriodForm(FlaskForm):
    district = SelectField(_l("区县"), validators=[DataRequired()])  # the active districts, set by the view
    valid_from = DateField(_l("起始日期"), validators=[DataRequired()])
    submit = SubmitField(_l("登记区县"))

    def values(self) -> dict:
        return {"district": self.district.data, "valid_from": self.valid_from.data}


# --- insurers' contracts (承办合同) -------------------------------------------------------------

class ContractForm(FlaskForm):
    insurer_id = SelectField(_l("承办商保公司"), coerce=int, validators=[DataRequired()])  # set by the view
    district = SelectField(_l("区县"), validators=[DataRequired()])  # the active districts, set by the view
    contract_no = StringField(_l("合同编号"), validators=[Optional(), Length(max=60)])
    valid_from = DateField(_l("起始日期"), validators=[DataRequired()])
    valid_to = DateField(_l("终止日期（不含）"), validators=[Optional()], description=_l("留空表示长期"))
    submit = SubmitField(_l("登记合同"))

    def values(self) -> dict:
        return {"insurer_id": self.insurer_id.data, "district": self.district.data,
                "contract_no": self.contract_no.data, "valid_from": self.valid_from.data,
                "valid_to": self.valid_to.data}


class EndContractForm(FlaskForm):
    valid_to = DateField(_l("终止日（当日起不再承办）"), validators=[DataRequired()],
                         description=_l("换签时即新承办商保公司的起始日期"))
    submit = SubmitField(_l("终止合同"))

    def values(self) -> dict:
        return {"valid_to": self.valid_to.data}


# --- the district list -----------------------------------------------------------------------

class DistrictForm(FlaskForm):
    code = StringField(_l("区县代码"), validators=[DataRequired(), Length(max=50)],
                       description=_l("登记后不可更改：参保人、承办商保公司和护理机构以此代码引用区县"))
    name = StringField(_l("区县名称"), validators=[DataRequired(), Length(max=50)])
    sort_order = IntegerField(_l("排序"), validators=[Optional(), NumberRange(min=0, max=100000)],
                              description=_l("留空则排在最后"))
    submit = SubmitField(_l("添加区县"))

    def values(self) -> dict:
        return {"code": self.code.data, "name": self.name.data, "sort_order": self.sort_order.data}


class EditDistrictForm(FlaskForm):
    name = StringField(_l("区县名称"), validators=[DataRequired(), Length(max=50)])
    sort_order = IntegerField(_l("排序"), validators=[InputRequired(), NumberRange(min=0, max=100000)])
    submit = SubmitField(_l("保存"))

    def values(self) -> dict:
        return {"name": self.name.data, "sort_order": self.sort_order.data}


class ConfirmForm(FlaskForm):
    """A button that only carries the CSRF token (activate, deactivate, delete)."""
