"""Compliance rules (智能监管, SPEC §6): the rules as pure functions over facts, findings on
service records, entry-time checks and the nightly scan.

Wiring: ``wire()`` registers the findings table and the ``compliance`` policy section; it is
called from ``ltc.create_app``. Its imports are local so that importing a service of this
package never loads its web layer.
"""


def wire() -> None:
    from ltc.compliance import models as _models  # noqa: F401  (the findings table)
    from ltc.compliance import policy
    from ltc.policy.schema import register_section

    register_section(policy.SECTION, policy.CompliancePolicy, policy.REF)
