"""The generated city's settlements and activity of a month, set-based (``bench/city.py``).

``settle``: synthesised from the month's records, not by the settlement engine: one regular settlement
per provider with lines, priced with the REF amounts of ``ltc.demo.city.money`` (special: the grade's
quota + the chronic supplement per bed-day; institution: the daily price up to the level's cap; home:
the hourly rate of a visit without / with a medical item over the planned minutes; outreach: per visit,
the fund capped per level; family: the package when the month has four visits), the fund ratio of the
person's category (+ the uplift tags, capped) — over the payable units: the stay's bed-days within the
entitlement and before death, the done visits without a REJECT finding. Then the month's findings
linked, a 5 % sample of the persons, the insurer's refusals (30 % of the FLAG records, 2 % of the
sampled persons' other visits), the audit, and one violation point per V03 finding with a carer.

``activity``: the insurer's monthly follow-up sample (3 % of the persons with an entitlement, recorded in
the month; 30 % of the last month's still open), complaints (0.1 %, upheld half of the time, the last
month's open) and the carers' training (a quarter of the carers a month, 2–6 hours).
"""
from datetime import date

from city import SLOTS, Sql, u
from ltc.demo.city.money import (HOURLY, INSTITUTION_CAP, OUTREACH_FUND_CAP, PACKAGE, QUOTA, RATIO, SUPPLEMENT,
                                 UPLIFT, UPLIFT_TAGS, VISIT_PRICE)

MONTH_VISITS = "v.service_date >= :m0 AND v.service_date < :m1"


def _values(rows) -> str:
    return ", ".join("(" + ", ".join(f"'{v}'" if isinstance(v, str) else str(v) for v in row) + ")" for row in rows)


RATES = f"""
ratio(care_type, category, ratio) AS (VALUES {_values(
    (c, cat, r) for c, pair in RATIO.items() for cat, r in zip(("employee", "resident"), pair, strict=True))}),
quota(grade, level, rate) AS (VALUES {_values((g, lv, r) for (g, lv), r in QUOTA.items())}),
cap(level, rate, outreach_fund) AS (VALUES {_values(
    (lv, r, OUTREACH_FUND_CAP[lv]) for lv, r in INSTITUTION_CAP.items())}),
person AS (
  SELECT p.id, p.death_date, c.category, coalesce(t.uplift, false) AS uplift, coalesce(t.chronic, false) AS chronic
  FROM insured_persons p JOIN person_category_periods c ON c.person_id = p.id AND c.valid_to IS NULL
  LEFT JOIN (SELECT person_id, bool_or(tag IN ({", ".join(f"'{t}'" for t in sorted(UPLIFT_TAGS))})) AS uplift,
                    bool_or(tag = 'chronic_class_a') AS chronic FROM person_tag_periods GROUP BY person_id) t
    ON t.person_id = p.id
)"""

#: provider, person, care type, unit, medical, payable units of the month
UNITS = f"""
beds AS (
  SELECT s.provider_id, s.person_id, s.care_type, 'day' AS unit, false AS medical,
         least(coalesce(s.discharged_on, CAST(:m1 AS date)), CAST(:m1 AS date), coalesce(e.valid_to, CAST(:m1 AS date)),
               coalesce(p.death_date + 1, CAST(:m1 AS date)))
         - greatest(s.admitted_on, CAST(:m0 AS date), e.valid_from) AS units
  FROM stays s JOIN entitlements e ON e.person_id = s.person_id JOIN person p ON p.id = s.person_id
  WHERE s.admitted_on < :m1 AND (s.discharged_on IS NULL OR s.discharged_on > :m0)
), visited AS (
  SELECT v.provider_id, v.person_id, v.care_type,
         CASE v.care_type WHEN 'home' THEN 'minute' WHEN 'outreach' THEN 'visit' ELSE 'package' END AS unit,
         coalesce(sl.medical, false) AS medical,
         CASE v.care_type WHEN 'home' THEN sum(v.planned_minutes) WHEN 'outreach' THEN count(*)
              ELSE (count(*) >= 4)::int END AS units
  FROM visits v LEFT JOIN {SLOTS} sl ON sl.vt_id = v.visit_type_id
  WHERE {MONTH_VISITS} AND v.status = 'done' AND NOT EXISTS (
    SELECT 1 FROM findings f WHERE f.record_kind = 'visit' AND f.record_id = v.id AND f.severity = 'REJECT')
  GROUP BY 1, 2, 3, 4, 5
), units AS (SELECT * FROM beds WHERE units > 0 UNION ALL SELECT * FROM visited)"""

