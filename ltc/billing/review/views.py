"""Settlement review pages under ``/settlements/review`` (SPEC §7.3): the audit workspace (the insurer
decides; the provider and the MIA read it, the provider appeals from it), the provider's submission,
and the audit's actions. Every settlement is loaded through the scope rule (404 otherwise). The MIA's
approval list and the payment page are in ``money_views``."""
from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ltc.assessment.applications.services.documents import documents_root, store_document
from ltc.auth.permissions import Action
from ltc.auth.scope import get_scoped
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.billing.models import Settlement
from ltc.billing.pricing.units import FOLLOW_UP
from ltc.billing.review import appeals, auditing, pages, sampling, workflow
from ltc.billing.review.auditing import RecordFilter
from ltc.billing.review.case_types import REASON_LABELS, SETTLEMENT
from ltc.billing.review.forms import (AppealDecisionForm, AppealForm, BulkDecisionForm, FlagFilterForm, NoteForm,
                                      PersonDecisionForm, RecordsDecisionForm, ReturnForm, SubmitForm, _choices)
from ltc.billing.review.records import flagged_records
from ltc.core.clock import utcnow
from ltc.extensions import db
from ltc.web.forms import submit

bp = Blueprint("settlement_review", __name__, url_prefix="/settlements/review")


def _settlement(settlement_id: int) -> Settlement:
    return get_scoped(db.session, current_user, Settlement, settlement_id)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() else None


def _filter(form: FlagFilterForm) -> RecordFilter:
    state = form.state.data or ""
    return RecordFilter(rule=form.rule.data or None, carer_id=_int(form.carer_id.data),
                        person_id=_int(form.person_id.data), undecided_only=state == "undecided")


def _keys(values) -> list[tuple[str, int]]:
    keys = []
    for value in values:
        kind, _sep, number = value.partition(":")
        if number.isascii() and number.isdigit():
            keys.append((kind, int(number)))
    return keys


#: the filter's words for records held by a follow-up (a rule code is shown as it is)
FOLLOW_UP_WORDS = "回访未确认服务"


def _filter_form(page_data) -> FlagFilterForm:
    form = FlagFilterForm(request.args)
    form.rule.choices = _choices([("", _("全部规则"))] + [(r, _(FOLLOW_UP_WORDS) if r == FOLLOW_UP else r)
                                                      for r in page_data.rules])
    form.carer_id.choices = _choices([("", _("全部护理人员"))] + [(str(k), v) for k, v in page_data.carers.items()])
    form.person_id.choices = _choices([("", _("全部参保人"))] + [(str(k), v) for k, v in page_data.persons.items()])
    return form


def _reasons(step: str) -> list:
    return _choices([(r["code"], _(r["label"])) for r in SETTLEMENT["reasons"] if step in r["steps"]]
                    + [("OTHER", _("其他"))])


@bp.get("/<int:settlement_id>", endpoint="workspace")
@permission_required(Action.VIEW_FINDINGS)
def workspace_page(settlement_id: int):
    """The audit workspace: flagged records (filters, bulk decisions), the sample, deductions, progress,
    the trail and the appeals. Decisions only for the organisation owning the step."""
    settlement = _settlement(settlement_id)
    probe = FlagFilterForm(request.args)
    where = _filter(probe) if probe.validate() else RecordFilter(undecided_only=False)
    data = pages.workspace(db.session, settlement, current_user, where)
    filters = _filter_form(data)
    if (filters.state.data or "") == "decided":
        data.flagged = [row for row in data.flagged if row["decision"]]
    return_form = ReturnForm()
    return_form.reason_code.choices = _reasons("approval" if data.can_approve else "audit")
    appeal_decision = AppealDecisionForm()
    appeal_decision.reason_code.choices = _choices([("", _("（无）"))] + [
        (code, _(REASON_LABELS[code])) for code in ("UNFOUNDED", "NO_EVIDENCE")] + [("OTHER", _("其他"))])
    return render_template("billing/review/workspace.html", p=data, filters=filters,
                           records_form=RecordsDecisionForm(), bulk_form=BulkDecisionForm(),
                           person_form=PersonDecisionForm(), note_form=NoteForm(), return_form=return_form,
                           appeal_decision=appeal_decision)


