"""migrated conclusions are stored as conclusions; every entitlement links its conclusion

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 12:00:00

SPEC §4.2 (revised): a conclusion imported at go-live is stored as a conclusion, so the expiry
reassessment and the 6-month rule apply to it. Applications gain the kind ``migrated`` (concluded
and final on import). Each migrated entitlement that carried its conclusion only in its own
columns (``conclusion_level``, ``conclusion_date``, ``conclusion_valid_to``, kept as they are)
gets a stored migrated conclusion with those values — one per person and distinct conclusion,
with the care type and provider of its earliest entitlement as the preference, the person as the
contact, filed by whoever imported the entitlement, and an event ``migrate`` — and points to it.
Then ``entitlements.application_id`` is required (the CHECK that let migrated rows omit it goes).

The reassessment lead time (``assessment.reassessment_days_before_expiry``) is 90 days in REF
(SPEC §3.1, §9); REF was seeded with 60. Every stored version (draft, published or retired) still
holding the old REF value 60 gets 90 — it only moves the daily job's future runs — and a city's
own other value is kept. A downgrade gives the versions holding 90 the old REF value 60 back (it
cannot tell a city's own 90 from REF's).

A downgrade removes the migrated conclusions again, unless something else already refers to one
(a reassessment opened from it, an entitlement request): then it refuses, as that cannot be
described before 0017.
"""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

KINDS_BEFORE = "('initial', 'review', 'reassessment')"
KINDS_AFTER = "('initial', 'review', 'reassessment', 'migrated')"
REASON = "由迁移 0017 从上线迁移待遇的结论字段生成"
LOCAL = ZoneInfo("Asia/Shanghai")

APPS = sa.table(
    "applications", sa.column("id", sa.Integer), sa.column("person_id", sa.Integer), sa.column("kind", sa.String),
    sa.column("status", sa.String), sa.column("applicant_name", sa.String), sa.column("applicant_relation", sa.String),
    sa.column("applicant_phone", sa.String), sa.column("declared_disability_6m", sa.Boolean),
    sa.column("preferred_care_type", sa.String), sa.column("preferred_provider_id", sa.Integer),
    sa.column("filed_by_user_id", sa.Integer), sa.column("filed_by_org_id", sa.Integer),
    sa.column("submitted_at", sa.DateTime(timezone=True)), sa.column("submitted_on", sa.Date),
    sa.column("concluded_on", sa.Date), sa.column("final_on", sa.Date), sa.column("level", sa.Integer),
    sa.column("valid_from", sa.Date), sa.column("valid_to", sa.Date), sa.column("paused_days", sa.Integer),
    sa.column("version", sa.Integer), sa.column("previous_id", sa.Integer))
EVENTS = sa.table(
    "application_events", sa.column("application_id", sa.Integer), sa.column("from_status", sa.String),
    sa.column("to_status", sa.String), sa.column("action", sa.String), sa.column("actor_user_id", sa.Integer),
    sa.column("actor_org_id", sa.Integer), sa.column("at", sa.DateTime(timezone=True)),
    sa.column("reason", sa.String), sa.column("data", sa.JSON))
ENTITLEMENTS = sa.table(
    "entitlements", sa.column("id", sa.Integer), sa.column("person_id", sa.Integer),
    sa.column("application_id", sa.Integer), sa.column("conclusion_level", sa.Integer),
    sa.column("conclusion_date", sa.Date), sa.column("conclusion_valid_to", sa.Date),
    sa.column("care_type", sa.String), sa.column("provider_id", sa.Integer), sa.column("valid_from", sa.Date),
    sa.column("created_at", sa.DateTime(timezone=True)), sa.column("created_by_id", sa.Integer))
PERSONS = sa.table("insured_persons", sa.column("id", sa.Integer), sa.column("name", sa.String),
                   sa.column("phone", sa.String))
USERS = sa.table("users", sa.column("id", sa.Integer), sa.column("org_id", sa.Integer))
VERSIONS = sa.table("policy_versions", sa.column("id", sa.Integer), sa.column("sections", sa.JSON))
LEAD, OLD_REF_LEAD, REF_LEAD = "reassessment_days_before_expiry", 60, 90


