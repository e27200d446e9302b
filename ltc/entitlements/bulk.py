"""Go-live files too large for a web request (issue 9 point 5, SPEC §9): queued and imported by
the scheduler process (``ltc.scheduler.imports``). The go-live import checks rows against each
other (a person's conclusions and entitlements across the file), so the whole file is one unit:
checked again and applied in one transaction, all or nothing. The go-live date is the one in
force when the file was queued."""
from datetime import date

from sqlalchemy.orm import Session

from ltc.core.clock import local_today
from ltc.entitlements import imports as importer
from ltc.scheduler.imports import ImportKind
from ltc.scheduler.models import ImportKind as Kinds
from ltc.scheduler.models import QueuedImport


def options(go_live: date | None) -> dict:
    return {"go_live": go_live.isoformat() if go_live else None}


def _check(session: Session, queued: QueuedImport) -> importer.EntitlementsPreview:
    go_live = (queued.options or {}).get("go_live")
    return importer.preview(session, queued.data, queued.filename, today=local_today(queued.requested_at),
                            go_live=date.fromisoformat(go_live) if go_live else None)


def _apply(session: Session, result: importer.EntitlementsPreview, **kw) -> dict[str, int]:
    return importer.apply(session, result, **kw)  # looked up at call time (tests replace it)


KIND = ImportKind(Kinds.ENTITLEMENTS.value, "entitlement_import", "entitlement_import", importer.MAX_ROWS,
                  check=_check, apply=_apply, counted=("create", "unchanged"))
