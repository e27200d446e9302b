"""Compliance rules (智能监管, SPEC §6): the rules as pure functions over facts, findings on
service records, entry-time checks and the nightly scan.

Wiring: ``wire()`` registers the findings table, the ``compliance`` policy section and the
entry-time checker of the service records (``ltc.providers.records.checks``); it is
called from ``ltc.create_app``. Its imports are local so that importing a service of this
package never loads its web layer.
"""
from flask import Flask


def wire() -> None:
    from ltc.auth.scope import add_scope_rule
    from ltc.compliance import merging, policy, scope, services, worklists
    from ltc.compliance.models import Finding
    from ltc.people.merge_hooks import add_merge_hook
    from ltc.policy.schema import register_section
    from ltc.providers.records.checks import add_findings_reader, add_record_checker
    from ltc.web.worklists import add_worklist

    register_section(policy.SECTION, policy.CompliancePolicy, policy.REF)
    add_scope_rule(Finding, scope.findings_in_scope)
    add_record_checker(services.check_record)
    add_findings_reader(services.findings_of_records)
    add_worklist(worklists.conclusions_ending)
    add_merge_hook(merging.HOOK)


def register(app: Flask) -> None:
    from ltc.compliance import views

    app.register_blueprint(views.bp)
