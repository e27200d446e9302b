"""Numbered official notices (SPEC §3.1, §4.2): pure documents, numbering (pending), the PDF
rendered after commit (WeasyPrint) with its retry job, storage, download."""
