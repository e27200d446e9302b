"""Insured persons (参保人, SPEC §2) and their dated status, category and tag periods."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Index, Numeric, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ltc.core.clock import utcnow
from ltc.core.db import Base, enum_check
from ltc.core.periods import PeriodMixin, period_table_args
# the kinds live in a pure module; re-exported here for existing callers
from ltc.people.kinds import (CATEGORY_LABELS, SEX_LABELS, STATUS_LABELS, TAG_LABELS, Category,  # noqa: F401
                              CollisionKind, CollisionResolution, PersonStatus, Sex, Tag)


LIVE = "merged_into_id IS NULL"


class InsuredPerson(Base):
    """One insured person. A person registered twice is merged (SPEC §2): the duplicate row is kept,
    pointing at the survivor (``merged_into_id``), and leaves every list, search and lookup.

    ``uq_insured_persons_live_id_number`` is the unique index on the normalised number: every
    number is stored in its normalised spelling except the listed collisions (each of which ends
    by a correction, which normalises it, or by a merge, which moves the duplicate out of the
    index), so it holds on the normalised number once no collision is open (migration 0021)."""

    __tablename__ = "insured_persons"
    __table_args__ = (
        enum_check("sex", Sex),
        Index("uq_insured_persons_live_id_number", "id_number", unique=True,
              sqlite_where=text(LIVE), postgresql_where=text(LIVE)),
        # text_pattern_ops lets PostgreSQL use the index for name prefix searches (LIKE '张%')
        Index("ix_insured_persons_name", "name", postgresql_ops={"name": "text_pattern_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    id_number: Mapped[str] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(30))
    address: Mapped[str | None] = mapped_column(String(300))
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    district: Mapped[str] = mapped_column(String(50), index=True)
    township: Mapped[str | None] = mapped_column(String(50))
    village: Mapped[str | None] = mapped_column(String(50))
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1))
    death_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    #: the person this row was merged into (a duplicate registration), and when
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("insured_persons.id"), index=True)
    merged_at: Mapped[datetime | None]

    statuses: Mapped[list["PersonStatusPeriod"]] = relationship(
        back_populates="person", order_by="PersonStatusPeriod.valid_from")
    categories: Mapped[list["PersonCategoryPeriod"]] = relationship(
        back_populates="person", order_by="PersonCategoryPeriod.valid_from")
    tags: Mapped[list["PersonTagPeriod"]] = relationship(
        back_populates="person", order_by="PersonTagPeriod.valid_from")

    @property
    def is_merged(self) -> bool:
        """Merged into another person: it takes no new record (a lookup by id treats it as absent)."""
        return self.merged_into_id is not None

    @classmethod
    def live_filter(cls):
        """Persons not merged into another (the ones lists, searches and lookups show)."""
        return cls.merged_into_id.is_(None)

    def __repr__(self) -> str:
        return f"<InsuredPerson {self.id}>"


class PersonStatusPeriod(PeriodMixin, Base):
    """Enrolment status; ``deceased`` starts the day after death (the day of death is covered)."""

    __tablename__ = "person_status_periods"
    __table_args__ = (
        enum_check("status", PersonStatus),
        *period_table_args("person_status_periods", "person_id"),
    )
    period_key = ("person_id",)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("insured_persons.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    person: Mapped[InsuredPerson] = relationship(back_populates="statuses")


class PersonCategoryPeriod(PeriodMixin, Base):
    """Insurance category; billing reads the category on the service date."""

    __tablename__ = "person_category_periods"
    __table_args__ = (
        enum_check("category", Category),
        *period_table_args("person_category_periods", "person_id"),
    )
    period_key = ("person_id",)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("insured_persons.id"), index=True)
    category: Mapped[str] = mapped_column(String(20))
    person: Mapped[InsuredPerson] = relationship(back_populates="categories")


class PersonTagPeriod(PeriodMixin, Base):
    """A population tag; periods of the same person and tag never overlap."""

    __tablename__ = "person_tag_periods"
    __table_args__ = (
        enum_check("tag", Tag),
        *period_table_args("person_tag_periods", "person_id", "tag"),
    )
    period_key = ("person_id", "tag")

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("insured_persons.id"), index=True)
    tag: Mapped[str] = mapped_column(String(40))
    person: Mapped[InsuredPerson] = relationship(back_populates="tags")


class PersonDeath(Base):
    """One recording of a death: the date, who recorded it and when, and the person's status
    periods as they were before (so that an MIA admin can undo a death recorded in error,
    SPEC §2); ``undone_*`` say who undid it, when and why. At most one is not undone."""

    __tablename__ = "person_deaths"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("insured_persons.id"), index=True)
    death_date: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: ``[[status, valid_from, valid_to or None], …]`` (ISO dates) before the death was recorded
    status_before: Mapped[list] = mapped_column(JSON)
    undone_at: Mapped[datetime | None]
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    undo_reason: Mapped[str | None] = mapped_column(String(500))


class IdNumberCollision(Base):
    """A stored ID number left in a spelling other than its normalised one (SPEC §2), because
    normalising it would give another person's number (``duplicate``) or would still not give
    an ASCII number (``invalid``). Found by migration 0013 or ``flask people id-numbers``; the MIA admin
    resolves it by correcting one of the two numbers. Rows are kept once resolved (history)."""

    __tablename__ = "id_number_collisions"
    __table_args__ = (
        enum_check("kind", CollisionKind),
        enum_check("resolution", CollisionResolution, nullable=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("insured_persons.id"), index=True)
    #: the number as it was stored when found, and its normalised spelling
    stored: Mapped[str] = mapped_column(String(18))
    normalised: Mapped[str] = mapped_column(String(40))
    #: the person who holds (or also spells) the normalised number
    other_person_id: Mapped[int | None] = mapped_column(ForeignKey("insured_persons.id"))
    kind: Mapped[str] = mapped_column(String(20))
    found_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column()
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[str | None] = mapped_column(String(20))

    person: Mapped[InsuredPerson] = relationship(foreign_keys=[person_id])
    other_person: Mapped[InsuredPerson | None] = relationship(foreign_keys=[other_person_id])


class PersonMerge(Base):
    """One merge of a person registered twice (SPEC §2): who merged ``duplicate`` into
    ``survivor``, when and why, the collision it resolved, and what moved (``moved``: hook name →
    rows moved). The duplicate row is kept, with ``merged_into_id`` pointing at the survivor."""

    __tablename__ = "person_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("insured_persons.id"), index=True)
    duplicate_id: Mapped[int] = mapped_column(ForeignKey("insured_persons.id"), unique=True)
    collision_id: Mapped[int | None] = mapped_column(ForeignKey("id_number_collisions.id"))
    reason: Mapped[str] = mapped_column(String(500))
    moved: Mapped[dict] = mapped_column(JSON)
    merged_at: Mapped[datetime] = mapped_column(default=utcnow)
    merged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
