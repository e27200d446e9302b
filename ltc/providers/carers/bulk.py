"""Carer files too large for a web request: queued and imported by the scheduler process
(``ltc.scheduler.imports``) as one unit, checked whole first; the register is the requesting
provider's (the queued file's organisation)."""
from sqlalchemy.orm import Session

from ltc.core.clock import local_today
from ltc.providers.carers import imports as importer
from ltc.scheduler.imports import ImportKind
from ltc.scheduler.models import ImportKind as Kinds
from ltc.scheduler.models import QueuedImport


def _check(session: Session, queued: QueuedImport) -> importer.CarersPreview:
    return importer.preview(session, queued.data, queued.filename, today=local_today(queued.requested_at),
                            provider_id=queued.org_id)


def _apply(session: Session, result: importer.CarersPreview, **kw) -> dict[str, int]:
    return importer.apply(session, result, **kw)


KIND = ImportKind(Kinds.CARERS.value, "carer_import", importer.ENTITY, importer.MAX_ROWS, check=_check,
                  apply=_apply)
