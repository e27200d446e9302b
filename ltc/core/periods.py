"""Dated attributes (SPEC §0.2): typed period tables, half-open ``[valid_from, valid_to)``.

Each attribute family is its own table with real columns and mixes in ``PeriodMixin``.
``period_table_args`` adds the CHECK and, on PostgreSQL only, the ``EXCLUDE USING gist``
constraint that forbids overlapping periods of the same subject (and key, e.g. a tag).
``add_period`` is the service-level check used on every database.

Set-based reading: ``periods_overlapping`` loads the periods of many subjects in one statement,
and ``value_on_each_day`` / ``values_on_each_day`` / ``each_day_by_subject`` answer "the value on
each day" from them in Python, without further queries.
"""
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from operator import attrgetter
from typing import Any, Protocol, TypeVar

from sqlalchemy import CheckConstraint, Date, and_, column, exists, func, inspect, or_, select, text
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, Session, aliased, mapped_column

from ltc.core.errors import Conflict, ValidationFailed
from ltc.core.months import days

P = TypeVar("P", bound="PeriodMixin")
S = TypeVar("S", bound="Dated")
K = TypeVar("K")
V = TypeVar("V")
#: subject ids per statement: well below the bound-parameter limits of SQLite (32,766) and
#: PostgreSQL (65,535)
MAX_IDS_PER_QUERY = 10_000


class PeriodMixin:
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)

    #: columns that identify "the same subject and attribute"; set on each subclass
    period_key: tuple[str, ...] = ()

    @classmethod
    def live_filter(cls):
        """The rows that count as periods at all (every reader and the overlap check apply it);
        None: all rows. A family whose rows can be voided (entitlements) excludes the void ones."""
        return None

    @property
    def last_day(self) -> date | None:
        """The last day covered (None: open-ended), as pages show it."""
        return None if self.valid_to is None else self.valid_to - timedelta(days=1)

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


def period_table_args(table: str, *key_columns: str, where: str | None = None) -> tuple:
    """CHECK from < to, plus a PostgreSQL exclusion constraint on the key columns (partial when
    ``where`` names the rows it applies to, e.g. ``status <> 'void'``)."""
    exclude = ExcludeConstraint(
        *[(col, "=") for col in key_columns],
        (func.daterange(column("valid_from"), column("valid_to"), "[)"), "&&"),
        using="gist",
        name=f"ex_{table}_no_overlap",
        where=text(where) if where else None,
    ).ddl_if(dialect="postgresql")
    return (
        CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name="period_order"),
        exclude,
    )


def _key_filter(model: type[P], key: dict[str, Any]):
    live = model.live_filter()
    return and_(*[getattr(model, col) == value for col, value in key.items()], *([] if live is None else [live]))


def overlap_filter(model: type[P], start: date, end: date | None):
    """Periods of ``model`` that intersect ``[start, end)``."""
    conditions = [or_(model.valid_to.is_(None), model.valid_to > start)]
    if (live := model.live_filter()) is not None:
        conditions.append(live)
    if end is not None:
        conditions.append(model.valid_from < end)
    return and_(*conditions)


def covering_filter(model: type[P], day: date):
    live = model.live_filter()
    return and_(model.valid_from <= day, or_(model.valid_to.is_(None), model.valid_to > day),
                *([] if live is None else [live]))


def ending_within(model: type[P], today: date, days: int):
    """Periods of ``model`` that end (``valid_to``, the first day no longer covered) after
    ``today`` and at most ``days`` days later, and that no period of the same subject and key
    continues from that day (a renewal already recorded needs no reminder)."""
    following = aliased(model)
    continued = exists(select(following.valid_from).where(
        *[getattr(following, col) == getattr(model, col) for col in model.period_key],
        following.valid_from == model.valid_to))
    return and_(model.valid_to.is_not(None), model.valid_to > today,
                model.valid_to <= today + timedelta(days=days), ~continued)


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
            "与已有期间 [%(start)s, %(end)s) 重叠", {"valid_from": "overlaps an existing period"},
            params={"start": str(clash.valid_from), "end": str(clash.valid_to or "∞")},
        )
    period = model(valid_from=valid_from, valid_to=valid_to, **values)
    session.add(period)
    session.flush()
    return period


