"""Application numbers typed in a search box (pure: no Flask, no database)."""
import re
import unicodedata

#: ``SQ-2026-000042`` as ``notifying.application_no`` writes it; hyphens and blanks optional
_NUMBER = re.compile(r"SQ-?(\d{4})-?(\d{1,12})")


def application_id_of(text: str | None) -> int | None:
    """The application id an ``SQ-`` number names (any case, full-width characters allowed), or
    None when ``text`` is not one."""
    typed = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).upper()
    match = _NUMBER.fullmatch(typed)
    return int(match.group(2)) if match and match.group(2).isascii() else None