def upgrade():
    _kinds(KINDS_AFTER)
    _store_conclusions()
    _ref_lead_time()
    with op.batch_alter_table('entitlements', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_entitlements_review_has_conclusion'), type_='check')
        batch_op.alter_column('application_id', existing_type=sa.Integer(), nullable=False)


def _kinds(values: str) -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_applications_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_applications_kind'), f"kind IN {values}")


def _ref_lead_time(before: int = OLD_REF_LEAD, after: int = REF_LEAD) -> None:
    bind = op.get_bind()
    for row in bind.execute(sa.select(VERSIONS.c.id, VERSIONS.c.sections)).all():
        sections = row.sections or {}
        assessment = sections.get("assessment") or {}
        if assessment.get(LEAD) == before:
            bind.execute(VERSIONS.update().where(VERSIONS.c.id == row.id).values(
                sections={**sections, "assessment": {**assessment, LEAD: after}}))


def _aware(value) -> datetime:
    if isinstance(value, str):   # SQLite without the app's type decorator
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _store_conclusions() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(ENTITLEMENTS).where(ENTITLEMENTS.c.application_id.is_(None))
                        .order_by(ENTITLEMENTS.c.person_id, ENTITLEMENTS.c.valid_from, ENTITLEMENTS.c.id)).all()
    persons = {p.id: p for p in bind.execute(sa.select(PERSONS)).all()}
    orgs = dict(bind.execute(sa.select(USERS.c.id, USERS.c.org_id)).all())
    stored: dict[tuple, int] = {}
    for e in rows:
        key = (e.person_id, e.conclusion_level, e.conclusion_date, e.conclusion_valid_to)
        if key not in stored:
            stored[key] = _insert_conclusion(bind, e, persons[e.person_id], orgs.get(e.created_by_id))
        bind.execute(ENTITLEMENTS.update().where(ENTITLEMENTS.c.id == e.id).values(application_id=stored[key]))


def _insert_conclusion(bind, e, person, org_id: int | None) -> int:
    at = _aware(e.created_at)
    app_id = bind.execute(sa.insert(APPS).values(
        person_id=e.person_id, kind='migrated', status='concluded', applicant_name=person.name,
        applicant_relation='self', applicant_phone=person.phone or '', declared_disability_6m=False,
        preferred_care_type=e.care_type, preferred_provider_id=e.provider_id, filed_by_user_id=e.created_by_id,
        filed_by_org_id=org_id, submitted_at=at, submitted_on=at.astimezone(LOCAL).date(),
        concluded_on=e.conclusion_date, final_on=e.conclusion_date, level=e.conclusion_level,
        valid_from=e.conclusion_date, valid_to=e.conclusion_valid_to, paused_days=0, version=1,
    ).returning(APPS.c.id)).scalar_one()
    bind.execute(sa.insert(EVENTS).values(
        application_id=app_id, from_status=None, to_status='concluded', action='migrate',
        actor_user_id=e.created_by_id, actor_org_id=org_id, at=at, reason=REASON,
        data={"level": e.conclusion_level, "concluded_on": e.conclusion_date.isoformat(),
              "valid_to": e.conclusion_valid_to.isoformat(), "entitlement_id": e.id}))
    return app_id


def downgrade():
    bind = op.get_bind()
    migrated = sa.select(APPS.c.id).where(APPS.c.kind == 'migrated')
    referred = bind.scalar(sa.select(sa.func.count()).select_from(APPS).where(APPS.c.previous_id.in_(migrated)))
    requests = bind.scalar(sa.text("SELECT count(*) FROM entitlement_requests WHERE application_id IN "
                                   "(SELECT id FROM applications WHERE kind = 'migrated')"))
    if referred or requests:
        raise RuntimeError("migrated conclusions that other records refer to cannot be described before 0017")
    _ref_lead_time(REF_LEAD, OLD_REF_LEAD)
    with op.batch_alter_table('entitlements', schema=None) as batch_op:
        batch_op.alter_column('application_id', existing_type=sa.Integer(), nullable=True)
    bind.execute(ENTITLEMENTS.update().where(ENTITLEMENTS.c.application_id.in_(migrated)).values(application_id=None))
    bind.execute(EVENTS.delete().where(EVENTS.c.application_id.in_(migrated)))
    bind.execute(APPS.delete().where(APPS.c.kind == 'migrated'))
    with op.batch_alter_table('entitlements', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_entitlements_review_has_conclusion'),
                                         "origin = 'migrated' OR application_id IS NOT NULL")
    _kinds(KINDS_BEFORE)
