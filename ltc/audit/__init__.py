"""The audit log pages (SPEC §10): filters, export, masking; the log itself is ``ltc.core.audit``."""
