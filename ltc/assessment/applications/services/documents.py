"""Medical documents uploaded with an application (SPEC §3.1, §10).

PDF, JPEG and PNG only, recognised by their first bytes (never by the name or the declared
type), at most 10 MB each. Files are stored under ``instance/documents/`` — outside the web
root — named by their SHA-256, so storing the same file twice is harmless and a rolled-back
request leaves at most an unreferenced file. They are served only to users who can see the
application, and every download is written to the audit log.
"""
import hashlib
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePath

from sqlalchemy.orm import Session

from ltc.assessment.applications.models import ApplicationDocument
from ltc.assessment.applications.document_types import DocumentType
from ltc.assessment.applications.services.transitions import ENTITY, load
from ltc.auth.models import User
from ltc.auth.permissions import Action, can
from ltc.auth.services import actor_of
from ltc.core import audit
from ltc.core.errors import NotFound, ValidationFailed

MAX_BYTES = 10 * 1024 * 1024
#: leading bytes → (content type, file suffix)
SIGNATURES = (
    (b"%PDF-", DocumentType.PDF.value, ".pdf"),
    (b"\xff\xd8\xff", DocumentType.JPEG.value, ".jpg"),
    (b"\x89PNG\r\n\x1a\n", DocumentType.PNG.value, ".png"),
)
NAME_MAX = 200


@dataclass(frozen=True)
class StoredDocument:
    """A stored file, ready to be attached to an application."""

    file_name: str
    content_type: str
    size: int
    sha256: str
    storage_path: str


def sniff(data: bytes) -> tuple[str, str] | None:
    """(content type, suffix) of a PDF / JPEG / PNG recognised by its content, else None."""
    for magic, content_type, suffix in SIGNATURES:
        if data.startswith(magic):
            return content_type, suffix
    return None


def clean_file_name(filename: str) -> str:
    """The last path component, without control characters, at most 200 characters."""
    name = PurePath((filename or "").replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if len(name) > NAME_MAX:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[:NAME_MAX - len(suffix) - 1] + dot + suffix) if dot and len(suffix) < 10 else name[:NAME_MAX]
    return name or "document"


def check_document(data: bytes, filename: str) -> tuple[str, str]:
    """(content type, suffix) of an acceptable upload. Raises ValidationFailed (field ``documents``)
    for an empty file, a file over 10 MB, or content that is not PDF, JPEG or PNG."""
    label = clean_file_name(filename)
    if not data:
        raise ValidationFailed("文件“%(label)s”为空", {"documents": "empty file"}, params={"label": label})
    if len(data) > MAX_BYTES:
        raise ValidationFailed("文件“%(label)s”超过 10 MB（%(size)s MB）", {"documents": "larger than 10 MB"},
                               params={"label": label, "size": f"{len(data) / 1024 / 1024:.1f}"})
    kind = sniff(data)
    if kind is None:
        raise ValidationFailed("文件“%(label)s”不是 PDF、JPG 或 PNG 格式（按文件内容判断）",
                               {"documents": "only PDF, JPG or PNG content is accepted"}, params={"label": label})
    return kind


def documents_root() -> Path:
    """``DOCUMENTS_FOLDER`` from the configuration, else ``<instance>/documents``."""
    from flask import current_app

    folder = current_app.config.get("DOCUMENTS_FOLDER") or os.path.join(current_app.instance_path, "documents")
    return Path(folder)


def store_document(data: bytes, filename: str, *, root: Path | None = None) -> StoredDocument:
    """Check and store an upload under ``root`` (default ``documents_root()``). Raises
    ValidationFailed as ``check_document``; nothing is written for a refused file."""
    content_type, suffix = check_document(data, filename)
    digest = hashlib.sha256(data).hexdigest()
    relative = f"{digest[:2]}/{digest}{suffix}"
    target = (root or documents_root()) / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o640)
        os.replace(temporary, target)
    return StoredDocument(file_name=clean_file_name(filename), content_type=content_type, size=len(data),
                          sha256=digest, storage_path=relative)


def document_row(stored: StoredDocument, *, application_id: int, user_id: int | None,
                 now: datetime) -> ApplicationDocument:
    return ApplicationDocument(application_id=application_id, file_name=stored.file_name,
                               content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
                               storage_path=stored.storage_path, uploaded_at=now, uploaded_by=user_id)


def open_document(session: Session, user: User, document_id: int, *, now: datetime,
                  root: Path | None = None) -> tuple[ApplicationDocument, Path]:
    """The document and its file, for a user who may see its application (carers may not).
    The download is audited. Raises NotFound (also for a missing file)."""
    doc = session.get(ApplicationDocument, document_id)
    if doc is None or not can(user, Action.ROSTER_VIEW):
        raise NotFound("文件不存在或无权访问")
    load(session, doc.application_id, user)
    path = (root or documents_root()) / doc.storage_path
    if not path.is_file():
        raise NotFound("文件不存在或无权访问")
    audit.record(session, actor_of(user), "view_document", ENTITY, doc.application_id, now=now,
                 detail=f"document {doc.id} {doc.file_name}")
    return doc, path