def _act(settlement: Settlement, form, run, done: str):
    """Run one audit action from the workspace: commit and say what was done, or show the refusal."""
    ok, result, _status = submit(form, run)
    if ok:
        flash(_(done, n=result) if isinstance(result, int) else _(done), "success")
    else:
        errors = [e for field in form for e in field.errors] + list(form.form_errors)
        flash("；".join(str(e) for e in errors) or _("操作未完成"), "danger")
    return redirect(url_for("settlement_review.workspace", settlement_id=settlement.id, **request.args))


@bp.post("/<int:settlement_id>/records", endpoint="decide_records")
@permission_required(Action.INSURER_OPERATIONS)
def decide_records(settlement_id: int):
    """Pay or refuse the ticked flagged records, or (``origin=sample``) the ticked sampled records."""
    settlement = _settlement(settlement_id)
    form = RecordsDecisionForm()
    form.keys.choices = _choices((k, k) for k in request.form.getlist("keys"))
    decide = auditing.decide_sampled if request.args.get("origin") == "sample" else auditing.decide_flagged
    return _act(settlement, form, lambda: decide(
        db.session, settlement, _keys(form.keys.data), form.decision.data, reason_code=form.reason_code.data or None,
        reason_text=form.reason_text.data, actor=actor_of(current_user), now=utcnow()), "已决定 %(n)s 条记录")


@bp.post("/<int:settlement_id>/bulk", endpoint="decide_bulk")
@permission_required(Action.INSURER_OPERATIONS)
def decide_bulk(settlement_id: int):
    """The same decision on every undecided flagged record the filter matches (e.g. all V01 of a carer)."""
    settlement = _settlement(settlement_id)
    form = BulkDecisionForm()
    where = RecordFilter(rule=form.rule.data or None, carer_id=_int(form.carer_id.data),
                         person_id=_int(form.person_id.data))
    return _act(settlement, form, lambda: auditing.decide_flagged_by_filter(
        db.session, settlement, where, form.decision.data, reason_code=form.reason_code.data or None,
        reason_text=form.reason_text.data, actor=actor_of(current_user), now=utcnow()), "已决定 %(n)s 条记录")


@bp.post("/<int:settlement_id>/person", endpoint="decide_person")
@permission_required(Action.INSURER_OPERATIONS)
def decide_person(settlement_id: int):
    settlement = _settlement(settlement_id)
    form = PersonDecisionForm()
    return _act(settlement, form, lambda: auditing.decide_sampled(
        db.session, settlement, None, form.decision.data, person_id=form.person_id.data,
        reason_code=form.reason_code.data or None, reason_text=form.reason_text.data,
        actor=actor_of(current_user), now=utcnow()), "已决定 %(n)s 条记录")


@bp.post("/<int:settlement_id>/sample", endpoint="draw_sample")
@permission_required(Action.INSURER_OPERATIONS)
def draw_sample(settlement_id: int):
    settlement = _settlement(settlement_id)
    return _act(settlement, NoteForm(), lambda: len(sampling.draw_sample(
        db.session, settlement, actor=actor_of(current_user), now=utcnow())), "已抽取 %(n)s 名参保人")


@bp.post("/<int:settlement_id>/finish", endpoint="finish_audit")
@permission_required(Action.DECIDE_REVIEW)
def finish_audit(settlement_id: int):
    settlement = _settlement(settlement_id)
    form = NoteForm()
    return _act(settlement, form, lambda: auditing.finish_audit(
        db.session, settlement, actor=actor_of(current_user), now=utcnow(), note=form.note.data),
        "审核已完成，已报医保经办机构审批")


@bp.post("/<int:settlement_id>/return", endpoint="return_settlement")
@permission_required(Action.DECIDE_REVIEW)
def return_settlement(settlement_id: int):
    """The insurer returns to the provider, or the MIA to the insurer (whichever step the user owns)."""
    settlement = _settlement(settlement_id)
    form = ReturnForm()
    form.reason_code.choices = _reasons("approval" if current_user.org_kind == "mia" else "audit")
    service = workflow_return(current_user.org_kind)
    return _act(settlement, form, lambda: service(
        db.session, settlement, reason_code=form.reason_code.data, reason_text=form.reason_text.data,
        actor=actor_of(current_user), now=utcnow()), "已退回")


