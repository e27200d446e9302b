"""The trial's answer (issue 11 point 2) as JSON: rate rows as lines, the allowance, the findings
with their explanation in the request's language and a JSON pointer to the record in the body."""
from decimal import Decimal

from flask_babel import gettext

from ltc.billing.pricing import RateRow
from ltc.billing.trial.scenario import NOT_EVALUATED, TrialResult
from ltc.compliance.facts import Finding

#: where a finding's record is in the body (the scenario numbers records from 1 in body order)
POINTERS = {"visit": "/visits/{index}", "stay": "/stays/{index}", "package": "/visits"}


def line_json(row: RateRow) -> dict:
    return {"care_type": row.care_type, "from": row.start.isoformat(), "to": row.end.isoformat(),
            "rate": str(row.rate), "unit": row.unit.value, "payable_units": row.payable_units,
            "held": dict(row.held), "rejected": dict(row.rejected), "billable": str(row.billable),
            "ratio": str(row.ratio), "fund": str(row.fund), "copay": str(row.copay)}


def explanation(finding: Finding) -> str:
    params = {k: gettext(v) if isinstance(v, str) and v else v for k, v in finding.params.items()}
    return gettext(finding.message, **params)


def finding_json(finding: Finding) -> dict:
    pointer = POINTERS[finding.record.kind].format(index=finding.record.id - 1)
    return {"rule": finding.rule.value, "severity": finding.severity.value,
            "date": finding.service_date.isoformat(), "record": pointer, "explanation": explanation(finding)}


def answer_json(result: TrialResult) -> dict:
    """The answer: one line per rate row, the allowance (null without family care), the findings in
    date and rule order, and the rules not evaluated."""
    allowances = result.pricing.allowances
    allowance = None
    if allowances:
        excluded: dict[str, int] = {}
        for a in allowances:
            for rule, days in a.excluded.items():
                excluded[rule] = excluded.get(rule, 0) + days
        allowance = {"days": sum(a.days for a in allowances), "excluded": excluded,
                     "amount": str(sum((a.amount for a in allowances), Decimal("0.00")))}
    findings = sorted(result.findings, key=lambda f: (f.service_date, f.rule.value, f.record.kind, f.record.id))
    return {"lines": [line_json(row) for row in result.pricing.rows], "allowance": allowance,
            "findings": [finding_json(f) for f in findings], "not_evaluated": list(NOT_EVALUATED)}
