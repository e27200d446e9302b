"""Spreadsheets too large for a web request (issue 9 point 5, SPEC §9): queued, then imported by
the scheduler process as a per-unit job with progress, for every import that registers its kind.

A file of more than ``QUEUE_ROWS`` data rows is not previewed in the request: the upload keeps
it (``QueuedImport``) and queues a run of the kind's on-demand job. The run's first step is the
whole preview of the file against the database as it is then; if any row (or the header) is
wrong, the problems are kept for the progress page and nothing is written (the run lists no
unit). Otherwise its units are applied, each in its own transaction: chunks of ``UNIT_ROWS``
rows, each checked again, for a kind whose rows are independent (``check_rows``), or the whole
file as one unit for a kind that checks rows against each other. All-or-nothing per file: no
unit is written until every row has passed the check (a crash or a unit refused by a change made
in the meantime leaves the run ``partial``/``failed``, and its resume does only the units not
done; applying a chunk again changes nothing). When the import ends (refused, or its last unit
done) the file's bytes are dropped; its hash, counts and problems stay.
"""
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.auth.services import actor_of
from ltc.core import audit
from ltc.core.errors import NotFound, ValidationFailed
from ltc.core.sheets import Preview, UnreadableFile, count_rows
from ltc.scheduler.models import JobRun, JobRunUnit, QueuedImport, UnitStatus
from ltc.scheduler.queue import queue_new_run
from ltc.scheduler.registry import ON_DEMAND_JOBS, get_job

QUEUE_ROWS = 2_000  # a preview of this many rows answers within a few seconds
UNIT_ROWS = 1_000
SHOWN_PROBLEMS = 200

STATE_LABELS = {"queued": "排队中", "checking": "正在检查", "importing": "正在导入", "refused": "文件有错误，未导入",
                "done": "已完成", "failed": "部分批次未完成"}
UNFINISHED = ("queued", "checking", "importing")


@dataclass(frozen=True)
class ImportKind:
    """How one import is checked and applied by the scheduler process."""
    name: str                                            # an ``ImportKind`` value
    job_id: str                                          # its on-demand job (``registry.ON_DEMAND_JOBS``)
    audit_type: str                                      # the audit entity of the queued file
    max_rows: int
    check: Callable[[Session, QueuedImport], Preview]    # the whole file, nothing written
    apply: Callable[..., dict[str, int]]                 # (session, checked preview, actor=, now=)
    #: chunked kinds (rows independent of each other): the file's rows parsed once, then a
    #: check of rows [start, stop) of them; None: the whole file is one unit
    read: Callable[[QueuedImport], Any] | None = None
    check_rows: Callable[[Session, QueuedImport, Any, int, int], Preview] | None = None
    counted: tuple[str, ...] = field(default=("create", "update", "unchanged"))


_KINDS: dict[str, ImportKind] = {}
_parsed: dict[tuple[int, str], Any] = {}  # the file being imported, parsed once


def register_kind(kind: ImportKind) -> None:
    """Called from a domain's ``wire()``."""
    _KINDS[kind.name] = kind


def is_large(kind: ImportKind, data: bytes) -> bool:
    """Whether the file is imported by the scheduler process: more than QUEUE_ROWS data rows and
    not over the row limit (a file over it, or unreadable, is refused by the preview at once)."""
    try:
        rows = count_rows(data) - 1
    except UnreadableFile:
        return False
    return QUEUE_ROWS < rows <= kind.max_rows


def queue_import(session: Session, kind: ImportKind, data: bytes, filename: str, *, actor: audit.Actor,
                 now: datetime, options: dict | None = None) -> QueuedImport:
    """Keep the file and queue its import run for the scheduler process."""
    run = queue_new_run(session, get_job(kind.job_id, ON_DEMAND_JOBS), actor=actor, now=now)
    queued = QueuedImport(kind=kind.name, filename=filename[:255], sha256=hashlib.sha256(data).hexdigest(),
                          data=data, rows=count_rows(data) - 1, requested_by_id=actor.user_id,
                          org_id=actor.org_id, requested_at=now, run_id=run.id, options=options)
    session.add(queued)
    session.flush()
    audit.record(session, actor, "queue", kind.audit_type, queued.id, now=now, detail=queued.filename,
                 after={"filename": queued.filename, "rows": queued.rows, "run_id": run.id})
    return queued


