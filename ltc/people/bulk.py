"""Roster files too large for a web request (issue 9 point 5, SPEC §9): queued and imported by
the scheduler process in chunks (``ltc.scheduler.imports``; rows are independent: upsert by ID
number, so applying a chunk again changes nothing)."""
from sqlalchemy.orm import Session

from ltc.core.clock import local_today
from ltc.people import imports as importer
from ltc.scheduler.imports import ImportKind
from ltc.scheduler.models import ImportKind as Kinds
from ltc.scheduler.models import QueuedImport


def _check(session: Session, queued: QueuedImport) -> importer.ImportPreview:
    return importer.preview(session, queued.data, queued.filename, today=local_today(queued.requested_at))


def _read(queued: QueuedImport) -> list[tuple[int, dict]]:
    result = importer.ImportPreview(filename=queued.filename, sha256=queued.sha256,
                                    today=local_today(queued.requested_at))
    return importer.read_records(result, queued.data) or []


def _check_rows(session: Session, queued: QueuedImport, records: list, start: int,
                stop: int) -> importer.ImportPreview:
    return importer.preview_records(session, records[start:stop], today=local_today(queued.requested_at),
                                    filename=queued.filename, sha256=queued.sha256)


def _apply(session: Session, result: importer.ImportPreview, **kw) -> dict[str, int]:
    return importer.apply(session, result, **kw)  # looked up at call time (tests replace it)


KIND = ImportKind(Kinds.PERSONS.value, "person_import", "insured_person_import", importer.MAX_ROWS,
                  check=_check, apply=_apply, read=_read, check_rows=_check_rows)
