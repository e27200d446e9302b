"""Provider and carer rules on one record (SPEC §6): P01, P02."""
from typing import Any

from ltc.compliance.kinds import RuleCode
from ltc.compliance.facts import Carer, Finding, Provider, Visit, covering
from ltc.compliance.policy import CompliancePolicy
from ltc.compliance.rules.base import finding
from ltc.orgs.kinds import OrgStatus


def provider_rule(record: Any, provider: Provider | None, policy: CompliancePolicy) -> list[Finding]:
    """P01: the provider is not active (suspended, exited, no status), has no agreement, or the
    care type is outside its agreement, on the service date."""
    day = record.service_date
    provider = provider or Provider(record.provider_id)
    status = covering(provider.statuses, day)
    if status is None or status.status != OrgStatus.ACTIVE:
        return [finding(policy, RuleCode.P01, record, "服务日 %(day)s 护理机构不在正常状态",
                        params={"day": day.isoformat()}, evidence={"status": status.status if status else None})]
    if covering(provider.agreements, day) is None:
        return [finding(policy, RuleCode.P01, record, "服务日 %(day)s 护理机构不在协议期内",
                        params={"day": day.isoformat()})]
    care_type = record.care_type
    for period in provider.care_types:
        if period.care_type == care_type and period.valid_from <= day and (period.valid_to is None
                                                                           or day < period.valid_to):
            return []
    return [finding(policy, RuleCode.P01, record, "服务日 %(day)s 该服务形式不在护理机构的协议范围内",
                    params={"day": day.isoformat()}, evidence={"care_type": care_type})]


def carer_rule(visit: Visit, carer: Carer | None, policy: CompliancePolicy) -> list[Finding]:
    """P02: the carer is suspended, holds no valid qualification for their staff type, or their
    staff type may not deliver an item, on the service date. One finding naming every reason."""
    if visit.carer_id is None:
        return []
    day = visit.service_date
    carer = carer or Carer(visit.carer_id, "")
    reasons = []
    if covering(carer.suspensions, day) is not None:
        reasons.append(("护理人员在 %(day)s 处于暂停执业期", "suspended"))
    if not _qualified(carer, day):
        reasons.append(("护理人员在 %(day)s 没有有效的执业资格", "no_qualification"))
    items = [i.code for i in visit.items if i.staff_types and carer.staff_type not in i.staff_types]
    if items:
        reasons.append(("护理人员的人员类别不能提供项目 %(items)s", "staff_type"))
    if not reasons:
        return []
    params = {"day": day.isoformat(), "items": "、".join(items)}
    return [finding(policy, RuleCode.P02, visit, reasons[0][0], params=params,
                    evidence={"reasons": [code for _msg, code in reasons], "staff_type": carer.staff_type})]


def _qualified(carer: Carer, day) -> bool:
    """Whether a qualification for the carer's staff type covers ``day``."""
    for q in carer.qualifications:
        if q.staff_type == carer.staff_type and q.valid_from <= day and (q.valid_to is None or day < q.valid_to):
            return True
    return False
