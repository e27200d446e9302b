"""The file types accepted as an application's medical documents (SPEC §3.1, §10), pure."""
from enum import StrEnum


class DocumentType(StrEnum):
    PDF = "application/pdf"
    JPEG = "image/jpeg"
    PNG = "image/png"
