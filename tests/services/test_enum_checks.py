"""Every CHECK constraint over a set of values in the models comes from a ``StrEnum`` via
``enum_check``, so the allowed values are written once, in a pure module."""
import re
from datetime import date
from enum import StrEnum

import pytest
from sqlalchemy import CheckConstraint, Column, MetaData, String, Table
from sqlalchemy.exc import IntegrityError

from ltc.assessment.applications.states import Kind
from ltc.core.db import enum_check
from ltc.extensions import db
from tests.assessment_builders import past_conclusion
from tests.people_builders import person

IN_LIST = re.compile(r"\bIN\s*\(", re.IGNORECASE)


def hand_written_value_lists(metadata: MetaData) -> list[str]:
    """``table.constraint`` of each CHECK with an ``IN (…)`` list that ``enum_check`` did not write."""
    found = []
    for table in metadata.sorted_tables:
        for constraint in table.constraints:
            if not isinstance(constraint, CheckConstraint) or not IN_LIST.search(constraint.sqltext.text):
                continue
            enum = constraint.info.get("enum")
            if not (isinstance(enum, type) and issubclass(enum, StrEnum)) or not _generated_by(constraint, enum):
                found.append(f"{table.name}.{constraint.name}")
    return found


def _generated_by(constraint: CheckConstraint, enum: type[StrEnum]) -> bool:
    column = constraint.sqltext.text.split(" ", 1)[0]
    return any(constraint.sqltext.text == enum_check(column, enum, nullable=nullable).sqltext.text
               for nullable in (False, True))


def test_every_value_list_check_of_the_models_comes_from_an_enum(app):
    checks = [c for t in db.metadata.sorted_tables for c in t.constraints
              if isinstance(c, CheckConstraint) and IN_LIST.search(c.sqltext.text)]
    assert len(checks) > 30  # the models were loaded
    assert hand_written_value_lists(db.metadata) == []


def test_a_hand_written_value_list_check_is_found():
    class Mood(StrEnum):
        CALM = "calm"

    metadata = MetaData()
    Table("moods", metadata, Column("mood", String(10)), Column("other", String(10)),
          CheckConstraint("mood IN ('calm', 'angry')", name="ck_moods_mood"),
          CheckConstraint("other IN ('calm')", name="ck_moods_other", info={"enum": Mood}),
          CheckConstraint("length(mood) > 0", name="ck_moods_length"),
          enum_check("mood", Mood, name="ck_generated"))
    assert hand_written_value_lists(metadata) == ["moods.ck_moods_mood"]


def test_care_plan_statuses_include_the_revision_states(app):
    """A version saved after the grant is pending, then final, rejected or replaced (SPEC §4.2)."""
    from ltc.providers.care_plans.models import CarePlan
    [status] = [c for c in CarePlan.__table__.constraints if c.name == "ck_care_plans_status"]
    assert status.sqltext.text == "status IN ('draft', 'final', 'pending', 'rejected', 'replaced')"


def test_a_collision_may_be_resolved_as_merged_and_nothing_else_unknown(session, world):
    import pytest
    from sqlalchemy.exc import IntegrityError

    from ltc.people.models import IdNumberCollision
    from tests.conftest import NOW
    from tests.people_builders import person

    someone = person(session, 1)
    row = IdNumberCollision(person_id=someone.id, stored="x", normalised="X", kind="invalid", found_at=NOW,
                            resolved_at=NOW, resolution="merged")
    session.add(row)
    session.flush()
    with pytest.raises(IntegrityError), session.begin_nested():
        row.resolution = "deleted"
        session.flush()


def test_the_application_kind_check_takes_migrated_and_nothing_unknown(session, world):
    someone = person(session, 1)
    assert past_conclusion(session, someone.id, date(2025, 6, 1), kind=Kind.MIGRATED.value).kind == "migrated"
    with pytest.raises(IntegrityError), session.begin_nested():
        past_conclusion(session, someone.id, date(2025, 7, 1), kind="legacy")


