"""the MIA returns to any earlier step; reason codes scoped by step; four new REF reason codes

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 09:30:00

Data only (SPEC §4.1, revised). In every policy version (published, draft or retired), the
REF entitlement review (case type ``entitlement`` on ``entitlement_request``) gets what REF now
has and the version lacks, keeping the city's own edits — nothing is removed or rewritten:

- a step owned by the MIA that allows ``return`` may return to every earlier step (its current
  target stays among them);
- a REF reason code without ``steps`` is scoped to REF's steps when that changes nothing: only
  when every step it can serve now (a step allowing one of its decisions) is one of them;
- the new REF codes ``NOT_FINAL``, ``OTHER_BENEFIT``, ``SERVICE_AREA``, ``PERSON_WITHDREW`` are
  added when the version has no code of that name, scoped to the REF steps it has that allow
  one of their decisions.

Other case types and the definitions frozen on cases are left as they are: a step naming one
target (a string) and reasons without ``steps`` load as before. A downgrade gives every version
and every frozen definition the 0010 shape: one target per step (of several, the nearest —
where a return went by default), no ``steps`` on reasons, and without the four codes this
revision added.
"""
import copy

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

CASE_TYPE = ("entitlement", "entitlement_request")
_CHECKERS = ["agency", "insurer", "mia"]
_DECIDERS = ["insurer", "mia"]
#: REF's steps for the reason codes REF had before this revision, frozen here
REF_REASON_STEPS = {
    "DOCS": _CHECKERS, "PLAN": _CHECKERS, "FACTS": _CHECKERS, "CAPACITY": ["provider"], "SCOPE": ["provider"],
    "PERSON_CHOICE": ["provider"], "INSURANCE": _DECIDERS, "DUPLICATE": _DECIDERS, "LEVEL": _DECIDERS,
}
#: the REF reason codes added by this revision, frozen here
NEW_REASONS = [
    {"code": "NOT_FINAL", "label": "评估结论尚未生效（公示期未满或异议未决）", "decisions": ["return"], "steps": _CHECKERS},
    {"code": "OTHER_BENEFIT", "label": "已享受其他护理类待遇（工伤保险生活护理费、残疾人护理补贴、特困供养护理）",
     "decisions": ["reject"], "steps": _DECIDERS},
    {"code": "SERVICE_AREA", "label": "参保人居住地不在本机构服务范围内", "decisions": ["decline"], "steps": ["provider"]},
    {"code": "PERSON_WITHDREW", "label": "参保人撤回申请", "decisions": ["decline", "reject"],
     "steps": ["provider", *_DECIDERS]},
]

VERSIONS = sa.table("policy_versions", sa.column("id", sa.Integer), sa.column("sections", sa.JSON))
CASES = sa.table("review_cases", sa.column("id", sa.Integer), sa.column("definition", sa.JSON))


def _targets(value) -> list:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _serving(reason: dict, steps: list[dict]) -> list[str]:
    """The codes of the steps allowing one of the reason's decisions, in step order."""
    decisions = set(reason.get("decisions") or [])
    return [s["code"] for s in steps if decisions & set(s.get("decisions") or [])]


def _add_ref(ctype: dict) -> None:
    steps = ctype.get("steps") or []
    codes = [s["code"] for s in steps]
    for i, step in enumerate(steps):
        if step.get("owner") == "mia" and "return" in (step.get("decisions") or []):
            step["return_to"] = codes[:i]  # every earlier step: the one it named is among them
    reasons = ctype.setdefault("reasons", [])
    for reason in reasons:
        ref_steps = REF_REASON_STEPS.get(reason.get("code"))
        serving = _serving(reason, steps)
        if "steps" not in reason and ref_steps and serving and set(serving) <= set(ref_steps):
            reason["steps"] = serving
    present = {r.get("code") for r in reasons}
    for new in NEW_REASONS:
        scoped = [c for c in _serving(new, steps) if c in new["steps"]]
        if new["code"] not in present and scoped:
            reasons.append({**new, "steps": scoped})


def _is_ref(ctype) -> bool:
    return isinstance(ctype, dict) and (ctype.get("code"), ctype.get("subject")) == CASE_TYPE


def upgrade():
    bind = op.get_bind()
    for row in bind.execute(sa.select(VERSIONS.c.id, VERSIONS.c.sections)).all():
        sections = copy.deepcopy(dict(row.sections or {}))
        for ctype in (sections.get("reviews") or {}).get("case_types") or []:
            if _is_ref(ctype):
                _add_ref(ctype)
        if sections != row.sections:
            bind.execute(VERSIONS.update().where(VERSIONS.c.id == row.id).values(sections=sections))


def _to_0010(ctype: dict, *, drop_added: bool) -> None:
    for step in ctype.get("steps") or []:
        targets = _targets(step.get("return_to"))
        step["return_to"] = targets[-1] if targets else None
    added = [{k: v for k, v in r.items() if k != "steps"} for r in NEW_REASONS]
    reasons = [{k: v for k, v in r.items() if k != "steps"} for r in ctype.get("reasons") or []]
    ctype["reasons"] = [r for r in reasons if not (drop_added and r in added)]


def downgrade():
    bind = op.get_bind()
    for row in bind.execute(sa.select(VERSIONS.c.id, VERSIONS.c.sections)).all():
        sections = copy.deepcopy(dict(row.sections or {}))
        for ctype in (sections.get("reviews") or {}).get("case_types") or []:
            _to_0010(ctype, drop_added=_is_ref(ctype))
        if sections != row.sections:
            bind.execute(VERSIONS.update().where(VERSIONS.c.id == row.id).values(sections=sections))
    for row in bind.execute(sa.select(CASES.c.id, CASES.c.definition)).all():
        definition = copy.deepcopy(row.definition)
        if isinstance(definition, dict) and definition.get("steps"):
            _to_0010(definition, drop_added=False)
            if definition != row.definition:
                bind.execute(CASES.update().where(CASES.c.id == row.id).values(definition=definition))
