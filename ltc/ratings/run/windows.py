"""The periods a ratings run reads (SPEC §8), pure. A run on day 2 of M+1 reads activity (visits,
punctuality, follow-ups, complaints, training) through M and settlement results (confirmed findings,
refusals, sampled records, fund) through the last paid month M−1, each over the 12 months ending there.
The annual star of Y reads January–December Y for both. Every ``*_to`` is exclusive."""
from dataclasses import dataclass
from datetime import date

from ltc.core.months import add_months, first_of_month
from ltc.ratings.run.kinds import RunKind

WINDOW_MONTHS = 12


@dataclass(frozen=True)
class Window:
    kind: RunKind
    period: date
    activity_from: date
    activity_to: date
    settled_from: date
    settled_to: date

    @classmethod
    def monthly(cls, month: date) -> "Window":
        month = first_of_month(month)
        return cls(RunKind.MONTHLY, month, add_months(month, 1 - WINDOW_MONTHS), add_months(month, 1),
                   add_months(month, -WINDOW_MONTHS), month)

    @classmethod
    def annual(cls, year: int) -> "Window":
        start, end = date(year, 1, 1), date(year + 1, 1, 1)
        return cls(RunKind.ANNUAL, start, start, end, start, end)

    @property
    def last_activity_month(self) -> date:
        return add_months(self.activity_to, -1)

    @property
    def last_settled_month(self) -> date:
        return add_months(self.settled_to, -1)

    def quarters(self) -> list[date]:
        """The first days of the quarters whose last month lies in the settlement window."""
        month, found = self.settled_from, []
        while month < self.settled_to:
            if month.month % 3 == 0:
                found.append(date(month.year, month.month - 2, 1))
            month = add_months(month, 1)
        return found


def rated_month(due: date) -> date:
    """The month M a run due on ``due`` (day 2 of M+1) rates."""
    return add_months(first_of_month(due), -1)
