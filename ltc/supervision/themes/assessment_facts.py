"""The monthly facts of the assessment pipeline (SPEC §3.1; issue 13 point 1), set-based, one SELECT per
metric and month, each row labelled with the person's district, the preferred care type and the agency:

- ``applications_filed``: applications filed in the month (initial applications and reassessments; a
  复评 is counted as an objection, a migrated conclusion was never filed), by current state (``dim``);
- ``applications_sla``: applications concluded in the month whose 30-working-day clock ran (initial
  and reassessment, accepted), ``dim`` ``in_time`` or ``late`` (below);
- ``assessment_conclusions``: conclusions made in the month (every assessment whose second expert
  confirmed, 复评 included), by the level the agency graded (``level``);
- ``objections``: objections lodged in the month (the 复评 opened that day), by outcome (``dim``),
  under the agency whose conclusion was objected to.

SLA: the conclusion is on time when the conclusion date (the second expert's confirmation) is not after
the stored conclusion due date — ``add_working_days(accepted_on, conclusion_sla_working_days + paused
days)``, i.e. at most 30 working days (REF) counted from the day after acceptance to the conclusion date
inclusive, on the working-day calendar (official holidays and 调休 plus the overrides), not counting the
working days a 复评 paused the clock. The stored date follows calendar changes while the application is
open and never moves before the date printed on the acceptance notice (SPEC §0.1).
"""
from datetime import date
from enum import StrEnum

from sqlalchemy import Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import aliased

from ltc.assessment.applications.models import Application, Assessment
from ltc.assessment.applications.states import Kind, Status
from ltc.core.months import add_months
from ltc.people.models import InsuredPerson
from ltc.supervision.facts import FactSource

FILED = "applications_filed"
SLA = "applications_sla"
CONCLUSIONS = "assessment_conclusions"
OBJECTIONS = "objections"
IN_TIME, LATE = "in_time", "late"
#: the kinds an applicant or the system files, each with the 30-working-day conclusion clock
FILED_KINDS = (Kind.INITIAL.value, Kind.REASSESSMENT.value)


class ObjectionOutcome(StrEnum):
    PENDING = "pending"          # the 复评 is running
    UPHELD = "upheld"            # the 复评 graded the same level
    RAISED = "raised"            # a higher level
    LOWERED = "lowered"          # a lower level
    REVIEWED = "reviewed"        # concluded, no graded level of the parent to compare (a migrated conclusion)
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"


#: msgids, in the order the figure shows them
OBJECTION_OUTCOME_LABELS = {
    ObjectionOutcome.PENDING: "复评中", ObjectionOutcome.UPHELD: "维持原等级", ObjectionOutcome.RAISED: "等级上调",
    ObjectionOutcome.LOWERED: "等级下调", ObjectionOutcome.REVIEWED: "复评已出结论",
    ObjectionOutcome.WITHDRAWN: "撤回异议", ObjectionOutcome.CANCELLED: "已取消",
}


def in_month(column, month: date) -> tuple:
    return column >= month, column < add_months(month, 1)


def _labelled(app, *extra) -> list:
    return [InsuredPerson.district.label("district"), app.preferred_care_type.label("care_type"),
            app.agency_id.label("agency_id"), *extra]


def filed_select(month: date) -> Select:
    a = Application
    columns = _labelled(a, a.status.label("dim"))
    return (select(*columns, func.count().label("value")).select_from(a)
            .join(InsuredPerson, InsuredPerson.id == a.person_id)
            .where(a.kind.in_(FILED_KINDS), *in_month(a.submitted_on, month))
            .group_by(*(c.element for c in columns)))


def sla_select(month: date) -> Select:
    a = Application
    timely = case((a.concluded_on <= a.conclusion_due_on, literal(IN_TIME)), else_=literal(LATE))
    columns = _labelled(a, timely.label("dim"))
    return (select(*columns, func.count().label("value")).select_from(a)
            .join(InsuredPerson, InsuredPerson.id == a.person_id)
            .where(a.kind.in_(FILED_KINDS), a.accepted_on.is_not(None), a.conclusion_due_on.is_not(None),
                   *in_month(a.concluded_on, month))
            .group_by(*(c.element for c in columns)))


def conclusions_select(month: date) -> Select:
    a = Application
    columns = _labelled(a, Assessment.level.label("level"))
    return (select(*columns, func.count().label("value")).select_from(a)
            .join(Assessment, Assessment.application_id == a.id)
            .join(InsuredPerson, InsuredPerson.id == a.person_id)
            .where(a.agency_id.is_not(None), *in_month(a.concluded_on, month))
            .group_by(*(c.element for c in columns)))


def _outcome(child, child_level, parent_level):
    concluded = child.status == Status.CONCLUDED.value
    whens = ((child.status == Status.WITHDRAWN.value, ObjectionOutcome.WITHDRAWN),
             (child.status == Status.CANCELLED.value, ObjectionOutcome.CANCELLED),
             (and_(concluded, or_(child_level.is_(None), parent_level.is_(None))), ObjectionOutcome.REVIEWED),
             (and_(concluded, child_level == parent_level), ObjectionOutcome.UPHELD),
             (and_(concluded, child_level > parent_level), ObjectionOutcome.RAISED),
             (and_(concluded, child_level < parent_level), ObjectionOutcome.LOWERED))
    return case(*((when, literal(outcome.value)) for when, outcome in whens),
                else_=literal(ObjectionOutcome.PENDING.value))


def objections_select(month: date) -> Select:
    child, parent = aliased(Application), aliased(Application)
    graded_child, graded_parent = aliased(Assessment), aliased(Assessment)
    columns = _labelled(parent, _outcome(child, graded_child.level, graded_parent.level).label("dim"))
    return (select(*columns, func.count().label("value")).select_from(child)
            .join(parent, parent.id == child.parent_id)
            .join(InsuredPerson, InsuredPerson.id == child.person_id)
            .outerjoin(graded_child, graded_child.application_id == child.id)
            .outerjoin(graded_parent, graded_parent.application_id == parent.id)
            .where(child.kind == Kind.REVIEW.value, *in_month(child.submitted_on, month))
            .group_by(*(c.element for c in columns)))


FACT_SOURCES = (
    FactSource(FILED, filed_select, "申请数（按提交月份、当前状态）"),
    FactSource(SLA, sla_select, "按时办结的申请（按结论月份）"),
    FactSource(CONCLUSIONS, conclusions_select, "评估结论数（按结论月份、评定等级）"),
    FactSource(OBJECTIONS, objections_select, "异议数（按提出月份、结果）"),
)
