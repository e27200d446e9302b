"""Notice download: the stored PDF, for users who can see the notice's subject."""
from flask import Blueprint, Response
from flask_login import current_user, login_required

from ltc.auth.services import actor_of
from ltc.core.clock import utcnow
from ltc.extensions import db
from ltc.notices import services

bp = Blueprint("notices", __name__, url_prefix="/notices")


@bp.get("/<int:notice_id>.pdf")
@login_required
def download(notice_id: int):
    notice = services.open_notice(db.session, notice_id, user=current_user, actor=actor_of(current_user),
                                  now=utcnow())
    db.session.commit()
    return Response(notice.content, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{notice.number}.pdf"',
        "Cache-Control": "private, no-store",
    })
