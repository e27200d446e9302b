"""Dynamic management pages under ``/ratings/effects`` (SPEC §8 effects, §1): rectification notices (the
provider answers, the insurer checks, the MIA overviews), the notice's PDF, and the MIA admin's
agreement-review proposals. A notice or proposal outside the user's scope is a 404."""
from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ltc.assessment.applications.services.documents import documents_root, store_document
from ltc.auth.permissions import Action, can
from ltc.auth.scope import get_scoped
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.core.clock import utcnow
from ltc.core.errors import NotFound
from ltc.core.pagination import paginate
from ltc.extensions import db
from ltc.notices.pdf import notice_renderer
from ltc.ratings.effects import pdf
from ltc.ratings.effects.forms import CheckForm, DecisionForm, ResponseForm
from ltc.ratings.effects.kinds import NOTICE_STATUS_LABELS, NoticeStatus
from ltc.ratings.effects.models import AgreementReviewProposal, RectificationNotice, RectificationResponse
from ltc.ratings.effects.services import proposals, readers, rectification
from ltc.web.forms import submit

bp = Blueprint("rating_effects", __name__, url_prefix="/ratings/effects")


def _page(stmt):
    return paginate(db.session, stmt, page=request.args.get("page", 1, type=int),
                    per_page=current_app.config["PER_PAGE"], scalars=False)


@bp.get("/notices")
@permission_required(Action.VIEW_RECTIFICATIONS)
def list_notices():
    status = request.args.get("status") or None
    if status not in set(NoticeStatus) | {None}:
        status = None
    page = _page(readers.notices(current_user, status=status))
    return render_template("ratings/effects/notices.html", page=page, status=status,
                           statuses=NOTICE_STATUS_LABELS, own=current_user.org_kind == "provider")


def _notice_page(notice: RectificationNotice, response_form=None, check_form=None, status: int = 200):
    waiting = notice.status
    may_respond = (can(current_user, Action.RESPOND_RECTIFICATION) and current_user.org_id == notice.provider_id
                   and waiting == NoticeStatus.AWAITING_RESPONSE)
    may_check = (can(current_user, Action.CHECK_RECTIFICATION) and current_user.org_id == notice.insurer_id
                 and waiting == NoticeStatus.AWAITING_CHECK)
    values = pdf.notice_values(db.session, notice)
    events = readers.events_of(db.session, notice)
    return render_template(
        "ratings/effects/notice.html", notice=notice, values=values, events=events,
        users=readers.actor_names(db.session, events),
        response_form=(response_form or ResponseForm()) if may_respond else None,
        check_form=(check_form or CheckForm()) if may_check else None), status


@bp.get("/notices/<int:notice_id>")
@permission_required(Action.VIEW_RECTIFICATIONS)
def notice(notice_id: int):
    return _notice_page(get_scoped(db.session, current_user, RectificationNotice, notice_id))


def _stored(form: ResponseForm):
    upload = form.upload()
    if upload is None:
        return None
    stored = store_document(upload.read(), upload.filename or "")
    return rectification.AttachedFile(stored.file_name, stored.content_type, stored.sha256, stored.storage_path)


@bp.post("/notices/<int:notice_id>/respond")
@permission_required(Action.RESPOND_RECTIFICATION)
def respond(notice_id: int):
    item = get_scoped(db.session, current_user, RectificationNotice, notice_id)
    form = ResponseForm()
    done, _row, status = submit(form, lambda: rectification.respond(
        db.session, item, text=form.text.data, attached=_stored(form), actor=actor_of(current_user), now=utcnow()))
    if done:
        flash(_("整改答复已提交"), "success")
        return redirect(url_for(".notice", notice_id=notice_id))
    return _notice_page(item, response_form=form, status=status)


@bp.post("/notices/<int:notice_id>/check")
@permission_required(Action.CHECK_RECTIFICATION)
def check(notice_id: int):
    item = get_scoped(db.session, current_user, RectificationNotice, notice_id)
    form = CheckForm()
    done, _row, status = submit(form, lambda: rectification.check_response(
        db.session, item, decision=form.decision.data, reason=form.reason.data, actor=actor_of(current_user),
        now=utcnow()))
    if done:
        flash(_("核查结论已记录"), "success")
        return redirect(url_for(".notice", notice_id=notice_id))
    return _notice_page(item, check_form=form, status=status)


@bp.get("/notices/<int:notice_id>/notice.pdf")
@permission_required(Action.VIEW_RECTIFICATIONS)
def notice_pdf(notice_id: int):
    item = get_scoped(db.session, current_user, RectificationNotice, notice_id)
    content = notice_renderer()(pdf.TEMPLATE, pdf.notice_values(db.session, item))
    return Response(content, mimetype="application/pdf", headers={
        "Content-Disposition": f"inline; filename=rectification-{item.number}.pdf"})


@bp.get("/notices/<int:notice_id>/responses/<int:response_id>/file")
@permission_required(Action.VIEW_RECTIFICATIONS)
def response_file(notice_id: int, response_id: int):
    item = get_scoped(db.session, current_user, RectificationNotice, notice_id)
    response = db.session.get(RectificationResponse, response_id)
    if response is None or response.notice_id != item.id or not response.file_path:
        raise NotFound("记录不存在或无权访问")
    return send_file(documents_root() / response.file_path, mimetype=response.file_type, as_attachment=True,
                     download_name=response.file_name)


@bp.get("/proposals")
@permission_required(Action.AGREEMENT_REVIEWS)
def list_proposals():
    return render_template("ratings/effects/proposals.html", page=_page(readers.proposals(current_user)))


def _proposal_page(item: AgreementReviewProposal, form=None, status: int = 200):
    from ltc.orgs.models import Organisation

    events = readers.events_of(db.session, item)
    return render_template("ratings/effects/proposal.html", proposal=item,
                           provider=db.session.get_one(Organisation, item.provider_id),
                           events=events, users=readers.actor_names(db.session, events),
                           form=(form or DecisionForm()) if item.status == "pending" else None), status


@bp.get("/proposals/<int:proposal_id>")
@permission_required(Action.AGREEMENT_REVIEWS)
def proposal(proposal_id: int):
    return _proposal_page(get_scoped(db.session, current_user, AgreementReviewProposal, proposal_id))


@bp.post("/proposals/<int:proposal_id>")
@permission_required(Action.AGREEMENT_REVIEWS)
def decide(proposal_id: int):
    item = get_scoped(db.session, current_user, AgreementReviewProposal, proposal_id)
    form = DecisionForm()
    done, _row, status = submit(form, lambda: proposals.decide_proposal(
        db.session, item, decision=form.decision.data, effective_on=form.effective_on.data, reason=form.reason.data,
        actor=actor_of(current_user), now=utcnow()))
    if done:
        flash(_("处理决定已记录"), "success")
        return redirect(url_for(".proposal", proposal_id=proposal_id))
    return _proposal_page(item, form, status)
