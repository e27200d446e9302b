"""The findings queue (SPEC §6 "findings where people work"): the findings a user may see, filtered
by rule, severity, provider, carer and month, with the counts per rule. Scoped by the one rule
(``ltc.compliance.scope``); readers only."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from ltc.auth.models import User
from ltc.auth.scope import scoped
from ltc.compliance.kinds import FindingStatus
from ltc.compliance.models import Finding
from ltc.orgs.models import Organisation
from ltc.people.models import InsuredPerson
from ltc.providers.carers.models import Carer


@dataclass(frozen=True)
class Filters:
    rule: str | None = None
    severity: str | None = None
    provider_id: int | None = None
    carer_id: int | None = None
    month: date | None = None
    status: str | None = FindingStatus.OPEN.value


def _where(stmt: Select, user: User, filters: Filters) -> Select:
    stmt = scoped(stmt, Finding, user)
    for column, value in ((Finding.rule, filters.rule), (Finding.severity, filters.severity),
                          (Finding.provider_id, filters.provider_id), (Finding.carer_id, filters.carer_id),
                          (Finding.month, filters.month), (Finding.status, filters.status)):
        if value is not None:
            stmt = stmt.where(column == value)
    return stmt


def search(user: User, filters: Filters) -> Select:
    """(finding, person name, provider name, carer name) rows, newest service date first."""
    provider = aliased(Organisation)
    stmt = (select(Finding, InsuredPerson.name, provider.name, Carer.name)
            .join(InsuredPerson, InsuredPerson.id == Finding.person_id)
            .join(provider, provider.id == Finding.provider_id)
            .outerjoin(Carer, Carer.id == Finding.carer_id)
            .order_by(Finding.service_date.desc(), Finding.id.desc()))
    return _where(stmt, user, filters)


def counts_per_rule(session: Session, user: User, filters: Filters) -> list[tuple[str, int]]:
    """(rule, count) of the findings matching every filter but the rule, by rule."""
    stmt = _where(select(Finding.rule, func.count()).group_by(Finding.rule).order_by(Finding.rule), user,
                  Filters(**{**filters.__dict__, "rule": None}))
    return [(rule, count) for rule, count in session.execute(stmt)]


def providers_with_findings(session: Session, user: User) -> list[tuple[int, str]]:
    """(id, name) of the providers whose findings the user sees (the provider filter's choices)."""
    stmt = scoped(select(Organisation.id, Organisation.name).join(Finding, Finding.provider_id == Organisation.id)
                  .distinct().order_by(Organisation.name, Organisation.id), Finding, user)
    return [(i, name) for i, name in session.execute(stmt)]


def carers_with_findings(session: Session, user: User) -> list[tuple[int, str]]:
    stmt = scoped(select(Carer.id, Carer.name).join(Finding, Finding.carer_id == Carer.id)
                  .distinct().order_by(Carer.name, Carer.id), Finding, user)
    return [(i, name) for i, name in session.execute(stmt)]
