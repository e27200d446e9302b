"""Roster files too large for a web request (issue 9 point 5, SPEC §9): queued, then imported
by the scheduler process as a per-unit job with progress.

A file of more than ``QUEUE_ROWS`` data rows is not previewed in the request: the upload keeps
it (``PersonImport``) and queues a ``person_import`` run. The run's first step is the whole
preview of the file against the database as it is then; if any row (or the header) is wrong,
the problems are kept for the progress page and nothing is written (the run lists no unit).
Otherwise its units are chunks of ``UNIT_ROWS`` rows, each checked again and applied in its own
transaction. All-or-nothing per file, reconciled with per-unit commits: nothing is written until
every row has passed the check, and once it has, every chunk is applied (a crash or a chunk
refused by a change made in the meantime leaves the run ``partial``/``failed``, and its resume
does only the chunks not done; applying a chunk again changes nothing, upsert by ID number).
"""
import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.auth.services import actor_of
from ltc.core import audit
from ltc.core.clock import local_today
from ltc.core.errors import NotFound, ValidationFailed
from ltc.core.sheets import UnreadableFile, count_rows
from ltc.people import imports as importer
from ltc.people.models import PersonImport
from ltc.scheduler.models import JobRun
from ltc.scheduler.queue import queue_new_run
from ltc.scheduler.registry import ON_DEMAND_JOBS, get_job

QUEUE_ROWS = 2_000  # a preview of this many rows answers within a few seconds
UNIT_ROWS = 1_000
SHOWN_PROBLEMS = 200
JOB_ID = "person_import"

STATE_LABELS = {"queued": "排队中", "checking": "正在检查", "importing": "正在导入", "refused": "文件有错误，未导入",
                "done": "已完成", "failed": "部分批次未完成"}
UNFINISHED = ("queued", "checking", "importing")

_parsed: dict[tuple[int, str], list[tuple[int, dict]]] = {}  # the file being imported, parsed once


def is_large(data: bytes) -> bool:
    """Whether the file is imported by the scheduler process: more than QUEUE_ROWS data rows and
    not over the row limit (a file over it, or unreadable, is refused by the preview at once)."""
    try:
        rows = count_rows(data) - 1
    except UnreadableFile:
        return False
    return QUEUE_ROWS < rows <= importer.MAX_ROWS


def queue_import(session: Session, data: bytes, filename: str, *, actor: audit.Actor, now: datetime) -> PersonImport:
    """Keep the file and queue its import run for the scheduler process."""
    run = queue_new_run(session, get_job(JOB_ID, ON_DEMAND_JOBS), actor=actor, now=now)
    queued = PersonImport(filename=filename[:255], sha256=hashlib.sha256(data).hexdigest(), data=data,
                          rows=count_rows(data) - 1, requested_by_id=actor.user_id, org_id=actor.org_id,
                          requested_at=now, run_id=run.id)
    session.add(queued)
    session.flush()
    audit.record(session, actor, "queue", "insured_person_import", queued.id, now=now, detail=queued.filename,
                 after={"filename": queued.filename, "rows": queued.rows, "run_id": run.id})
    return queued


def import_units(session: Session, *, due_at: datetime, run_id: int) -> list[str]:
    """The check of the whole file, then its chunks (``"<import id>:<first row index>"``); none
    when the check refuses the file (its problems are kept)."""
    queued = session.scalar(select(PersonImport).where(PersonImport.run_id == run_id))
    if queued is None:
        raise NotFound(f"no queued import for run {run_id}")
    result = importer.preview(session, queued.data, queued.filename, today=local_today(queued.requested_at))
    if not result.ok:
        queued.problems = {"header": result.header_errors, "error_rows": len(result.error_rows),
                           "rows": [[r.line, "；".join(r.errors)] for r in result.error_rows[:SHOWN_PROBLEMS]]}
        session.flush()
        return []
    return [f"{queued.id}:{start}" for start in range(0, len(result.rows), UNIT_ROWS)]


def import_chunk(session: Session, unit: str, *, now: datetime, due_at: datetime) -> dict[str, int]:
    """Check and apply one chunk of the file, as the user who asked for the import."""
    import_id, start = (int(part) for part in unit.split(":"))
    queued = session.get_one(PersonImport, import_id)
    records = _records(queued)[start:start + UNIT_ROWS]
    result = importer.preview_records(session, records, today=local_today(queued.requested_at),
                                      filename=queued.filename, sha256=queued.sha256)
    if not result.ok:  # the database changed since the check; the resume tries this chunk again
        first = result.error_rows[0] if result.error_rows else None
        detail = f"第 {first.line} 行：{'；'.join(first.errors)}" if first else "；".join(result.header_errors)
        raise ValidationFailed(f"该批数据未通过检查，未导入：{detail}", {"rows": "invalid"})
    counts = importer.apply(session, result, actor=actor_of(session.get_one(User, queued.requested_by_id)), now=now)
    return {name: counts[name] for name in ("create", "update", "unchanged")}


def _records(queued: PersonImport) -> list[tuple[int, dict]]:
    key = (queued.id, queued.sha256)
    if key not in _parsed:
        _parsed.clear()
        result = importer.ImportPreview(filename=queued.filename, sha256=queued.sha256,
                                        today=local_today(queued.requested_at))
        _parsed[key] = importer.read_records(result, queued.data) or []
    return _parsed[key]


@dataclass(frozen=True)
class ImportProgress:
    id: int
    filename: str
    rows: int
    state: str          # queued / checking / importing / refused / done / failed
    units_done: int
    units_total: int | None
    counts: dict
    problems: dict | None
    requested_at: datetime
    finished_at: datetime | None


def import_progress(session: Session, import_id: int, *, actor: audit.Actor) -> ImportProgress:
    """Where a queued import stands, for its organisation only. Raises NotFound."""
    queued = session.get(PersonImport, import_id)
    if queued is None or queued.org_id != actor.org_id:
        raise NotFound("没有这个导入任务")
    run = session.get_one(JobRun, queued.run_id)
    return ImportProgress(queued.id, queued.filename, queued.rows, _state(run, queued), run.units_done or 0,
                          run.units_total, dict(run.counts or {}), queued.problems, queued.requested_at,
                          run.finished_at)


def _state(run: JobRun, queued: PersonImport) -> str:
    if run.status == "queued":
        return "queued"
    if run.status == "running":
        return "checking" if run.units_total is None else "importing"
    if queued.problems:
        return "refused"
    return "done" if run.status == "success" else "failed"
