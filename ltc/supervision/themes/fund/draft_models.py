"""What a draft policy version would cost (issue 13: fund impact before publishing).

* ``DraftCostRun``: one request of the MIA admin to price a service month's records under a draft
  version, run by the scheduler as the on-demand job ``draft_policy_cost`` (``run_id``), per provider.
* ``DraftCost``: per run, provider, person's district, care type and level, the fund the records come to
  under the version(s) in force over the month and under the draft. A provider's unit replaces its rows
  whole, so a resumed or repeated unit never counts twice.
"""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Index, Numeric, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from ltc.core.clock import utcnow
from ltc.core.db import Base, enum_check
from ltc.orgs.kinds import CareType

Money = Numeric(12, 2)


class DraftCostRun(Base):
    __tablename__ = "supervision_draft_cost_runs"
    __table_args__ = (Index("ix_supervision_draft_cost_runs_version", "version_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("policy_versions.id"))
    #: the service month priced (first day): the month before the request
    month: Mapped[date] = mapped_column(Date)
    run_id: Mapped[int] = mapped_column(ForeignKey("job_runs.id"), unique=True)
    #: the draft's billing section as it was asked for (a later edit of the draft needs a new run)
    billing: Mapped[dict] = mapped_column(JSON)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)


class DraftCost(Base):
    __tablename__ = "supervision_draft_costs"
    __table_args__ = (
        enum_check("care_type", CareType),
        Index("ix_supervision_draft_costs_run_provider", "cost_run_id", "provider_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cost_run_id: Mapped[int] = mapped_column(ForeignKey("supervision_draft_cost_runs.id"))
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    #: the beneficiary's district (an insurer sees the rows of its districts)
    district: Mapped[str | None] = mapped_column(String(50))
    care_type: Mapped[str] = mapped_column(String(20))
    level: Mapped[int | None] = mapped_column(SmallInteger)
    fund_in_force: Mapped[Decimal] = mapped_column(Money)
    fund_draft: Mapped[Decimal] = mapped_column(Money)