LINES = f"""
WITH {RATES}, {UNITS}, priced AS (
  SELECT st.id AS settlement_id, x.person_id, e.id AS entitlement_id, x.care_type, e.level, x.unit, x.units,
         CASE x.care_type
           WHEN 'special' THEN q.rate + CASE WHEN p.chronic THEN {SUPPLEMENT['chronic_class_a']} ELSE 0 END
           WHEN 'institution' THEN least(coalesce(pp.daily_price, c.rate), c.rate)
           WHEN 'home' THEN CASE WHEN x.medical THEN {HOURLY[True]} ELSE {HOURLY[False]} END
           WHEN 'outreach' THEN {VISIT_PRICE} ELSE {PACKAGE} END AS rate,
         least(1.0, r.ratio + CASE WHEN p.uplift THEN {UPLIFT} ELSE 0 END) AS ratio, c.outreach_fund
  FROM units x
  JOIN settlements st ON st.provider_id = x.provider_id AND st.month = :m0 AND st.kind = 'regular'
  JOIN entitlements e ON e.person_id = x.person_id JOIN person p ON p.id = x.person_id
  JOIN ratio r ON r.care_type = x.care_type AND r.category = p.category
  LEFT JOIN cap c ON c.level = e.level
  LEFT JOIN provider_grade_periods g ON g.org_id = x.provider_id AND g.valid_to IS NULL
  LEFT JOIN quota q ON q.grade = g.grade AND q.level = e.level
  LEFT JOIN provider_price_periods pp ON pp.org_id = x.provider_id AND pp.valid_to IS NULL
), billed AS (
  SELECT pr.*, round(CASE pr.unit WHEN 'minute' THEN pr.rate * pr.units / 60.0 ELSE pr.rate * pr.units END, 2)
         AS billable FROM priced pr
), funded AS (
  SELECT b.*, CASE WHEN b.care_type = 'outreach' THEN least(round(b.billable * b.ratio, 2), b.outreach_fund)
                   ELSE round(b.billable * b.ratio, 2) END AS fund FROM billed b
)
SELECT settlement_id, 1, 'regular', person_id, entitlement_id, care_type, level, CAST(:m0 AS date),
       CAST(:m1 AS date) - 1, rate, unit, units, billable, ratio, fund, billable - fund, CAST(:m0 AS date)
FROM funded ORDER BY settlement_id, person_id, care_type, unit
"""
LINE_COLUMNS = ("settlement_id", "revision", "kind", "person_id", "entitlement_id", "care_type", "level", "date_from",
                "date_to", "rate", "unit", "payable_units", "billable", "ratio", "fund", "copay", "service_month")
TOTALS = """
UPDATE settlements st SET billable = t.billable, fund = t.fund, copay = t.copay, net = t.fund,
       beneficiaries = t.persons
FROM (SELECT settlement_id, sum(billable) AS billable, sum(fund) AS fund, sum(copay) AS copay,
             count(DISTINCT person_id) AS persons FROM settlement_lines GROUP BY settlement_id) t
WHERE st.id = t.settlement_id AND st.month = :m0
"""
THIS_MONTH = "JOIN settlements st ON st.provider_id = {t}.provider_id AND st.month = :m0 AND st.kind = 'regular'"
DECISION_COLUMNS = ("settlement_id", "record_kind", "record_id", "person_id", "carer_id", "service_date", "origin",
                    "decision", "reason_code", "deducted_billable", "deducted_fund")
#: a refused visit's money: its planned minutes at the life-care hourly rate, the fund at 85 %
OFF_BILLABLE = f"round(v.planned_minutes * {HOURLY[False]} / 60.0, 2)"
OFF_FUND = f"round(v.planned_minutes * {HOURLY[False]} / 60.0 * 0.85, 2)"


