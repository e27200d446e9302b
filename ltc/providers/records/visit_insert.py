"""A new visit and its audit row written together (the check-in path; issue 10, Performance): on
PostgreSQL one statement written once (``INSERT … RETURNING`` in a common table expression feeding the
audit row's ``INSERT``), no unit-of-work flush; the visit then joins the session as a persistent row
(nothing read back). Elsewhere the session adds and flushes both, as any save does. The rows are
those the ORM would write: every column of the visit, the audit row's ``before`` as JSON ``null``.
"""
from datetime import datetime

from sqlalchemy.orm import Session, make_transient_to_detached

from ltc.core import audit, prepared
from ltc.core.audit import Actor, AuditEntry
from ltc.providers.records.models import Visit
from ltc.providers.records.visit_input import snapshot

_VISITS, _AUDIT = Visit.__table__.c, AuditEntry.__table__.c
_COLUMNS = tuple(column.key for column in _VISITS if column.key != "id")
#: the audit row's columns bound under names of their own (a visit has a ``source``, an audit row an ``after``)
_AUDIT_BINDS = {"a_at": _AUDIT.at.type, "a_user": _AUDIT.user_id.type, "a_org": _AUDIT.org_id.type,
                "a_action": _AUDIT.action.type, "a_before": _AUDIT.before.type, "a_after": _AUDIT.after.type}
_TYPES = {**{name: _VISITS[name].type for name in _COLUMNS}, **_AUDIT_BINDS}


def _insert_sql(_in) -> str:
    return (f"WITH v AS (INSERT INTO visits ({', '.join(_COLUMNS)}) "
            f"VALUES ({', '.join(':' + name for name in _COLUMNS)}) RETURNING id) "
            "INSERT INTO audit_log (at, user_id, org_id, action, entity, entity_id, before, after, detail) "
            "SELECT :a_at, :a_user, :a_org, :a_action, 'visit', CAST(v.id AS VARCHAR), :a_before, :a_after, NULL "
            "FROM v RETURNING entity_id")


def _defaults(visit: Visit) -> None:
    """The values the ORM's flush would write for columns not set: their defaults, else NULL
    (``updated_at``: the moment written). Every column is then loaded: none is read back."""
    for name in _COLUMNS:
        default = _VISITS[name].default
        if default is not None and (getattr(visit, name) is None or name == "updated_at"):
            setattr(visit, name, default.arg(None) if default.is_callable else default.arg)
        elif name not in visit.__dict__:
            setattr(visit, name, None)


def insert_with_audit(session: Session, visit: Visit, *, actor: Actor, action: str, now: datetime) -> None:
    """Store the new ``visit`` (no id yet, no items) and its audit row ``action`` (``after``: the
    visit's snapshot ``after``)."""
    if session.get_bind().dialect.name != "postgresql":
        session.add(visit)
        session.flush()
        audit.record(session, actor, action, "visit", visit.id, after=snapshot(visit), now=now)
        return
    _defaults(visit)
    params = {name: getattr(visit, name) for name in _COLUMNS}
    params.update(a_at=now, a_user=actor.user_id, a_org=actor.org_id, a_action=action, a_before=None,
                  a_after=audit.jsonable(snapshot(visit)))
    (entity_id,), = prepared.rows(session, ("visit with audit",), _insert_sql, params, types=_TYPES)
    visit.id = int(entity_id)
    make_transient_to_detached(visit)
    session.add(visit)