def test_a_queued_import_may_load_stays_or_leaves_and_nothing_unknown(session, world):
    from ltc.scheduler.models import QueuedImport
    from tests.conftest import NOW

    user = world.users["pr2_op"]

    def queue(kind: str) -> QueuedImport:
        row = QueuedImport(kind=kind, filename="f.csv", sha256="a" * 64, rows=1, requested_by_id=user.id,
                           org_id=user.org_id, requested_at=NOW)
        session.add(row)
        session.flush()
        return row

    assert [queue(kind).kind for kind in ("stays", "leaves")] == ["stays", "leaves"]
    with pytest.raises(IntegrityError), session.begin_nested():
        queue("visits")


def test_a_settlement_takes_only_the_review_statuses_and_a_line_only_the_known_units(session, world):
    from ltc.billing.models import Settlement, SettlementLine
    from tests.conftest import NOW

    settlement = Settlement(provider_id=world.provider.id, month=date(2026, 2, 1), as_of=date(2026, 3, 1),
                            generated_at=NOW)
    session.add(settlement)
    session.flush()
    assert settlement.status == "draft" and settlement.kind == "regular"
    with pytest.raises(IntegrityError), session.begin_nested():
        settlement.status = "cancelled"
        session.flush()
    line = SettlementLine(settlement_id=settlement.id, revision=1, care_type="home", date_from=date(2026, 2, 1),
                          date_to=date(2026, 3, 1), unit="hour")
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(line)
        session.flush()


def test_the_settlement_review_takes_only_known_decisions_and_batch_line_statuses(session, world):
    from ltc.billing.review.models import PaymentBatch, PaymentBatchLine, SettlementRecordDecision
    from tests.conftest import NOW
    from tests.settlement_review_builders import settlement

    built = settlement(session, world, persons=1, visits_each=1, with_reject=False)
    decision = SettlementRecordDecision(settlement_id=built.settlement.id, record_kind="visit", record_id=1,
                                        person_id=built.persons[0].id, service_date=date(2026, 6, 10), origin="flag",
                                        decision="maybe", decided_at=NOW)
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(decision)
        session.flush()
    batch = PaymentBatch(insurer_id=world.insurer.id, created_at=NOW)
    session.add(batch)
    session.flush()
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(PaymentBatchLine(batch_id=batch.id, settlement_id=built.settlement.id, amount=1, status="lost"))
        session.flush()


def test_money_tables_take_only_their_known_kinds_statuses_and_sources(session, world):
    from decimal import Decimal

    from ltc.billing.deposits.models import DepositEntry
    from ltc.billing.family.models import FamilyAllowanceLine
    from ltc.billing.stars.models import ProviderStarEvent
    from tests.conftest import NOW
    from tests.people_builders import person

    provider = world.provider.id
    entry = DepositEntry(provider_id=provider, kind="withheld", month=date(2026, 1, 1), year=2026,
                         amount=Decimal("1.00"), at=NOW)
    session.add(entry)
    session.flush()
    for bad in (DepositEntry(provider_id=provider, kind="forfeited", month=date(2026, 1, 1), year=2026,
                             amount=Decimal("1.00"), at=NOW),
                ProviderStarEvent(org_id=provider, kind="weekly", period=date(2026, 1, 1), stars=3, source="entered",
                                  reason="x", at=NOW),
                ProviderStarEvent(org_id=provider, kind="monthly", period=date(2026, 1, 1), stars=3, source="guessed",
                                  reason="x", at=NOW),
                FamilyAllowanceLine(month=date(2026, 6, 1), person_id=person(session, 3).id, provider_id=provider,
                                    days=1, amount=Decimal("15.00"), status="cancelled", account_no="12345678",
                                    generated_at=NOW)):
        with pytest.raises(IntegrityError), session.begin_nested():
            session.add(bad)
            session.flush()


def test_violation_points_take_the_rule_codes_and_fraud_only(app):
    """A ledger row's rule is a rule code of SPEC §6 or the insurer's fraud finding."""
    from ltc.ratings.points.kinds import PointRule

    assert {"V03", "S01", "FRAUD"} <= {r.value for r in PointRule}
    [check] = [c for c in db.metadata.tables["violation_points"].constraints
               if isinstance(c, CheckConstraint) and c.name == "ck_violation_points_rule"]
    assert "'FRAUD'" in check.sqltext.text and "'XYZ'" not in check.sqltext.text