def settle(sql: Sql, month: date, end: date, status: str) -> None:
    """The month's synthesised settlements in ``status`` (see the module)."""
    span = {"m0": month, "m1": end}
    sql.insert("settlements", ("provider_id", "month", "kind", "status", "revision", "as_of"),
               "SELECT o.id, CAST(:m0 AS date), 'regular', CAST(:status AS text), 1, CAST(:m1 AS date) "
               "FROM organisations o WHERE o.kind = 'provider' AND EXISTS (SELECT 1 FROM provider_care_type_periods c "
               "WHERE c.org_id = o.id) ORDER BY o.id", status=status, **span)
    sql.conn.exec_driver_sql("ANALYZE findings, settlements")
    sql.insert("settlement_lines", LINE_COLUMNS, LINES, **span)
    sql.run("settlement totals", TOTALS, **span)
    sql.insert("settlement_findings", ("settlement_id", "revision", "finding_id"),
               f"SELECT st.id, 1, f.id FROM findings f {THIS_MONTH.format(t='f')} WHERE f.month = :m0 ORDER BY f.id",
               **span)
    sql.insert("settlement_samples", ("settlement_id", "person_id"),
               "SELECT DISTINCT l.settlement_id, l.person_id FROM settlement_lines l JOIN settlements st "
               "ON st.id = l.settlement_id WHERE st.month = :m0 "
               f"AND {u('l.person_id::bigint * 1000 + extract(month FROM st.month)', 11)} < 0.05",
               **span)
    _decisions(sql, span)
    sql.insert("settlement_audits", ("settlement_id", "sample_rate", "sample_seed", "deducted_billable",
                                     "deducted_fund",
                                     "paid_on"),
               "SELECT st.id, 0.05, :seed, coalesce(sum(d.deducted_billable), 0), coalesce(sum(d.deducted_fund), 0), "
               "CASE WHEN st.status = 'paid' THEN CAST(:m1 AS date) + 24 END FROM settlements st "
               "LEFT JOIN settlement_record_decisions d ON d.settlement_id = st.id AND d.decision = 'refuse' "
               "WHERE st.month = :m0 GROUP BY st.id, st.status ORDER BY st.id", **span)
    sql.insert("violation_points", ("carer_id", "provider_id", "rule", "record_kind", "record_id", "service_date",
                                    "finding_id",
                                    "settlement_id", "attached_on", "cause", "points"),
               f"SELECT f.carer_id, f.provider_id, f.rule, f.record_kind, f.record_id, f.service_date, f.id, st.id, "
               f"CAST(:m1 AS date) + 40, 'reject', 1 FROM findings f {THIS_MONTH.format(t='f')} "
               "WHERE f.month = :m0 AND f.rule = 'V03' AND f.carer_id IS NOT NULL AND st.status = 'paid' ORDER BY f.id",
               **span)
    sql.insert("point_settlement_marks", ("settlement_id", "done_on", "points"),
               "SELECT st.id, CAST(:m1 AS date) + 40, coalesce(sum(vp.points), 0) FROM settlements st "
               "LEFT JOIN violation_points vp ON vp.settlement_id = st.id WHERE st.month = :m0 AND st.status = 'paid' "
               "GROUP BY st.id ORDER BY st.id", **span)


def _decisions(sql: Sql, span: dict) -> None:
    flagged = u("f.record_id", 13)
    sql.insert("settlement_record_decisions", DECISION_COLUMNS,
               "SELECT DISTINCT ON (f.record_id) st.id, 'visit', f.record_id, f.person_id, f.carer_id, "
               "f.service_date, "
               f"'flag', CASE WHEN {flagged} < 0.3 THEN 'refuse' ELSE 'pay' END, "
               f"CASE WHEN {flagged} >= 0.3 THEN NULL WHEN f.rule = 'V01' THEN 'LOCATION' ELSE 'NO_EVIDENCE' END, "
               f"CASE WHEN {flagged} < 0.3 THEN {OFF_BILLABLE} ELSE 0 END, "
               f"CASE WHEN {flagged} < 0.3 THEN {OFF_FUND} ELSE 0 END "
               f"FROM findings f JOIN visits v ON v.id = f.record_id {THIS_MONTH.format(t='f')} "
               "WHERE f.month = :m0 AND f.severity = 'FLAG' ORDER BY f.record_id, f.rule", **span)
    sql.insert("settlement_record_decisions", DECISION_COLUMNS,
               f"SELECT st.id, 'visit', v.id, v.person_id, v.carer_id, v.service_date, 'sample', 'refuse', "
               f"'NOT_DELIVERED', {OFF_BILLABLE}, {OFF_FUND} FROM visits v {THIS_MONTH.format(t='v')} "
               "JOIN settlement_samples sa ON sa.settlement_id = st.id AND sa.person_id = v.person_id "
               f"WHERE {MONTH_VISITS} AND {u('v.id', 17)} < 0.02 "
               "AND NOT EXISTS (SELECT 1 FROM settlement_record_decisions d "
               "WHERE d.settlement_id = st.id AND d.record_kind = 'visit' AND d.record_id = v.id) ORDER BY v.id",
               **span)


