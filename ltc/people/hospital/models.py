"""The hospital stay record (住院, SPEC §2): (person, hospital, admission date) is its key."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ltc.core.clock import utcnow
from ltc.core.db import Base, enum_check
from ltc.people.kinds import StayCategory

HOSPITAL_MAX = 200


class HospitalStay(Base):
    __tablename__ = "hospital_stays"
    __table_args__ = (
        enum_check("category", StayCategory),
        CheckConstraint("discharged_on IS NULL OR discharged_on >= admitted_on", name="discharge_order"),
        UniqueConstraint("person_id", "hospital", "admitted_on", name="uq_hospital_stays_person_hospital_admitted"),
        Index("ix_hospital_stays_category_discharged", "category", "discharged_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("insured_persons.id"))
    hospital: Mapped[str] = mapped_column(String(HOSPITAL_MAX))
    category: Mapped[str] = mapped_column(String(20))
    admitted_on: Mapped[date] = mapped_column(Date)
    discharged_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def days_until(self, day: date) -> int:
        """Length in days of ``[admission, discharge)``, an open stay (or one discharged after
        ``day``) measured as if it ended on ``day``."""
        end = day if self.discharged_on is None else min(self.discharged_on, day)
        return (end - self.admitted_on).days

    def __repr__(self) -> str:
        return f"<HospitalStay person={self.person_id} {self.hospital} {self.admitted_on}>"
