"""Applications for a disability assessment and their lifecycle records (SPEC §3.1).

An ``Application`` moves through the states of ``ltc.assessment.applications.states``; every move writes
one immutable ``ApplicationEvent``. The on-site visit (``AssessmentVisit`` with its two
``AssessmentAssessor`` rows), the joint ``Assessment`` record with its co-signatures, and
the experts' ``Confirmation`` rows hang off the application.
"""
from datetime import date, datetime

from sqlalchemy import (JSON, BigInteger, CheckConstraint, Date, ForeignKey, Index, String, Text,
                        UniqueConstraint, event, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ltc.assessment.applications.document_types import DocumentType
from ltc.assessment.applications.selfassessment import ACCEPTABLE, ITEMS, Answer, LetterGrade
from ltc.assessment.applications.states import (IN_PROCESS, DispatchMethod, Kind, ReassessmentReason, RefusalCode,
                                                RescheduleReason, Status)
from ltc.core.clock import utcnow
from ltc.core.db import Base, enum_check, in_list
from ltc.orgs.kinds import CareType
from ltc.people.hospital.models import HospitalStay  # noqa: F401  (the table trigger_stay_id refers to)


_ONE_OPEN = text(f"status IN {in_list(sorted(IN_PROCESS))} AND kind <> '{Kind.REVIEW.value}'")


def application_number(submitted_on: date, application_id: int) -> str:
    """The application number users know (申请编号): ``SQ-2026-000042``, the year of
    submission and the id."""
    return f"SQ-{submitted_on.year}-{application_id:06d}"


class Application(Base):
    __tablename__ = "applications"
    __table_args__ = (
        enum_check("status", Status),
        enum_check("kind", Kind),
        enum_check("reassessment_reason", ReassessmentReason, nullable=True),
        CheckConstraint(f"(kind = '{Kind.REVIEW.value}') = (parent_id IS NOT NULL)", name="review_has_parent"),
        enum_check("refusal_code", RefusalCode, nullable=True),
        enum_check("dispatch_method", DispatchMethod, nullable=True),
        enum_check("reschedule_code", RescheduleReason, nullable=True),
        enum_check("preferred_care_type", CareType, nullable=True),
        CheckConstraint("level IS NULL OR level BETWEEN 0 AND 5", name="level"),
        CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name="validity_order"),
        CheckConstraint("paused_days >= 0", name="paused_days"),
        Index("ix_applications_status_agency", "status", "agency_id"),
        Index("ix_applications_person_status", "person_id", "status"),
        # at most one accepted, not yet final application per person (a 复评 runs beside its parent)
        Index("uq_applications_one_in_process_per_person", "person_id", unique=True,
              sqlite_where=_ONE_OPEN, postgresql_where=_ONE_OPEN),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("insured_persons.id"))
    kind: Mapped[str] = mapped_column(String(20), default=Kind.INITIAL.value)
    #: the objected application a 复评 reviews
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    #: a reassessment: why, which concluded application it reassesses, which stay triggered it
    reassessment_reason: Mapped[str | None] = mapped_column(String(20))
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    trigger_stay_id: Mapped[int | None] = mapped_column(ForeignKey("hospital_stays.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=Status.SUBMITTED.value)

    filed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    filed_by_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    applicant_name: Mapped[str] = mapped_column(String(50))
    applicant_relation: Mapped[str] = mapped_column(String(20))
    applicant_phone: Mapped[str] = mapped_column(String(30))
    applicant_id_number: Mapped[str | None] = mapped_column(String(18))
    declared_disability_6m: Mapped[bool] = mapped_column(default=False)
    preferred_care_type: Mapped[str | None] = mapped_column(String(20))
    preferred_provider_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    bank_account_holder: Mapped[str | None] = mapped_column(String(50))
    bank_name: Mapped[str | None] = mapped_column(String(100))
    bank_account_no: Mapped[str | None] = mapped_column(String(40))

    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_on: Mapped[date] = mapped_column(Date)
    accepted_on: Mapped[date | None] = mapped_column(Date)
    dispatched_on: Mapped[date | None] = mapped_column(Date)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    dispatch_seed: Mapped[int | None] = mapped_column(BigInteger)
    dispatch_method: Mapped[str | None] = mapped_column(String(10))
    dispatch_reason: Mapped[str | None] = mapped_column(String(500))
    visit_on: Mapped[date | None] = mapped_column(Date)
    #: the coded reason of the latest reschedule beyond the scheduling window (shown beside the overdue mark)
    reschedule_code: Mapped[str | None] = mapped_column(String(20))
    reschedule_note: Mapped[str | None] = mapped_column(String(500))
    confirmed_on: Mapped[date | None] = mapped_column(Date)
    publicity_start: Mapped[date | None] = mapped_column(Date)
    publicity_end: Mapped[date | None] = mapped_column(Date)
    #: the conclusion date: the day the second expert confirmed (SPEC §3.1), whatever happens after
    concluded_on: Mapped[date | None] = mapped_column(Date)
    #: the last day of publicity or of the objection window, as printed on the conclusion notice
    objection_until: Mapped[date | None] = mapped_column(Date)
    #: the day the conclusion became final (SPEC §3.1); None while it may still be objected to
    final_on: Mapped[date | None] = mapped_column(Date)
    #: the final level (for an objected parent: its 复评's level once that concludes)
    level: Mapped[int | None]
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)

    acceptance_due_on: Mapped[date | None] = mapped_column(Date)
    conclusion_due_on: Mapped[date | None] = mapped_column(Date)
    #: while a 复评 runs: the day the parent's SLA clock stopped
    paused_since: Mapped[date | None] = mapped_column(Date)
    paused_days: Mapped[int] = mapped_column(default=0)

    refusal_code: Mapped[str | None] = mapped_column(String(40))
    refusal_text: Mapped[str | None] = mapped_column(String(500))
    close_reason: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    self_assessment: Mapped["SelfAssessment | None"] = relationship(back_populates="application",
                                                                    uselist=False)
    documents: Mapped[list["ApplicationDocument"]] = relationship(order_by="ApplicationDocument.id")
    events: Mapped[list["ApplicationEvent"]] = relationship(order_by="ApplicationEvent.id", viewonly=True)
    parent: Mapped["Application | None"] = relationship(remote_side="Application.id", foreign_keys=[parent_id])

    @property
    def number(self) -> str:
        return application_number(self.submitted_on, self.id)

    def __repr__(self) -> str:
        return f"<Application {self.id} {self.kind} {self.status}>"


class SelfAssessment(Base):
    """The six answers of the self-assessment form and the grade they give."""

    __tablename__ = "application_self_assessments"
    __table_args__ = (
        *[enum_check(item, Answer) for item in ITEMS],
        CheckConstraint("a_count BETWEEN 0 AND 3 AND b_count BETWEEN 0 AND 3", name="counts"),
        enum_check("grade", LetterGrade),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    feeding: Mapped[str] = mapped_column(String(12))
    bowel_bladder: Mapped[str] = mapped_column(String(12))
    bathing: Mapped[str] = mapped_column(String(12))
    dressing: Mapped[str] = mapped_column(String(12))
    toileting: Mapped[str] = mapped_column(String(12))
    transfer: Mapped[str] = mapped_column(String(12))
    a_count: Mapped[int]
    b_count: Mapped[int]
    grade: Mapped[str] = mapped_column(String(1))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    application: Mapped[Application] = relationship(back_populates="self_assessment")

    @property
    def acceptable(self) -> bool:
        return self.grade in ACCEPTABLE


class ApplicationDocument(Base):
    """A medical document uploaded with an application; the file lives under
    ``instance/documents/`` (outside the web root), addressed by its SHA-256."""

    __tablename__ = "application_documents"
    __table_args__ = (
        enum_check("content_type", DocumentType),
        CheckConstraint("size > 0", name="size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    #: relative to the documents folder
    storage_path: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ApplicationEvent(Base):
    """One lifecycle move (or a recorded step inside a state); never updated or deleted."""

    __tablename__ = "application_events"
    __table_args__ = (Index("ix_application_events_application_at", "application_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str | None] = mapped_column(String(500))
    data: Mapped[dict | None] = mapped_column(JSON)


class ImmutableRecord(RuntimeError):
    pass


@event.listens_for(ApplicationEvent, "before_update")
@event.listens_for(ApplicationEvent, "before_delete")
def _events_are_immutable(_mapper, _connection, target) -> None:
    raise ImmutableRecord(f"application event {target.id} is immutable")


class AssessmentVisit(Base):
    """A booked on-site visit; a reschedule supersedes the previous visit."""

    __tablename__ = "assessment_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    visit_on: Mapped[date] = mapped_column(Date)
    scheduled_at: Mapped[datetime] = mapped_column(default=utcnow)
    scheduled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(String(500))
    superseded_at: Mapped[datetime | None]

    assessors: Mapped[list["AssessmentAssessor"]] = relationship(
        back_populates="visit", cascade="all, delete-orphan", order_by="AssessmentAssessor.id")


class AssessmentAssessor(Base):
    """One of the two on-site assessors of a visit, named by the agency admin, with the recusal
    declaration (回避声明) the assessor made personally: text and time, both empty until then."""

    __tablename__ = "assessment_assessors"
    __table_args__ = (
        UniqueConstraint("visit_id", "user_id", name="uq_assessment_assessors_visit_user"),
        CheckConstraint("(recusal_text IS NULL) = (declared_at IS NULL)", name="declaration"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("assessment_visits.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: an expert on the visit date when scheduled
    is_expert: Mapped[bool]
    recusal_text: Mapped[str | None] = mapped_column(String(500))
    declared_at: Mapped[datetime | None]

    visit: Mapped[AssessmentVisit] = relationship(back_populates="assessors")


class Assessment(Base):
    """The joint record of the on-site assessors: raw answers and the server's grading."""

    __tablename__ = "assessments"
    __table_args__ = (
        CheckConstraint("level BETWEEN 0 AND 5", name="level"),
        CheckConstraint("adl_grade BETWEEN 0 AND 3 AND cognition_grade BETWEEN 0 AND 3 "
                        "AND perception_grade BETWEEN 0 AND 3 AND cp_grade BETWEEN 0 AND 3", name="grades"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("assessment_visits.id"))
    ruleset_id: Mapped[str] = mapped_column(ForeignKey("assessment_rulesets.id"))
    items: Mapped[dict] = mapped_column(JSON)
    adl_total: Mapped[int]
    cognition_total: Mapped[int]
    perception_total: Mapped[int]
    adl_grade: Mapped[int]
    cognition_grade: Mapped[int]
    perception_grade: Mapped[int]
    cp_grade: Mapped[int]
    level: Mapped[int]
    assessed_on: Mapped[date] = mapped_column(Date)
    entered_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    notes: Mapped[str | None] = mapped_column(Text)

    signatures: Mapped[list["AssessmentSignature"]] = relationship(
        cascade="all, delete-orphan", order_by="AssessmentSignature.id")


class AssessmentSignature(Base):
    """An on-site assessor's co-signature of the joint record."""

    __tablename__ = "assessment_signatures"
    __table_args__ = (UniqueConstraint("assessment_id", "user_id", name="uq_assessment_signatures_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime]


class Confirmation(Base):
    """An expert's confirmation of the assessment (two distinct experts, one not on site)."""

    __tablename__ = "assessment_confirmations"
    __table_args__ = (UniqueConstraint("application_id", "user_id", name="uq_assessment_confirmations_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    on_site: Mapped[bool]
    at: Mapped[datetime]