def _active(share: float, salt: int) -> str:
    """FROM the entitlements in force in the month, a seeded ``share`` of them."""
    return ("FROM entitlements e WHERE e.valid_from < :m1 AND (e.valid_to IS NULL OR e.valid_to > :m0) "
            f"AND {u('e.person_id::bigint * 1000 + extract(month FROM CAST(:m0 AS date))', salt)} < {share}")


def activity(sql: Sql, month: date, end: date, *, last: bool) -> None:
    """The month's follow-ups, complaints and training (see the module)."""
    span = {"m0": month, "m1": end, "tag": f"sample:{month:%Y-%m}", "last": last}
    insurer = "(SELECT min(id) FROM organisations WHERE kind = 'insurer')"
    sql.insert("follow_up_draws", ("insurer_id", "month", "seed", "active", "sampled", "flagged", "flag_sampled",
                                   "drawn_at"),
               f"SELECT {insurer}, CAST(:m0 AS date), :seed, count(*), count(*) FILTER (WHERE true), 0, 0, "
               f"CAST(:m0 AS timestamptz) + interval '3 hours' {_active(0.03, 19)}", **span)
    done = f"NOT (:last AND {u('e.person_id', 23)} < 0.3)"
    score = f"5 - (CASE WHEN {u('e.person_id + extract(month FROM CAST(:m0 AS date))::int', 29)} < 0.5 THEN 0 ELSE " \
            f"({u('e.person_id', 31)} * 4)::int END)"
    sql.insert("follow_ups", ("person_id", "insurer_id", "provider_id", "origin", "source_key", "draw_id", "listed_on",
                              "due_on", "status", "visited_on", "channel", "attitude", "punctuality", "skill",
                              "overall", "confirmed"),
               f"SELECT e.person_id, {insurer}, e.provider_id, 'monthly_sample', CAST(:tag AS text), "
               "(SELECT max(id) FROM follow_up_draws), CAST(:m0 AS date), CAST(:m1 AS date) - 1, "
               f"CASE WHEN {done} THEN 'done' ELSE 'open' END, "
               f"CASE WHEN {done} THEN CAST(:m0 AS date) + (e.person_id % 25) END, "
               f"CASE WHEN {done} THEN 'phone' END, CASE WHEN {done} THEN {score} END, "
               f"CASE WHEN {done} THEN {score} END, CASE WHEN {done} THEN {score} END, "
               f"CASE WHEN {done} THEN {score} END, CASE WHEN {done} THEN true END "
               f"{_active(0.03, 19)} ORDER BY e.person_id", **span)
    upheld = u("e.person_id * 7", 37)
    sql.insert("complaints", ("person_id", "insurer_id", "provider_id", "complainant", "complainant_name",
                              "channel", "what", "happened_on", "received_on", "status", "outcome", "reply",
                              "closed_on"),
               f"SELECT e.person_id, {insurer}, e.provider_id, 'family', '家属', 'phone', '合成投诉：服务不到位', "
               "CAST(:m0 AS date) + (e.person_id % 20), CAST(:m0 AS date) + (e.person_id % 20) + 1, "
               "CASE WHEN :last THEN 'open' ELSE 'closed' END, "
               f"CASE WHEN :last THEN NULL WHEN {upheld} < 0.5 THEN 'upheld' ELSE 'not_upheld' END, "
               "CASE WHEN :last THEN NULL ELSE '已核实处理' END, "
               "CASE WHEN :last THEN NULL ELSE CAST(:m0 AS date) + (e.person_id % 20) + 5 END "
               f"{_active(0.001, 41)} ORDER BY e.person_id", **span)
    sql.insert("carer_trainings", ("carer_id", "day", "hours", "topic"),
               "SELECT c.id, CAST(:m0 AS date) + (c.id % 27), "
               "2 + (c.id + extract(month FROM CAST(:m0 AS date))::int) % 5, "
               "'合成培训：规范服务' FROM carers c "
               f"WHERE {u('c.id::bigint * 1000 + extract(month FROM CAST(:m0 AS date))', 43)} < 0.25 ORDER BY c.id",
               **span)
