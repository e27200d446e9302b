"""conclusions store their objection deadline and final date; coded reschedule reasons; lower conclusions

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 09:40:00

SPEC §3.1 (revised): the conclusion date is the second expert's confirmation day, and each
conclusion stores the last day it may be objected to (``objection_until``, printed on the
conclusion notice) and the day it became final (``final_on``), computed, never the day a job ran.
Existing rows are filled from their dates:

- publicized or objected applications (confirmed, not yet concluded under the old rules) get
  their conclusion date (the confirmation day) and validity, and ``objection_until`` = the end
  of publicity;
- a concluded 复评, and a parent it concluded (or whose objection was withdrawn), is final on its
  stored conclusion date (the old rules concluded both on that day);
- a concluded application that was publicized is final the day after its publicity ended;
- a concluded application below the threshold gets its objection window (working days of the
  calendar) and is final the day after it ends when that day has come; otherwise the daily job
  records it on that day.

Also: the coded reason of a reschedule beyond the scheduling window, the end reason
``reassessed`` of entitlements ended by a lower conclusion (SPEC §4.2), and the policy parameter
``review_visit_working_days`` (复评 SLA to its visit; REF 10) in every stored policy version.
"""
from datetime import date, timedelta

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

APPS = sa.table("applications", sa.column("id", sa.Integer), sa.column("kind", sa.String),
                sa.column("status", sa.String), sa.column("parent_id", sa.Integer),
                sa.column("confirmed_on", sa.Date), sa.column("publicity_end", sa.Date),
                sa.column("concluded_on", sa.Date), sa.column("valid_from", sa.Date), sa.column("valid_to", sa.Date),
                sa.column("objection_until", sa.Date), sa.column("final_on", sa.Date))
VERSIONS = sa.table("policy_versions", sa.column("id", sa.Integer), sa.column("status", sa.String),
                    sa.column("effective_from", sa.Date), sa.column("effective_to", sa.Date),
                    sa.column("sections", sa.JSON))
NEW_PARAMS = {"review_visit_working_days": 10}
REF_ASSESSMENT = {"objection_working_days": 5, "validity_months": 24}
END_REASONS_BEFORE = "('expiry', 'death', 'change', 'transfer')"
END_REASONS_AFTER = "('expiry', 'death', 'change', 'transfer', 'reassessed')"
RESCHEDULE_CODES = "('hospitalised', 'not_at_home', 'family_request', 'other')"


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reschedule_code', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('reschedule_note', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('objection_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('final_on', sa.Date(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_applications_reschedule_code'), f"reschedule_code IS NULL OR reschedule_code IN {RESCHEDULE_CODES}")
    _end_reasons(END_REASONS_AFTER)
    _add_params()
    _fill_dates()


def _end_reasons(values: str) -> None:
    with op.batch_alter_table('entitlements', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_entitlements_end_reason'), type_='check')
        batch_op.create_check_constraint(op.f('ck_entitlements_end_reason'),
                                         f"end_reason IS NULL OR end_reason IN {values}")
    with op.batch_alter_table('entitlement_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_entitlement_events_reason'), type_='check')
        batch_op.create_check_constraint(op.f('ck_entitlement_events_reason'), f"reason IN {values}")
        batch_op.drop_constraint(op.f('ck_entitlement_events_end_reason_before'), type_='check')
        batch_op.create_check_constraint(op.f('ck_entitlement_events_end_reason_before'),
                                         f"end_reason_before IS NULL OR end_reason_before IN {values}")


def _add_params() -> None:
    bind = op.get_bind()
    for row in bind.execute(sa.select(VERSIONS.c.id, VERSIONS.c.sections)).all():
        sections = dict(row.sections or {})
        assessment = sections.get("assessment")
        if assessment is None or all(name in assessment for name in NEW_PARAMS):
            continue
        sections["assessment"] = {**NEW_PARAMS, **assessment}
        bind.execute(VERSIONS.update().where(VERSIONS.c.id == row.id).values(sections=sections))


def _assessment_params(bind):
    """``day -> the assessment section in force`` (published versions; REF values where none is)."""
    versions = bind.execute(sa.select(VERSIONS.c.effective_from, VERSIONS.c.effective_to, VERSIONS.c.sections)
                            .where(VERSIONS.c.status != 'draft', VERSIONS.c.effective_from.is_not(None))).all()

    def on(day: date) -> dict:
        for v in versions:
            if v.effective_from <= day and (v.effective_to is None or day < v.effective_to):
                return {**REF_ASSESSMENT, **((v.sections or {}).get("assessment") or {})}
        return REF_ASSESSMENT
    return on


def _fill_dates() -> None:
    from sqlalchemy.orm import Session

    from ltc.core.calendar import add_working_days
    from ltc.core.clock import local_today, utcnow
    from ltc.core.months import add_months

    bind = op.get_bind()
    params = _assessment_params(bind)
    rows = bind.execute(sa.select(APPS)).all()
    reviewed = {r.parent_id for r in rows if r.kind == 'review'}
    today = local_today(utcnow())
    session = Session(bind=bind)
    for r in rows:
        values = {}
        if r.status in ('publicized', 'objected') and r.concluded_on is None and r.confirmed_on is not None:
            day = r.confirmed_on
            values = {"concluded_on": day, "valid_from": day,
                      "valid_to": add_months(day, params(day)["validity_months"]), "objection_until": r.publicity_end}
        elif r.status == 'concluded' and r.concluded_on is not None:
            if r.kind == 'review' or r.id in reviewed:
                values = {"final_on": r.concluded_on}
            elif r.publicity_end is not None:
                values = {"objection_until": r.publicity_end, "final_on": r.publicity_end + timedelta(days=1)}
            else:
                last = add_working_days(session, r.concluded_on, params(r.concluded_on)["objection_working_days"])
                final = last + timedelta(days=1)
                values = {"objection_until": last, "final_on": final if final <= today else None}
        if values:
            bind.execute(APPS.update().where(APPS.c.id == r.id).values(**values))
    session.close()


def downgrade():
    bind = op.get_bind()
    if bind.scalar(sa.text("SELECT count(*) FROM entitlements WHERE end_reason = 'reassessed'")):
        raise RuntimeError("entitlements ended by a lower conclusion cannot be described before 0016")
    for row in bind.execute(sa.select(VERSIONS.c.id, VERSIONS.c.sections)).all():
        assessment = (row.sections or {}).get("assessment")
        if assessment and any(name in assessment for name in NEW_PARAMS):
            sections = {**row.sections,
                        "assessment": {k: v for k, v in assessment.items() if k not in NEW_PARAMS}}
            bind.execute(VERSIONS.update().where(VERSIONS.c.id == row.id).values(sections=sections))
    _end_reasons(END_REASONS_BEFORE)
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_applications_reschedule_code'), type_='check')
        batch_op.drop_column('final_on')
        batch_op.drop_column('objection_until')
        batch_op.drop_column('reschedule_note')
        batch_op.drop_column('reschedule_code')
