"""Records taken by a settlement (SPEC §5.4: append-only once settled). The review's submit step calls
``mark_settled``: every visit and stay named by the settlement's current lines (regular and late), and
the leaves of those stays, get ``settled_at``; later corrections of them are adjustments. Their
``updated_at`` is kept (being settled is not a change the nightly scan has to look at again)."""
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ltc.billing.models import Settlement, SettlementLine, SettlementLineRecord
from ltc.providers.kinds import RecordKind
from ltc.providers.records.models import Leave, Stay, Visit


def linked_records(settlement: Settlement, kind: RecordKind):
    """The ids of ``kind`` records the settlement's current lines name (a subquery)."""
    return select(SettlementLineRecord.record_id).join(
        SettlementLine, SettlementLine.id == SettlementLineRecord.line_id).where(
        SettlementLine.settlement_id == settlement.id, SettlementLine.revision == settlement.revision,
        SettlementLineRecord.record_kind == kind.value)


def mark_settled(session: Session, settlement: Settlement, *, now: datetime) -> int:
    """Mark the settlement's records settled (those not settled yet); returns how many were marked."""
    marked = 0
    stays = linked_records(settlement, RecordKind.STAY)
    for model, ids in ((Visit, linked_records(settlement, RecordKind.VISIT)), (Stay, stays),
                       (Leave, select(Leave.id).where(Leave.stay_id.in_(stays)))):
        result = session.execute(update(model).where(model.id.in_(ids), model.settled_at.is_(None))
                                 .values(settled_at=now, updated_at=model.updated_at)
                                 .execution_options(synchronize_session=False))
        marked += result.rowcount or 0
    session.expire_all()
    return marked
