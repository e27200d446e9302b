"""The two pages of every spreadsheet import: upload → preview, then confirm → apply.

Nothing is written until the user confirms a preview without errors; the confirmation reads
the kept file again and re-checks it against the database as it is now (it may have changed
since the preview). Each import supplies its ``preview(session, data, filename, today=)``
and ``apply(session, result, actor=, now=)`` services and its templates.

An import may also supply its ``kind`` (``ltc.scheduler.imports``): a file too long to check
inside a web request is then not previewed here but queued for the scheduler process (with
``queue_options()``, what the kind needs besides the file), and the user is sent to its progress
page (``progress_endpoint``, given the queued import's ``import_id``; its view returns
``progress(import_id)``), which shows its row errors, if any, before anything is written.
"""
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ltc.auth.services import actor_of
from ltc.core.clock import local_today, utcnow
from ltc.web.uploads import PendingUploads
from ltc.extensions import db
from ltc.scheduler import imports as queued_imports


@dataclass(frozen=True)
class ImportPages:
    uploads: PendingUploads
    preview: Callable[..., Any]
    apply: Callable[..., dict[str, int]]
    upload_template: str
    preview_template: str
    upload_endpoint: str          # where to start again
    done_endpoint: str            # where to go after the import
    done_message: Callable[[dict[str, int]], str]  # the flash after the import, from its counts
    context: Callable[[], dict] = dict  # extra template values (labels …)
    done_args: Callable[[dict[str, int]], dict] = lambda counts: {}  # URL values of the page after it
    kind: queued_imports.ImportKind | None = None
    queue_options: Callable[[], dict | None] = lambda: None
    progress_endpoint: str = ""
    progress_title: Callable[[], str] = str  # the heading of the progress page

    def preview_page(self, result, confirm):
        return (render_template(self.preview_template, result=result, confirm=confirm, **self.context()),
                200 if result.ok else 400)

    def upload(self, form, confirm_form):
        """GET: the upload form; POST: the preview (the file kept for confirmation when clean)."""
        if not form.validate_on_submit():
            return render_template(self.upload_template, form=form, **self.context()), 400 if form.errors else 200
        data, filename = form.file.data.read(), form.file.data.filename or ""
        form.file.data.close()  # a large upload is spooled to a temporary file
        if self.kind is not None and queued_imports.is_large(self.kind, data):
            return self.queue_file(data, filename)
        result = self.preview(db.session, data, filename, today=local_today())
        if result.ok:
            self.uploads.keep(data, filename)
        return self.preview_page(result, confirm_form)

    def queue_file(self, data: bytes, filename: str):
        """A file too long for a request: queued for the scheduler process; its progress page."""
        queued = queued_imports.queue_import(db.session, self.kind, data, filename, actor=actor_of(current_user),
                                             now=utcnow(), options=self.queue_options())
        db.session.commit()
        flash(_("文件较大（%(rows)d 行），已交由后台检查并导入；本页显示进度和检查结果", rows=queued.rows), "info")
        return redirect(url_for(self.progress_endpoint, import_id=queued.id))

    def progress(self, import_id: int):
        """A large file's import, run by the scheduler process: its progress, or why it was refused."""
        progress = queued_imports.import_progress(db.session, self.kind, import_id, actor=actor_of(current_user))
        return render_template("imports/progress.html", progress=progress, title=self.progress_title(),
                               upload_endpoint=self.upload_endpoint, state_labels=queued_imports.STATE_LABELS,
                               running=progress.state in queued_imports.UNFINISHED)

    def confirm(self, confirm_form):
        """Apply the kept file, after checking it again."""
        pending = self.uploads.pop()
        data = self.uploads.read(pending) if confirm_form.validate_on_submit() else None
        if data is None:
            self.uploads.discard(pending)
            flash(_("没有待确认的导入文件，请重新上传"), "error")
            return redirect(url_for(self.upload_endpoint))
        result = self.preview(db.session, data, pending["filename"], today=local_today())
        if not result.ok:  # the database changed since the preview
            self.uploads.discard(pending)
            return self.preview_page(result, None)
        counts = self.apply(db.session, result, actor=actor_of(current_user), now=utcnow())
        db.session.commit()
        self.uploads.discard(pending)
        flash(self.done_message(counts), "success")
        return redirect(url_for(self.done_endpoint, **self.done_args(counts)))
