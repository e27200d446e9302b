"""Agencies' levels compared with the city's (issue 13 point 1): per agency, the share of its conclusions
at the scale's two highest levels (SPEC §3.2: 4 重度失能Ⅱ级 and 5 重度失能Ⅲ级) against the city's share.

An agency is flagged when its share lies more than two standard errors from the city's:
|p_a − p| > 2 · SE with SE = √(p(1 − p) / n), p the city's share and n the agency's conclusions (the
spread a share of n conclusions would show by chance if the agency graded like the city). Exactly two
standard errors is not flagged. Conclusions are counted by conclusion date; the level is the one the
agency graded (a 复评 that changed it counts for the agency that made the 复评).
"""
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.assessment.applications.policy import LEVELS
from ltc.orgs.models import Organisation
from ltc.supervision.facts import fact_rows
from ltc.supervision.figures import Audience, Column, Dim, FigureData, Filters, ValueKind, Viewer
from ltc.supervision.themes.assessment_facts import CONCLUSIONS

#: the scale's two highest levels (SPEC §3.2)
TOP_LEVELS = (LEVELS[1] - 1, LEVELS[1])
HIGH, LOW = "high", "low"
#: msgids of the flag column (label table ``level_flag``)
FLAG_LABELS = {HIGH: "显著偏高", LOW: "显著偏低"}
#: the figures ignore the level filter: they are about the levels themselves
DIMS = frozenset({Dim.DISTRICT, Dim.CARE_TYPE, Dim.MONTH})
PLACES = Decimal("0.0001")
DESCRIPTION = ("各评估机构评定为最高两级（4–5级）的结论占比与全市占比比较：占比与全市占比之差超过 2 个标准误时标记，"
               "标准误 SE = √(p(1−p)/n)，p 为全市占比，n 为该机构的结论数；按结论日期计数，等级为该机构评定的等级。")


@dataclass(frozen=True)
class Comparison:
    conclusions: int
    top: int
    share: Decimal
    city: Decimal
    se: Decimal
    flag: str | None

    @property
    def low(self) -> Decimal:
        return max(self.city - 2 * self.se, Decimal(0))

    @property
    def high(self) -> Decimal:
        return min(self.city + 2 * self.se, Decimal(1))


def compare(top: int, conclusions: int, city_top: int, city_conclusions: int) -> Comparison:
    """One agency's ``top`` of ``conclusions`` against the city's ``city_top`` of ``city_conclusions``
    (both positive counts of conclusions)."""
    p = Decimal(city_top) / Decimal(city_conclusions)
    share = Decimal(top) / Decimal(conclusions)
    se = (p * (1 - p) / conclusions).sqrt()
    flag = HIGH if share - p > 2 * se else LOW if p - share > 2 * se else None
    return Comparison(conclusions, top, share, p, se, flag)


def _counts(session: Session, viewer: Viewer, filters: Filters) -> dict[int, tuple[int, int]]:
    """Per agency: (conclusions at the two highest levels, all conclusions)."""
    out: dict[int, tuple[int, int]] = {}
    for agency_id, level, value in fact_rows(session, CONCLUSIONS, viewer, filters, by=("agency_id", "level"),
                                             dims=DIMS):
        top, total = out.get(agency_id, (0, 0))
        out[agency_id] = (top + (int(value) if level in TOP_LEVELS else 0), total + int(value))
    return out


def city_counts(session: Session, filters: Filters) -> tuple[int, int]:
    counts = _counts(session, Viewer(Audience.MIA), filters).values()
    return sum(top for top, _ in counts), sum(total for _, total in counts)


def comparisons(session: Session, viewer: Viewer, filters: Filters) -> dict[int, Comparison]:
    """The viewer's agencies (an agency: itself; an insurer: the conclusions of its districts) against the
    whole city, within the filters."""
    city_top, city_total = city_counts(session, filters)
    if not city_total:
        return {}
    return {agency_id: compare(top, total, city_top, city_total)
            for agency_id, (top, total) in _counts(session, viewer, filters).items() if total}


def org_names(session: Session, ids) -> Mapping[int, str]:
    ids = sorted(set(ids))
    if not ids:
        return {}
    return dict(session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))).all())


COLUMNS = (Column("评估机构", ValueKind.TEXT), Column("结论数"), Column("4–5级结论数"),
           Column("4–5级占比", ValueKind.SHARE), Column("全市占比", ValueKind.SHARE),
           Column("标准误", ValueKind.NUMBER),
           Column("全市占比 − 2 个标准误", ValueKind.SHARE), Column("全市占比 + 2 个标准误", ValueKind.SHARE),
           Column("偏离标记", ValueKind.TEXT, labels="level_flag"))
NOTES = {HIGH: "%(agency)s 的 4–5级占比 %(share)s 高于全市占比 %(city)s 超过 2 个标准误",
         LOW: "%(agency)s 的 4–5级占比 %(share)s 低于全市占比 %(city)s 超过 2 个标准误"}


def levels_table(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    """A row per agency (by name): its counts and share, the city's share and the 2-SE band, the flag; a
    note per flagged agency. Chart: the agency's share next to the city's."""
    found = comparisons(session, viewer, filters)
    names = org_names(session, found)
    rows, notes = [], []
    for agency_id, c in sorted(found.items(), key=lambda item: names.get(item[0], "")):
        name = names.get(agency_id, str(agency_id))
        rows.append((name, c.conclusions, c.top, _q(c.share), _q(c.city), _q(c.se), _q(c.low), _q(c.high),
                     c.flag))
        if c.flag:
            notes.append({"detail": NOTES[c.flag], "params": {"agency": name, "share": f"{c.share:.1%}",
                                                              "city": f"{c.city:.1%}"}})
    return FigureData(COLUMNS, tuple(rows), x=0, series=(3, 4), notes=tuple(notes))


def _q(value: Decimal) -> Decimal:
    return value.quantize(PLACES)
