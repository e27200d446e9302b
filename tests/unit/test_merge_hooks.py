"""Every domain holding references to insured persons registered a merge hook (SPEC §2: a merge
moves every record of the duplicate); a new table referencing persons without one fails here."""
from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table

from ltc.extensions import db
from ltc.people.merge_hooks import MERGE_HOOKS, uncovered_references


def test_every_reference_to_a_person_is_answered_for_by_a_hook(app):
    assert list(MERGE_HOOKS) == ["people", "applications", "care_plans", "stays", "visits",
                                 "beneficiary_carers", "reviews", "entitlements", "findings",
                                 "settlements", "beneficiary_statements", "family_allowances",
                                 "follow_ups", "complaints"]
    assert uncovered_references(db.metadata) == set()


def test_a_new_table_referencing_persons_without_a_hook_is_reported(app):
    extended = MetaData()
    for table in db.metadata.sorted_tables:
        table.to_metadata(extended)
    Table("home_calls", extended, Column("id", Integer, primary_key=True),
          Column("beneficiary_id", ForeignKey("insured_persons.id")))
    assert ("home_calls", "beneficiary_id") in uncovered_references(extended)


def test_wiring_twice_registers_each_hook_once(app):
    from ltc import wire

    before = dict(MERGE_HOOKS)
    wire()
    assert MERGE_HOOKS == before
