"""Findings pages under ``/findings``: the queue (the insurer's, the MIA's, a provider's own) with
filters, counts per rule and CSV / XLSX export, and one finding with its explanation and record.
Scoped by the one rule: a finding outside the user's scope is a 404."""
from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ltc.auth.permissions import Action
from ltc.auth.scope import get_scoped
from ltc.auth.web import permission_required
from ltc.compliance import queue
from ltc.compliance.forms import FindingFilterForm
from ltc.compliance.kinds import FINDING_SOURCE_LABELS, FINDING_STATUS_LABELS, RULE_LABELS, SEVERITY_LABELS
from ltc.compliance.models import Finding
from ltc.core.clock import local_today
from ltc.core.pagination import paginate
from ltc.extensions import db
from ltc.providers.kinds import RECORD_KIND_LABELS
from ltc.web.exports import Column, export_response, requested_format

bp = Blueprint("findings", __name__, url_prefix="/findings")
EXPORT_BATCH = 500
#: the page of each kind of record a finding points at (a family package has none of its own)
RECORD_PAGES = {"visit": ("visits.view_visit", "visit_id"), "stay": ("stays.view_stay", "stay_id")}


def explanation(finding: Finding) -> str:
    """The finding's explanation in the user's language."""
    try:
        return _(finding.message) % finding.params
    except (KeyError, TypeError, ValueError):
        return _(finding.message)


def record_url(finding: Finding) -> str | None:
    """The page of the finding's record, when it has one."""
    page = RECORD_PAGES.get(finding.record_kind)
    return url_for(page[0], **{page[1]: finding.record_id}) if page else None


def row(finding: Finding, person: str, provider: str, carer: str | None) -> dict:
    return {"id": finding.id, "rule": finding.rule, "rule_label": _(RULE_LABELS[finding.rule]),
            "severity": _(SEVERITY_LABELS[finding.severity]), "severity_code": finding.severity,
            "record": _(RECORD_KIND_LABELS[finding.record_kind]), "record_id": finding.record_id,
            "service_date": finding.service_date, "person": person, "provider": provider, "carer": carer or "",
            "explanation": explanation(finding), "status": _(FINDING_STATUS_LABELS[finding.status]),
            "minutes_over": finding.minutes_over}


def columns() -> list[Column]:
    names = (("rule_label", "规则"), ("severity", "处理方式"), ("service_date", "服务日期"), ("person", "参保人"),
             ("provider", "护理机构"), ("carer", "护理人员"), ("record", "服务记录"), ("record_id", "记录编号"),
             ("explanation", "说明"), ("minutes_over", "超出分钟"), ("status", "状态"))
    return [Column(_(header), key) for key, header in names]


def page_row(finding: Finding, person: str, provider: str, carer: str | None) -> dict:
    """A row for a page: with the link to the record (exports leave it out)."""
    return row(finding, person, provider, carer) | {"record_url": record_url(finding)}


def _filter_form() -> tuple[FindingFilterForm, queue.Filters]:
    form = FindingFilterForm(request.args)
    form.provider.choices = [SelectChoice("", _("全部护理机构"))] + [
        SelectChoice(str(i), name) for i, name in queue.providers_with_findings(db.session, current_user)]
    form.carer.choices = [SelectChoice("", _("全部护理人员"))] + [
        SelectChoice(str(i), name) for i, name in queue.carers_with_findings(db.session, current_user)]
    if not form.validate():
        return form, queue.Filters()
    return form, queue.Filters(rule=form.rule.data or None, severity=form.severity.data or None,
                               provider_id=int(form.provider.data) if form.provider.data else None,
                               carer_id=int(form.carer.data) if form.carer.data else None,
                               month=form.month_start(), status=form.status.data or None)


@bp.get("/")
@permission_required(Action.VIEW_FINDINGS)
def queue_page():
    form, filters = _filter_form()
    stmt = queue.search(current_user, filters)
    if fmt := requested_format(request.args.get("format")):
        rows = (row(*r) for r in db.session.execute(stmt.execution_options(yield_per=EXPORT_BATCH)))
        return export_response(columns(), rows, fmt=fmt, filename=f"{_('规则检查结果')}-{local_today().isoformat()}")
    page = paginate(db.session, stmt, page=request.args.get("page", 1, type=int),
                    per_page=current_app.config["PER_PAGE"], scalars=False)
    counts = [(rule, _(RULE_LABELS[rule]), n) for rule, n in queue.counts_per_rule(db.session, current_user, filters)]
    return render_template("findings/list.html", form=form, page=page, rows=[page_row(*r) for r in page.items],
                           counts=counts, args=request.args.to_dict())


@bp.get("/<int:finding_id>")
@permission_required(Action.VIEW_FINDINGS)
def detail(finding_id: int):
    finding = get_scoped(db.session, current_user, Finding, finding_id)
    [found] = db.session.execute(queue.search(current_user, queue.Filters(status=None))
                                 .where(Finding.id == finding.id)).all()
    return render_template("findings/detail.html", f=page_row(*found), finding=finding,
                           source=_(FINDING_SOURCE_LABELS[finding.source]), evidence=sorted(finding.evidence.items()))