# --- set-based reading ------------------------------------------------------------------------

class Dated(Protocol):
    valid_from: date
    valid_to: date | None


def periods_overlapping(session: Session, model: type[P], subject_ids: Iterable[int], start: date,
                        end: date | None, *, subject: str | None = None) -> dict[int, list[P]]:
    """Every period of the attribute family ``model`` that overlaps ``[start, end)`` (``end`` None:
    open) for each of ``subject_ids``, in one statement (one per ``MAX_IDS_PER_QUERY`` subjects).

    ``subject`` names the subject column, by default the first of ``model.period_key``. Every
    requested subject is a key, with an empty list when it has no such period (and when the
    window is empty); each list is ordered by ``valid_from``, then by the rest of the period key
    (e.g. the tag).
    """
    name = subject or model.period_key[0]
    ids = sorted(set(subject_ids))
    found: dict[int, list[P]] = {subject_id: [] for subject_id in ids}
    if end is not None and end <= start:
        return found
    subject_column = getattr(model, name)
    rest_of_key = [getattr(model, col) for col in model.period_key if col != name]
    for offset in range(0, len(ids), MAX_IDS_PER_QUERY):
        stmt = (select(model)
                .where(subject_column.in_(ids[offset:offset + MAX_IDS_PER_QUERY]),
                       overlap_filter(model, start, end))
                .order_by(subject_column, model.valid_from, *rest_of_key, *inspect(model).primary_key))
        for period in session.scalars(stmt):
            found[getattr(period, name)].append(period)
    return found


_UNSET: Any = object()


def _getter(value: str | Callable[[Any], V]) -> Callable[[Any], V]:
    return attrgetter(value) if isinstance(value, str) else value


def _clipped_days(period: Dated, start: date, end: date) -> Iterable[date]:
    stop = end if period.valid_to is None else min(period.valid_to, end)
    return days(max(period.valid_from, start), stop)


def value_on_each_day(periods: Iterable[S], start: date, end: date,
                      value: str | Callable[[S], V]) -> dict[date, V | None]:
    """The value of a single-valued attribute (status, category, price …) of one subject on each
    day of ``[start, end)``: ``value`` (an attribute name or a function) of the period covering
    the day, None where no period does. Raises ValueError if two periods cover the same day."""
    read = _getter(value)
    by_day: dict[date, Any] = dict.fromkeys(days(start, end), _UNSET)
    for period in periods:
        for day in _clipped_days(period, start, end):
            if by_day[day] is not _UNSET:
                raise ValueError(f"two periods cover {day.isoformat()}")
            by_day[day] = read(period)
    return {day: None if v is _UNSET else v for day, v in by_day.items()}


def values_on_each_day(periods: Iterable[S], start: date, end: date,
                       value: str | Callable[[S], V]) -> dict[date, frozenset[V]]:
    """For a multi-valued attribute (population tags, agreement care types): the set of values
    whose periods cover each day of ``[start, end)`` (empty where none does)."""
    read = _getter(value)
    by_day: dict[date, set[V]] = {day: set() for day in days(start, end)}
    for period in periods:
        for day in _clipped_days(period, start, end):
            by_day[day].add(read(period))
    return {day: frozenset(values) for day, values in by_day.items()}


def each_day_by_subject(periods: Mapping[K, Iterable[S]], start: date, end: date,
                        value: str | Callable[[S], V], *, multi: bool = False) -> dict[K, dict]:
    """``value_on_each_day`` (or ``values_on_each_day`` with ``multi=True``) for each subject of
    a ``periods_overlapping`` result: ``{subject: {day: value}}``."""
    expand = values_on_each_day if multi else value_on_each_day
    return {key: expand(subject_periods, start, end, value) for key, subject_periods in periods.items()}
