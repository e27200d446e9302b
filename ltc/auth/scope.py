"""The scope rule of SPEC §1, in one place.

Each domain registers, per model, a function that turns a user into a WHERE clause
(``None`` means "everything", for the MIA). Every query a user can reach goes through
``scoped``/``get_scoped``; a record outside the scope is a 404, never a leak.
"""
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.core.errors import NotFound
from ltc.orgs.models import Organisation

M = TypeVar("M")
ScopeRule = Callable[[User], ColumnElement[bool] | None]
_RULES: dict[type, ScopeRule] = {}


def add_scope_rule(model: type, rule: ScopeRule) -> None:
    """Declare how ``model``'s records are scoped (called from the owning domain's ``wire()``)."""
    if _RULES.get(model, rule) is not rule:
        raise ValueError(f"another scope rule is registered for {model.__name__}")
    _RULES[model] = rule


def scope_clause(model: type, user: User) -> ColumnElement[bool] | None:
    try:
        rule = _RULES[model]
    except KeyError:
        raise LookupError(f"no scope rule registered for {model.__name__}: "
                          "was create_app() (ltc.wire()) called?") from None
    return rule(user)


def scoped(stmt: Select, model: type, user: User) -> Select:
    """``stmt`` restricted to the records of ``model`` that ``user`` may see."""
    clause = scope_clause(model, user)
    return stmt if clause is None else stmt.where(clause)


def get_scoped(session: Session, user: User, model: type[M], key: Any) -> M:
    """Load one record in the user's scope or raise NotFound (404)."""
    pk = model.__mapper__.primary_key[0]
    obj = session.scalars(scoped(select(model).where(pk == key), model, user)).first()
    if obj is None:
        raise NotFound("记录不存在或无权访问")
    return obj


def organisations_in_scope(user: User):
    return None if user.org_kind == "mia" else Organisation.id == user.org_id


def users_in_scope(user: User):
    return None if user.org_kind == "mia" else User.org_id == user.org_id
