"""The billing lists the document pages show and export (rows in the user's scope, reads only):
the current lines of one settlement, and the beneficiaries of a month's paid settlements with
what was billed in their names."""
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.auth.scope import scope_clause
from ltc.billing.documents.beneficiary import STATEMENT_STATUSES
from ltc.billing.documents.models import BeneficiaryStatement
from ltc.billing.kinds import LineKind
from ltc.billing.models import Settlement, SettlementLine
from ltc.core.pagination import Page, paginate
from ltc.people.ids import mask_id
from ltc.people.models import InsuredPerson

PER_PAGE = 50
EXPORT_CHUNK = 2000


@dataclass(frozen=True)
class StatementRow:
    person_id: int
    name: str
    id_number: str
    lines: int
    billable: Decimal
    fund: Decimal
    copay: Decimal
    rendered: bool

    @property
    def masked_id(self) -> str:
        return mask_id(self.id_number)


def _statement_query(user: User, month: date) -> Select:
    """The persons billed in ``month``'s paid settlements of the user's scope (a provider: its own
    beneficiaries) with the totals of those lines, by name."""
    stmt = (select(InsuredPerson.id, InsuredPerson.name, InsuredPerson.id_number, func.count(SettlementLine.id),
                   func.sum(SettlementLine.billable), func.sum(SettlementLine.fund), func.sum(SettlementLine.copay))
            .join(SettlementLine, SettlementLine.person_id == InsuredPerson.id)
            .join(Settlement, (Settlement.id == SettlementLine.settlement_id)
                  & (Settlement.revision == SettlementLine.revision))
            .where(Settlement.month == month, Settlement.status.in_(STATEMENT_STATUSES),
                   SettlementLine.kind == LineKind.REGULAR.value)
            .group_by(InsuredPerson.id, InsuredPerson.name, InsuredPerson.id_number)
            .order_by(InsuredPerson.name, InsuredPerson.id))
    clause = scope_clause(Settlement, user)
    return stmt if clause is None else stmt.where(clause)


def _rows(session: Session, month: date, found) -> list[StatementRow]:
    found = list(found)
    ids = [row[0] for row in found]
    done = set(session.scalars(select(BeneficiaryStatement.person_id).where(
        BeneficiaryStatement.month == month, BeneficiaryStatement.path.is_not(None),
        BeneficiaryStatement.person_id.in_(ids)))) if ids else set()
    return [StatementRow(pid, name, number, count, _money(b), _money(f), _money(c), pid in done)
            for pid, name, number, count, b, f, c in found]


def statement_page(session: Session, user: User, month: date, *, page: int, per_page: int | None = None) -> Page:
    """One page of ``statement_rows`` (the list page)."""
    found = paginate(session, _statement_query(user, month), page=page, per_page=per_page or PER_PAGE,
                     scalars=False)
    found.items = _rows(session, month, found.items)
    return found


def statement_rows(session: Session, user: User, month: date) -> Iterator[StatementRow]:
    """Every row (the exports), read in chunks."""
    stmt = _statement_query(user, month)
    offset = 0
    while chunk := session.execute(stmt.limit(EXPORT_CHUNK).offset(offset)).all():
        yield from _rows(session, month, chunk)
        offset += EXPORT_CHUNK


def _money(value) -> Decimal:
    """SQLite sums NUMERIC as REAL: back to cents (STYLE: money stays Decimal)."""
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))
