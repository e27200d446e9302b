"""A "not confirmed" follow-up in the provider's settlement (issue 12 point 1, SPEC §7.2, §8): the
person's units of the month are held (payable until the insurer refuses them) and the insurer decides
those records in its audit like flagged ones, with the origin ``follow_up``; billing reads the held
persons through its own registry and never imports ratings."""
from datetime import date, datetime, timezone

from sqlalchemy import select

from ltc.billing import holds
from ltc.billing.models import Settlement, SettlementLine
from ltc.billing.review import auditing, workflow
from ltc.billing.review.records import flagged_records
from ltc.ratings.followups import recording
from ltc.ratings.followups.holds import held_persons
from tests.carer_builders import provider_district
from tests.compliance_db_builders import carer
from tests.ratings_builders import JUNE_20, actor, listed, visit_record
from tests.settlement_builders import beneficiary, generate, home_plan, home_visit

JUNE = date(2026, 6, 1)
SUBMITTED = datetime(2026, 7, 2, 2, 0, tzinfo=timezone.utc)
AUDITED = datetime(2026, 7, 8, 2, 0, tzinfo=timezone.utc)


def _home_month(session, world, n: int):
    someone = beneficiary(session, n, world.provider, care_type="home", level=5)
    home_plan(session, someone, world.provider)
    nurse = carer(session, world.provider, n)
    for day in (3, 10, 17):
        home_visit(session, someone, nurse, date(2026, 6, day))
    return someone


def _generated(session, world) -> Settlement:
    return session.get(Settlement, generate(session, world.provider, JUNE).settlement_id)


def _lines(session, settlement, person):
    return session.scalars(select(SettlementLine).where(
        SettlementLine.settlement_id == settlement.id, SettlementLine.revision == settlement.revision,
        SettlementLine.person_id == person.id)).all()


def test_the_follow_ups_reader_is_registered_with_billing(app):
    assert held_persons in holds._READERS


def test_not_confirmed_holds_the_month_in_the_settlement_and_the_insurer_decides_it(session, world):
    provider_district(session, world.provider, "东城区")
    held, other = _home_month(session, world, 81), _home_month(session, world, 82)
    f = listed(session, held)
    recording.record_follow_up(session, f.id, visit_record(confirmed=False, visited_on=date(2026, 6, 18)),
                               actor=actor(world, "ins_op"), now=JUNE_20)
    settlement = _generated(session, world)
    (line,) = _lines(session, settlement, held)
    assert line.held_units == line.payable_units == 180 and line.params["held"] == {"follow_up": 180}
    assert line.fund > 0                                   # payable until the insurer refuses them
    assert all(ln.held_units == 0 for ln in _lines(session, settlement, other))
    workflow.submit(session, settlement, remarks={}, actor=actor(world, "pr_op"), now=SUBMITTED)
    records = flagged_records(session, settlement)
    assert {r.rules[0] for r in records} == {"follow_up"} and {r.person_id for r in records} == {held.id}
    keys = [r.key for r in records]
    assert auditing.decide_flagged(session, settlement, keys[:1], "refuse", reason_code="OTHER",
                                   reason_text="本人否认接受服务", actor=actor(world, "ins_rev"), now=AUDITED) == 1
    auditing.decide_flagged(session, settlement, keys[1:], "pay", actor=actor(world, "ins_rev"), now=AUDITED)
    decided = auditing.decisions(session, settlement)
    assert {d.origin for d in decided.values()} == {"follow_up"} and len(decided) == 3
    assert decided[keys[0]].deducted_fund > 0


def test_a_confirmed_follow_up_holds_nothing(session, world):
    provider_district(session, world.provider, "东城区")
    someone = _home_month(session, world, 83)
    f = listed(session, someone)
    recording.record_follow_up(session, f.id, visit_record(confirmed=True), actor=actor(world, "ins_op"), now=JUNE_20)
    settlement = _generated(session, world)
    assert [ln.held_units for ln in _lines(session, settlement, someone)] == [0]
