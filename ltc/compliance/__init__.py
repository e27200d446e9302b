"""Compliance rules (智能监管, SPEC §6): rule codes, findings on service records."""


def wire() -> None:
    from ltc.compliance import merging
    from ltc.compliance import models as _models  # noqa: F401  (the findings table)
    from ltc.people.merge_hooks import add_merge_hook

    add_merge_hook(merging.HOOK)
