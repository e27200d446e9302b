"""Notice download, and the request edge's step two of issuance: once a request has committed,
render the notices it issued (``ltc.notices.rendering``)."""
import logging

from flask import Blueprint, Response
from flask_login import current_user

from ltc.auth.permissions import Action
from ltc.auth.services import actor_of
from ltc.auth.web import permission_required
from ltc.core.clock import utcnow
from ltc.extensions import db
from ltc.notices import rendering, services
from ltc.web.transactions import records_view

bp = Blueprint("notices", __name__, url_prefix="/notices")
log = logging.getLogger(__name__)


@bp.get("/<int:notice_id>.pdf")
@records_view
@permission_required(Action.OPEN_NOTICES)
def download(notice_id: int):
    notice = services.open_notice(db.session, notice_id, user=current_user, actor=actor_of(current_user),
                                  now=utcnow())
    db.session.commit()
    return Response(notice.content, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{notice.number}.pdf"',
        "Cache-Control": "private, no-store",
    })


@bp.after_app_request
def render_issued_notices(response: Response) -> Response:
    """After any request: render the notices it issued in a transaction that has ended (a
    committed one; those of a rolled-back one no longer exist). A failure leaves them pending
    for the job "retry pending notices"; the response is not affected."""
    session = db.session()
    notice_ids = services.take_issued(session)
    if notice_ids and not (session.new or session.dirty or session.deleted):
        try:
            rendering.render_pending(rendering.using(session), notice_ids, now=utcnow())
        except Exception:
            log.exception("rendering notices %s after the request failed; they stay pending", notice_ids)
    return response