def workflow_return(org_kind: str):
    from ltc.billing.review import approval

    return approval.return_to_insurer if org_kind == "mia" else auditing.return_to_provider


# --- the provider ------------------------------------------------------------------------------

@bp.route("/<int:settlement_id>/submit", methods=["GET", "POST"], endpoint="submit")
@permission_required(Action.CARE_RECORDS)
def submit_page(settlement_id: int):
    """The provider's operator submits its settlement with a remark and evidence per flagged record."""
    settlement = _settlement(settlement_id)
    records = flagged_records(db.session, settlement)
    form = SubmitForm()

    def remarks():
        return {r.key: (request.form.get(f"remark-{r.record_kind}-{r.record_id}", "")[:1000],
                        request.form.get(f"evidence-{r.record_kind}-{r.record_id}", "")[:1000]) for r in records}

    def files():
        uploads = {r.key: request.files.get(f"evidence-file-{r.record_kind}-{r.record_id}") for r in records}
        return {key: store_document(upload.read(), upload.filename or "")
                for key, upload in uploads.items() if upload is not None and upload.filename}

    ok, _case, status = submit(form, lambda: workflow.submit(
        db.session, settlement, remarks=remarks(), files=files(), actor=actor_of(current_user), now=utcnow(),
        note=form.note.data))
    if ok:
        flash(_("结算已提交，等待商保公司审核"), "success")
        return redirect(url_for("settlement_review.workspace", settlement_id=settlement.id))
    return render_template("billing/review/submit.html", settlement=settlement, records=records, form=form), status


@bp.get("/<int:settlement_id>/evidence/<int:remark_id>", endpoint="evidence")
@permission_required(Action.VIEW_FINDINGS)
def evidence(settlement_id: int, remark_id: int):
    """The evidence file of a remark, to those who see the settlement (404 otherwise); audited."""
    settlement = _settlement(settlement_id)
    remark, path = pages.evidence_file(db.session, settlement, remark_id, documents_root(),
                                       actor=actor_of(current_user), now=utcnow())
    db.session.commit()
    return send_file(path, mimetype=remark.evidence_type, as_attachment=True, download_name=remark.evidence_file)


@bp.post("/<int:settlement_id>/appeal", endpoint="appeal")
@permission_required(Action.CARE_RECORDS)
def appeal(settlement_id: int):
    """The provider's operator appeals refused records and automatic rejections."""
    settlement = _settlement(settlement_id)
    form = AppealForm()
    form.refusals.choices = _choices((k, k) for k in request.form.getlist("refusals"))
    form.rejects.choices = _choices((k, k) for k in request.form.getlist("rejects"))
    return _act(settlement, form, lambda: appeals.file_appeal(
        db.session, settlement, refusals=_keys(form.refusals.data),
        rejects=[int(v) for v in form.rejects.data if v.isascii() and v.isdigit()], reason=form.reason.data,
        actor=actor_of(current_user), now=utcnow()) and None, "申诉已提交，等待商保公司复核")


@bp.post("/<int:settlement_id>/appeal/decide", endpoint="decide_appeal")
@permission_required(Action.DECIDE_REVIEW)
def decide_appeal(settlement_id: int):
    settlement = _settlement(settlement_id)
    form = AppealDecisionForm()
    form.reason_code.choices = _choices([("", ""), ("UNFOUNDED", ""), ("NO_EVIDENCE", ""), ("OTHER", "")])
    found = pages.appeal_of(db.session, settlement, form.appeal_id.data) if form.appeal_id.data else None
    if form.is_submitted() and form.appeal_id.data and found is None:
        abort(404)
    return _act(settlement, form, lambda: appeals.decide_appeal(
        db.session, found, upheld=form.upheld.data == "yes", reason_code=form.reason_code.data or None,
        reason_text=form.reason_text.data, actor=actor_of(current_user), now=utcnow()) and None, "申诉复核已记录")

