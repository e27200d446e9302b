"""Uploaded files kept between a preview and its confirmation.

The file lives under ``instance/uploads`` (outside the web root); only a random token and the
original file name go into the signed session cookie.
"""
import re
import secrets
from pathlib import Path

from flask import current_app
from flask import session as web_session

TOKEN = re.compile(r"[0-9a-f]{32}")


class PendingUploads:
    def __init__(self, kind: str):
        self.kind = kind
        self.key = f"{kind}_import"

    def _path(self, token: str) -> Path:
        return Path(current_app.instance_path) / "uploads" / f"{self.kind}-import-{token}"

    def keep(self, data: bytes, filename: str) -> None:
        """Keep the file until confirmation, replacing an earlier pending one."""
        self.discard(self.pop())
        token = secrets.token_hex(16)
        path = self._path(token)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.write_bytes(data)
        web_session[self.key] = {"token": token, "filename": filename}

    def pop(self) -> dict | None:
        return web_session.pop(self.key, None)

    def read(self, pending: dict | None) -> bytes | None:
        if not pending or not TOKEN.fullmatch(str(pending.get("token", ""))):
            return None
        path = self._path(pending["token"])
        return path.read_bytes() if path.is_file() else None

    def discard(self, pending: dict | None) -> None:
        if pending and TOKEN.fullmatch(str(pending.get("token", ""))):
            self._path(pending["token"]).unlink(missing_ok=True)
