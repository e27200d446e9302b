"""Numbered official notices (SPEC §3.1, §4.2): pure documents, WeasyPrint PDFs, storage, download."""
