"""Dated attributes (SPEC §0.2): typed period tables, half-open ``[valid_from, valid_to)``.

Each attribute family is its own table with real columns and mixes in ``PeriodMixin``.
``period_table_args`` adds the CHECK and, on PostgreSQL only, the ``EXCLUDE USING gist``
constraint that forbids overlapping periods of the same subject (and key, e.g. a tag).
``add_period`` is the service-level check used on every database.
"""
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import CheckConstraint, Date, and_, column, func, or_, select
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, Session, mapped_column

from ltc.core.errors import Conflict, ValidationFailed

P = TypeVar("P", bound="PeriodMixin")


class PeriodMixin:
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)

    #: columns that identify "the same subject and attribute"; set on each subclass
    period_key: tuple[str, ...] = ()

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


def period_table_args(table: str, *key_columns: str) -> tuple:
    """CHECK from < to, plus a PostgreSQL exclusion constraint on the key columns."""
    exclude = ExcludeConstraint(
        *[(col, "=") for col in key_columns],
        (func.daterange(column("valid_from"), column("valid_to"), "[)"), "&&"),
        using="gist",
        name=f"ex_{table}_no_overlap",
    ).ddl_if(dialect="postgresql")
    return (
        CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name="period_order"),
        exclude,
    )


def _key_filter(model: type[P], key: dict[str, Any]):
    return and_(*[getattr(model, col) == value for col, value in key.items()])


def overlap_filter(model: type[P], start: date, end: date | None):
    """Periods of ``model`` that intersect ``[start, end)``."""
    conditions = [or_(model.valid_to.is_(None), model.valid_to > start)]
    if end is not None:
        conditions.append(model.valid_from < end)
    return and_(*conditions)


def covering_filter(model: type[P], day: date):
    return and_(model.valid_from <= day, or_(model.valid_to.is_(None), model.valid_to > day))


def period_on(session: Session, model: type[P], day: date, **key: Any) -> P | None:
    """The period of the subject ``key`` that covers ``day``, or None."""
    stmt = select(model).where(_key_filter(model, key), covering_filter(model, day))
    return session.scalars(stmt).first()


def periods_of(session: Session, model: type[P], **key: Any) -> list[P]:
    stmt = select(model).where(_key_filter(model, key)).order_by(model.valid_from)
    return list(session.scalars(stmt))


def add_period(session: Session, model: type[P], *, valid_from: date, valid_to: date | None = None,
               close_open: bool = False, **values: Any) -> P:
    """Insert a period after checking it overlaps no other of the same subject and key.

    ``close_open=True`` first ends an open-ended period that started earlier at
    ``valid_from`` (the usual "from this date on, the value is …" change).
    Raises ValidationFailed for an empty/inverted range and Conflict for an overlap.
    """
    if valid_to is not None and valid_to <= valid_from:
        raise ValidationFailed("结束日期必须晚于开始日期", {"valid_to": "must be after valid_from"})
    key = {col: values[col] for col in model.period_key}
    if close_open:
        current = session.scalars(
            select(model).where(_key_filter(model, key), model.valid_to.is_(None),
                                model.valid_from < valid_from)
        ).first()
        if current is not None:
            current.valid_to = valid_from
            session.flush()
    clash = session.scalars(
        select(model).where(_key_filter(model, key), overlap_filter(model, valid_from, valid_to))
    ).first()
    if clash is not None:
        raise Conflict(
            f"与已有期间 [{clash.valid_from}, {clash.valid_to or '∞'}) 重叠",
            {"valid_from": "overlaps an existing period"},
        )
    period = model(valid_from=valid_from, valid_to=valid_to, **values)
    session.add(period)
    session.flush()
    return period
