"""Who may be reassessed: persons with an active or future entitlement (SPEC §3.1).

The entitlements domain registers its reader with ``add_beneficiaries`` (from its ``wire()``), so
the assessment domain asks the question without importing entitlements. Read by the daily job
that opens reassessments and by the insurer's filing of an ordered reassessment."""
from collections.abc import Callable
from datetime import date

from sqlalchemy import Select, false, literal, or_, select
from sqlalchemy.orm import Session

from ltc.assessment.applications.models import Application

#: ``day -> SELECT person_id`` of the persons with an active or future entitlement on ``day``
BeneficiarySource = Callable[[date], Select]
BENEFICIARIES: list[BeneficiarySource] = []


def add_beneficiaries(source: BeneficiarySource) -> None:
    """Register who counts as a beneficiary for reassessments (called by ``ltc.entitlements.wire``)."""
    if source not in BENEFICIARIES:
        BENEFICIARIES.append(source)


def beneficiary_filter(today: date, person=Application.person_id):
    """``person`` (a column or a value) has an active or future entitlement on ``today``."""
    if not BENEFICIARIES:
        return false()
    return or_(*(person.in_(source(today)) for source in BENEFICIARIES))


def is_beneficiary(session: Session, person_id: int, today: date) -> bool:
    return session.scalar(select(literal(1)).where(beneficiary_filter(today, literal(person_id)))) is not None