def import_units(session: Session, *, due_at: datetime, run_id: int) -> list[str]:
    """The job's unit lister: the check of the whole file, then its units (``"<import id>:<first
    row index>"``); none when the check refuses the file (its problems are kept, its bytes dropped)."""
    queued = session.scalar(select(QueuedImport).where(QueuedImport.run_id == run_id))
    if queued is None or queued.data is None:
        raise NotFound("运行 %(run)s 没有排队的文件", params={"run": run_id})
    kind = _KINDS[queued.kind]
    result = kind.check(session, queued)
    if not result.ok:
        queued.problems = {"header": result.header_errors, "error_rows": len(result.error_rows),
                           "rows": [[r.line, "；".join(r.errors)] for r in result.error_rows[:SHOWN_PROBLEMS]]}
        _drop_file(session, kind, queued, why="refused")
        return []
    if kind.check_rows is None:
        return [f"{queued.id}:0"]
    return [f"{queued.id}:{start}" for start in range(0, len(result.rows), UNIT_ROWS)]


def import_unit(session: Session, unit: str, *, now: datetime, due_at: datetime) -> dict[str, int]:
    """The job's work: check and apply one unit of the file, as the user who asked for the import."""
    import_id, start = (int(part) for part in unit.split(":"))
    queued = session.get_one(QueuedImport, import_id)
    if queued.data is None:
        raise NotFound("导入 %(id)s 的文件已不再保存", params={"id": import_id})
    kind = _KINDS[queued.kind]
    if kind.check_rows is None:
        result = kind.check(session, queued)
    else:
        result = kind.check_rows(session, queued, _rows_of(kind, queued), start, start + UNIT_ROWS)
    if not result.ok:  # the database changed since the check; the resume tries this unit again
        first = result.error_rows[0] if result.error_rows else None
        detail = f"{first.line}: {'；'.join(first.errors)}" if first else "；".join(result.header_errors)
        raise ValidationFailed("该批数据未通过检查，未导入：%(detail)s", {"rows": "invalid"}, params={"detail": detail})
    counts = kind.apply(session, result, actor=actor_of(session.get_one(User, queued.requested_by_id)), now=now)
    if _last_unit(session, queued, unit):
        _drop_file(session, kind, queued, why="imported", now=now)
    return {name: counts.get(name, 0) for name in kind.counted}


def _rows_of(kind: ImportKind, queued: QueuedImport) -> Any:
    key = (queued.id, queued.sha256)
    if key not in _parsed:
        _parsed.clear()
        _parsed[key] = kind.read(queued)
    return _parsed[key]


def _last_unit(session: Session, queued: QueuedImport, unit: str) -> bool:
    """Whether every other unit of the run is done (the bytes then go with this unit's commit)."""
    return not session.scalar(select(func.count()).select_from(JobRunUnit).where(
        JobRunUnit.run_id == queued.run_id, JobRunUnit.unit_key != unit, JobRunUnit.status != UnitStatus.DONE))


def _drop_file(session: Session, kind: ImportKind, queued: QueuedImport, *, why: str,
               now: datetime | None = None) -> None:
    """The import has ended: its file is no longer kept (hash, counts and problems stay)."""
    queued.data = None
    _parsed.pop((queued.id, queued.sha256), None)
    audit.record(session, audit.SYSTEM, "drop_file", kind.audit_type, queued.id, now=now, detail=why,
                 after={"sha256": queued.sha256, "rows": queued.rows})
    session.flush()


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


def import_progress(session: Session, kind: ImportKind, import_id: int, *, actor: audit.Actor) -> ImportProgress:
    """Where a queued import of ``kind`` stands, for its organisation only. Raises NotFound."""
    queued = session.get(QueuedImport, import_id)
    if queued is None or queued.kind != kind.name or queued.org_id != actor.org_id:
        raise NotFound("没有这个导入任务")
    run = session.get_one(JobRun, queued.run_id)
    return ImportProgress(queued.id, queued.filename, queued.rows, _state(run, queued), run.units_done or 0,
                          run.units_total, dict(run.counts or {}), queued.problems, queued.requested_at,
                          run.finished_at)


def _state(run: JobRun, queued: QueuedImport) -> str:
    if run.status == "queued":
        return "queued"
    if run.status == "running":
        return "checking" if run.units_total is None else "importing"
    if queued.problems:
        return "refused"
    return "done" if run.status == "success" else "failed"
