"""care-plan revisions after the grant: dated plan versions, weekdays, the plan_revision case type

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 12:00:00

SPEC §4.2 / §5.3 (revised, issue 8 point 14):

- a plan version belongs to an entitlement (``entitlement_id``) and a final version is in force
  from ``effective_from``; a version saved after the grant records the date the provider asked
  for (``requested_from``) and is ``pending`` while its revision case runs, then ``final``,
  ``rejected`` or ``replaced``. Existing final versions get the entitlement granted with them and
  its start (the earliest such entitlement that is not void); drafts are left as they were;
- a weekly visit type may name its usual weekdays (``weekdays``, ISO numbers, e.g. "135");
- every policy version (published, draft or retired) without a case type ``plan_revision`` gets
  REF's (the city's other case types and edits are kept; a version that already has one is left
  alone). Definitions frozen on cases are untouched.

A downgrade removes the case type this revision added where it is still REF's, turns versions
that never took effect (pending, rejected, replaced) back into drafts, and drops the columns.
"""
import copy

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

STATUSES_BEFORE = "('draft', 'final')"
STATUSES_AFTER = "('draft', 'final', 'pending', 'rejected', 'replaced')"
#: REF's plan-revision case type, frozen here
PLAN_REVISION = {
    "code": "plan_revision", "label": "护理计划变更审核", "subject": "care_plan_revision",
    "steps": [
        {"code": "provider", "label": "护理机构提交", "owner": "subject_provider", "decisions": ["approve"],
         "sla": "working_days:3", "return_to": [], "precondition": "revised_plan", "roles": ["operator"]},
        {"code": "insurer", "label": "商保公司审核", "owner": "district_insurer",
         "decisions": ["approve", "return", "reject"], "sla": "working_days:3", "return_to": ["provider"],
         "precondition": "revised_plan", "roles": ["reviewer"]},
    ],
    "reasons": [
        {"code": "PLAN", "label": "护理计划需修改", "decisions": ["return"], "steps": ["insurer"]},
        {"code": "CAPS", "label": "超出失能等级的待遇上限", "decisions": ["return", "reject"], "steps": ["insurer"]},
        {"code": "NO_NEED", "label": "护理需求无变化，无需变更", "decisions": ["reject"], "steps": ["insurer"]},
    ],
}

VERSIONS = sa.table("policy_versions", sa.column("id", sa.Integer), sa.column("sections", sa.JSON))
PLANS = sa.table("care_plans", sa.column("id", sa.Integer), sa.column("status", sa.String),
                 sa.column("entitlement_id", sa.Integer), sa.column("effective_from", sa.Date))
ENTITLEMENTS = sa.table("entitlements", sa.column("id", sa.Integer), sa.column("care_plan_id", sa.Integer),
                        sa.column("valid_from", sa.Date), sa.column("status", sa.String))


def _schema_up():
    with op.batch_alter_table('care_plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('entitlement_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('requested_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('effective_from', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_care_plans_entitlement_id'), ['entitlement_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_care_plans_entitlement_id_entitlements'), 'entitlements',
                                    ['entitlement_id'], ['id'])
        batch_op.drop_constraint(op.f('ck_care_plans_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_care_plans_status'), f"status IN {STATUSES_AFTER}")
    with op.batch_alter_table('care_plan_visit_types', schema=None) as batch_op:
        batch_op.add_column(sa.Column('weekdays', sa.String(length=7), nullable=True))
        batch_op.create_check_constraint(op.f('ck_care_plan_visit_types_weekdays'),
                                         "weekdays IS NULL OR weekdays <> ''")


def _date_final_plans(bind):
    granted = bind.execute(sa.select(ENTITLEMENTS.c.care_plan_id, ENTITLEMENTS.c.id, ENTITLEMENTS.c.valid_from)
                           .where(ENTITLEMENTS.c.care_plan_id.is_not(None), ENTITLEMENTS.c.status != 'void')
                           .order_by(ENTITLEMENTS.c.valid_from.desc(), ENTITLEMENTS.c.id.desc())).all()
    first = {row.care_plan_id: row for row in granted}  # the earliest one wins
    for plan_id, row in first.items():
        bind.execute(PLANS.update().where(PLANS.c.id == plan_id, PLANS.c.status == 'final')
                     .values(entitlement_id=row.id, effective_from=row.valid_from))


def _add_case_type(bind):
    for row in bind.execute(sa.select(VERSIONS.c.id, VERSIONS.c.sections)).all():
        sections = copy.deepcopy(dict(row.sections or {}))
        reviews = sections.get("reviews")
        if not isinstance(reviews, dict):
            continue
        case_types = reviews.setdefault("case_types", [])
        if any(isinstance(c, dict) and c.get("code") == PLAN_REVISION["code"] for c in case_types):
            continue
        case_types.append(copy.deepcopy(PLAN_REVISION))
        bind.execute(VERSIONS.update().where(VERSIONS.c.id == row.id).values(sections=sections))


def upgrade():
    _schema_up()
    bind = op.get_bind()
    _date_final_plans(bind)
    _add_case_type(bind)


def downgrade():
    bind = op.get_bind()
    for row in bind.execute(sa.select(VERSIONS.c.id, VERSIONS.c.sections)).all():
        sections = copy.deepcopy(dict(row.sections or {}))
        reviews = sections.get("reviews")
        if isinstance(reviews, dict) and PLAN_REVISION in (reviews.get("case_types") or []):
            reviews["case_types"] = [c for c in reviews["case_types"] if c != PLAN_REVISION]
            bind.execute(VERSIONS.update().where(VERSIONS.c.id == row.id).values(sections=sections))
    bind.execute(PLANS.update().where(PLANS.c.status.in_(('pending', 'rejected', 'replaced')))
                 .values(status='draft'))
    with op.batch_alter_table('care_plan_visit_types', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_care_plan_visit_types_weekdays'), type_='check')
        batch_op.drop_column('weekdays')
    with op.batch_alter_table('care_plans', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_care_plans_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_care_plans_status'), f"status IN {STATUSES_BEFORE}")
        batch_op.drop_constraint(batch_op.f('fk_care_plans_entitlement_id_entitlements'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_care_plans_entitlement_id'))
        batch_op.drop_column('effective_from')
        batch_op.drop_column('requested_from')
        batch_op.drop_column('entitlement_id')
