"""Hospital-stay files too large for a web request (issue 9 point 5, SPEC §9): queued and
imported by the scheduler process in chunks (``ltc.scheduler.imports``; the whole file is checked
first, duplicates across it included; a chunk is an upsert by person, hospital and admission
date, so applying it again changes nothing)."""
from sqlalchemy.orm import Session

from ltc.core.clock import local_today
from ltc.people.hospital import imports as importer
from ltc.scheduler.imports import ImportKind
from ltc.scheduler.models import ImportKind as Kinds
from ltc.scheduler.models import QueuedImport


def _empty(queued: QueuedImport) -> importer.StaysPreview:
    return importer.StaysPreview(filename=queued.filename, sha256=queued.sha256,
                                 today=local_today(queued.requested_at))


def _check(session: Session, queued: QueuedImport) -> importer.StaysPreview:
    return importer.preview(session, queued.data, queued.filename, today=local_today(queued.requested_at))


def _read(queued: QueuedImport) -> tuple[list[str], list] | None:
    return importer.read_body(_empty(queued), queued.data)


def _check_rows(session: Session, queued: QueuedImport, table: tuple[list[str], list], start: int,
                stop: int) -> importer.StaysPreview:
    result, (columns, body) = _empty(queued), table
    result.rows = [importer.parse_row(line, cells, columns, result.today) for line, cells in body[start:stop]]
    importer.check_rows(session, result.rows)
    return result


def _apply(session: Session, result: importer.StaysPreview, **kw) -> dict[str, int]:
    return importer.apply(session, result, **kw)  # looked up at call time (tests replace it)


KIND = ImportKind(Kinds.HOSPITAL_STAYS.value, "hospital_stay_import", "hospital_stay_import", importer.MAX_ROWS,
                  check=_check, apply=_apply, read=_read, check_rows=_check_rows)
