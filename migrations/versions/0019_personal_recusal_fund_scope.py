"""personal recusal declarations; refusal code outside_fund_scope

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 12:00:00

SPEC §3.1 (issue 8 point 13):

- each on-site assessor makes the recusal declaration personally, after the agency admin named
  them: ``assessment_assessors.recusal_text`` and ``declared_at`` become nullable (empty until
  the assessor declares) and are filled or empty together. Existing rows keep their text and
  time as they are.
- the refusal code ``outside_fund_scope`` (the care is not payable by the fund, e.g. 工伤 or
  third-party liability) joins the CHECK constraint of ``applications.refusal_code``.

A downgrade refuses while an application is refused with ``outside_fund_scope`` (the old schema
cannot describe it), and marks an undeclared assessor row with an empty text at the time its
visit was booked (the old schema needs both), so no row is lost.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

CODES_BEFORE = ("('not_insured', 'conditions_not_met', 'self_assessment_below_e', "
                "'incomplete_or_false_materials', 'too_soon', 'in_progress', 'other')")
CODES_AFTER = ("('not_insured', 'conditions_not_met', 'self_assessment_below_e', "
               "'incomplete_or_false_materials', 'too_soon', 'in_progress', 'outside_fund_scope', 'other')")
DECLARATION = "(recusal_text IS NULL) = (declared_at IS NULL)"


def _refusal_codes(values: str) -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_applications_refusal_code'), type_='check')
        batch_op.create_check_constraint(op.f('ck_applications_refusal_code'),
                                         f"refusal_code IS NULL OR refusal_code IN {values}")


def upgrade():
    with op.batch_alter_table('assessment_assessors', schema=None) as batch_op:
        batch_op.alter_column('recusal_text', existing_type=sa.String(length=500), nullable=True)
        batch_op.alter_column('declared_at', existing_type=sa.DateTime(timezone=True), nullable=True)
        batch_op.create_check_constraint(op.f('ck_assessment_assessors_declaration'), DECLARATION)
    _refusal_codes(CODES_AFTER)


def downgrade():
    bind = op.get_bind()
    if bind.scalar(sa.text("SELECT count(*) FROM applications WHERE refusal_code = 'outside_fund_scope'")):
        raise RuntimeError("applications refused as outside_fund_scope cannot be described before 0019")
    _refusal_codes(CODES_BEFORE)
    bind.execute(sa.text(
        "UPDATE assessment_assessors SET recusal_text = '', declared_at = (SELECT v.scheduled_at FROM "
        "assessment_visits v WHERE v.id = assessment_assessors.visit_id) WHERE declared_at IS NULL"))
    with op.batch_alter_table('assessment_assessors', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_assessment_assessors_declaration'), type_='check')
        batch_op.alter_column('declared_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.alter_column('recusal_text', existing_type=sa.String(length=500), nullable=False)
