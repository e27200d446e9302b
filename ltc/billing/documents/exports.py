"""The columns of the billing lists exported as CSV / XLSX (SPEC §10: every list is exportable)."""
from flask_babel import gettext as _

from ltc.billing.kinds import LINE_KIND_LABELS
from ltc.web.exports import Column


def line_columns() -> list[Column]:
    """A settlement's lines (``provider.line_values`` rows plus their ``kind``)."""
    return [Column(_("类别"), lambda r: _(LINE_KIND_LABELS.get(r["kind"], r["kind"]))),
            Column(_("参保人"), "person_name"), Column(_("身份证号"), "id_number_masked"),
            Column(_("服务形式"), lambda r: _(r["care_type"]) if r["care_type"] else ""),
            Column(_("等级"), "level"), Column(_("服务月份"), "service_month"),
            Column(_("期间"), "period"), Column(_("单价"), "rate"), Column(_("服务量"), "service"),
            Column(_("待审核"), "held"), Column(_("不予支付"), "rejected"), Column(_("费用总额"), "billable"),
            Column(_("基金比例"), "ratio"), Column(_("基金支付"), "fund"), Column(_("个人自付"), "copay"),
            Column(_("调整原因"), lambda r: _(r["reason"]) if r["reason"] else ""),
            Column(_("说明"), "note")]


def payment_columns() -> list[Column]:
    """The payment list (``payments.payment_rows``: amounts as Decimal)."""
    return [Column(_("护理服务机构"), "provider_name"), Column(_("统一社会信用代码"), "uscc"),
            Column(_("状态"), lambda r: _(r["status"])), Column(_("费用总额"), "billable"),
            Column(_("基金支付"), "fund"),
            Column(_("调整金额"), "adjustments"), Column(_("质量保证金"), "deposit"), Column(_("实际支付"), "net"),
            Column(_("结转下期"), "carried_forward")]


def statement_columns() -> list[Column]:
    """The beneficiaries of a month (``lists.StatementRow``)."""
    return [Column(_("参保人"), "name"), Column(_("身份证号"), "masked_id"),
            Column(_("结算明细条数"), "lines"), Column(_("费用总额"), "billable"), Column(_("基金支付"), "fund"),
            Column(_("个人自付"), "copay"),
            Column(_("结算单文件"), lambda r: _("已生成") if r.rendered else _("待生成"))]
