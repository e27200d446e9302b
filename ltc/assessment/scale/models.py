"""Scoring rulesets stored as data (SPEC §3.2): each assessment records the ruleset id it used."""
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, String, column, func
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ltc.core.clock import utcnow
from ltc.core.db import Base


class AssessmentRuleset(Base):
    """One version of the scale, in force on ``[effective_from, effective_to)``; versions never
    overlap (PostgreSQL enforces it, ``seed_rulesets`` checks it everywhere)."""

    __tablename__ = "assessment_rulesets"
    __table_args__ = (
        CheckConstraint("effective_to IS NULL OR effective_to > effective_from", name="effective_order"),
        ExcludeConstraint(
            (func.daterange(column("effective_from"), column("effective_to"), "[)"), "&&"),
            using="gist", name="ex_assessment_rulesets_no_overlap",
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    #: the whole definition as shipped in ltc/assessment/scale/rulesets/<id>.json
    definition: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<AssessmentRuleset {self.id} from {self.effective_from}>"