def test_a_follow_up_takes_only_the_known_origins_channels_and_scores_and_a_decision_the_follow_up_origin(
        session, world):
    from ltc.billing.review.models import SettlementRecordDecision
    from ltc.ratings.followups.models import FollowUp
    from tests.conftest import NOW

    someone = person(session, 1)
    row = FollowUp(person_id=someone.id, insurer_id=world.insurer.id, origin="complaint", source_key="k",
                   listed_on=date(2026, 6, 1), due_on=date(2026, 6, 30), status="open", created_at=NOW)
    session.add(row)
    session.flush()
    for column, value in (("origin", "whim"), ("channel", "letter"), ("overall", 6), ("status", "lost")):
        with pytest.raises(IntegrityError), session.begin_nested():
            setattr(row, column, value)
            session.flush()
    [origin] = [c for c in SettlementRecordDecision.__table__.constraints
                if c.name == "ck_settlement_record_decisions_origin"]
    assert origin.sqltext.text == "origin IN ('flag', 'sample', 'follow_up')"


def test_a_complaint_takes_only_the_known_outcomes_and_a_closed_one_has_one(session, world):
    from ltc.ratings.complaints.models import Complaint
    from tests.conftest import NOW

    someone = person(session, 1)
    row = Complaint(person_id=someone.id, insurer_id=world.insurer.id, provider_id=world.provider.id,
                    complainant="family", complainant_name="李四", channel="counter", what="x",
                    happened_on=date(2026, 6, 1), received_on=date(2026, 6, 2), status="open", created_at=NOW)
    session.add(row)
    session.flush()
    for values in ({"channel": "mail"}, {"status": "closed"}, {"status": "closed", "outcome": "partly"}):
        with pytest.raises(IntegrityError), session.begin_nested():
            for column, value in values.items():
                setattr(row, column, value)
            session.flush()


def test_a_rating_run_and_a_rating_component_take_only_their_kinds(app):
    """A run is monthly or annual; a component is one of SPEC §8's (staffing replaces carers)."""
    for table, name, known in (("rating_runs", "ck_rating_runs_kind", "'annual'"),
                               ("provider_rating_components", "ck_provider_rating_components_component",
                                "'staffing'")):
        [check] = [c for c in db.metadata.tables[table].constraints
                   if isinstance(c, CheckConstraint) and c.name == name]
        assert known in check.sqltext.text and "'weekly'" not in check.sqltext.text


def test_rectification_and_agreement_review_values_come_from_their_enums(session, world):
    """A notice's status and a proposal's cause / decision are the enums' values; anything else is refused."""
    from ltc.ratings.effects.kinds import NoticeStatus, ProposalDecision
    from ltc.ratings.effects.models import AgreementReviewProposal, RectificationNotice

    assert {s.value for s in NoticeStatus} == {"awaiting_response", "awaiting_check", "accepted"}
    assert {d.value for d in ProposalDecision} == {"suspend", "end", "keep"}
    for bad in (RectificationNotice(number="X1", provider_id=world.provider.id, month=date(2026, 1, 1), stars=2,
                                    issued_on=date(2026, 2, 2), status="closed"),
                AgreementReviewProposal(provider_id=world.provider.id, year=2025, stars=1, cause="bad_luck",
                                        status="pending")):
        with pytest.raises(IntegrityError), session.begin_nested():
            session.add(bad)
            session.flush()


def test_supervision_report_status_comes_from_its_enum_and_an_issued_report_needs_its_pdf(session):
    """A report is pending or issued; an issued one without its PDF is refused."""
    from ltc.supervision.report.models import ReportStatus, SupervisionReport

    assert {s.value for s in ReportStatus} == {"pending", "issued"}
    for bad in (SupervisionReport(month=date(2026, 1, 1), number="JGYB-2026-01", status="draft"),
                SupervisionReport(month=date(2026, 2, 1), number="JGYB-2026-02", status="issued", data={})):
        with pytest.raises(IntegrityError), session.begin_nested():
            session.add(bad)
            session.flush()
