"""Compliance rules (智能监管, SPEC §6): rule codes, findings on service records."""


def wire() -> None:
    from ltc.compliance import models as _models  # noqa: F401  (the findings table)
