"""An expert certificate (评估专家证书, SPEC §1, §3.2): a dated period of an agency assessor."""
from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ltc.auth.models import User
from ltc.core.clock import utcnow
from ltc.core.db import Base
from ltc.core.periods import PeriodMixin, period_table_args


class ExpertCertificate(PeriodMixin, Base):
    __tablename__ = "expert_certificates"
    __table_args__ = period_table_args("expert_certificates", "user_id")
    period_key = ("user_id",)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    certificate_no: Mapped[str] = mapped_column(String(50), index=True)
    issued_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")

    def state_on(self, day: date) -> str:
        if day < self.valid_from:
            return "upcoming"
        return "valid" if self.covers(day) else "expired"

    def __repr__(self) -> str:
        return f"<ExpertCertificate {self.certificate_no} user={self.user_id}>"
