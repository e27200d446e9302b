"""What every rule module shares: building a finding with its severity from the policy."""
from collections.abc import Mapping
from typing import Any

from ltc.compliance.kinds import RuleCode
from ltc.compliance.facts import Finding
from ltc.compliance.policy import CompliancePolicy


def finding(policy: CompliancePolicy, rule: RuleCode, record: Any, message: str, *,
            params: Mapping[str, Any] | None = None, evidence: Mapping[str, Any] | None = None,
            minutes_over: int | None = None) -> Finding:
    """A finding of ``rule`` on ``record`` (a Visit or a BedDay), with the rule's severity under
    ``policy``; ``params`` fill the message's placeholders and are kept with the evidence."""
    params = dict(params or {})
    return Finding(rule=rule, severity=getattr(policy, rule.value).severity, record=record.ref,
                   service_date=record.service_date, person_id=record.beneficiary_id, message=message, params=params,
                   evidence={**params, **(evidence or {})}, provider_id=record.provider_id,
                   carer_id=getattr(record, "carer_id", None), minutes_over=minutes_over)
