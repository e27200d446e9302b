"""The date rules of SPEC §4.2 (pure)."""
from datetime import date

import pytest

from ltc.entitlements import dates


@pytest.mark.parametrize("care_type, concluded, start", [
    ("institution", date(2026, 3, 16), date(2026, 3, 1)),
    ("special", date(2026, 3, 31), date(2026, 3, 1)),
    ("home", date(2026, 3, 16), date(2026, 4, 1)),
    ("outreach", date(2026, 3, 1), date(2026, 4, 1)),
    ("family", date(2026, 3, 31), date(2026, 4, 1)),
    ("home", date(2026, 12, 15), date(2027, 1, 1)),       # December → January of the next year
    ("family", date(2026, 12, 31), date(2027, 1, 1)),
    ("institution", date(2026, 12, 31), date(2026, 12, 1)),
    ("special", date(2027, 1, 1), date(2027, 1, 1)),
])
def test_first_entitlement_starts_by_care_type(care_type, concluded, start):
    assert dates.first_start(care_type, concluded) == start


def test_an_unknown_care_type_has_no_start():
    with pytest.raises(ValueError):
        dates.first_start("spa", date(2026, 3, 16))


@pytest.mark.parametrize("trigger, start", [
    (date(2026, 3, 16), date(2026, 4, 1)), (date(2026, 3, 1), date(2026, 4, 1)),
    (date(2026, 2, 28), date(2026, 3, 1)), (date(2026, 12, 31), date(2027, 1, 1)),
])
def test_a_change_starts_the_first_of_the_month_after_the_trigger(trigger, start):
    assert dates.change_start(trigger) == start


def test_the_end_is_the_conclusion_validity_end_when_nothing_comes_first():
    assert dates.entitlement_end(date(2028, 3, 16)) == (date(2028, 3, 16), "expiry")


def test_death_on_the_last_day_of_a_month_ends_on_the_first_of_the_next():
    assert dates.entitlement_end(date(2028, 3, 16), death_date=date(2026, 2, 28)) == (date(2026, 3, 1), "death")
    assert dates.entitlement_end(date(2028, 3, 16), death_date=date(2026, 12, 31)) == (date(2027, 1, 1), "death")


def test_an_expiry_earlier_than_death_wins():
    assert dates.entitlement_end(date(2026, 5, 1), death_date=date(2026, 6, 10)) == (date(2026, 5, 1), "expiry")


def test_a_change_ends_the_old_entitlement_on_the_new_start():
    new_start = dates.change_start(date(2026, 5, 20))
    assert dates.entitlement_end(date(2027, 1, 1), replaced_from=new_start) == (date(2026, 6, 1), "change")


def test_on_a_tie_death_is_the_reason():
    assert dates.entitlement_end(date(2026, 6, 1), death_date=date(2026, 5, 31),
                                 replaced_from=date(2026, 6, 1)) == (date(2026, 6, 1), "death")


def test_a_retroactive_start_is_just_a_date_in_the_past():
    # concluded in January, granted in March: institution care runs from 1 January
    assert dates.first_start("institution", date(2026, 1, 20)) == date(2026, 1, 1)


# --- revised SPEC §4.2: first grants never start before the previous entitlement ends ------

@pytest.mark.parametrize("care_type, concluded, previous_end, start", [
    # a late renewal of institution care: the old one ended 10 March, concluded 20 March
    ("institution", date(2026, 3, 20), date(2026, 3, 10), date(2026, 3, 10)),
    ("special", date(2026, 3, 20), date(2026, 3, 25), date(2026, 3, 25)),
    # a lapse long enough: the usual first start
    ("institution", date(2026, 3, 20), date(2026, 2, 10), date(2026, 3, 1)),
    ("home", date(2026, 3, 20), date(2026, 3, 10), date(2026, 4, 1)),
    ("home", date(2026, 3, 20), date(2026, 4, 15), date(2026, 4, 15)),
    ("family", date(2026, 3, 20), None, date(2026, 4, 1)),
])
def test_a_first_entitlement_after_a_lapse_starts_at_the_later_of_its_start_and_the_previous_end(
        care_type, concluded, previous_end, start):
    assert dates.first_start(care_type, concluded, previous_end=previous_end) == start


# --- which grants are change cases ---------------------------------------------------------

PREVIOUS = (date(2024, 3, 15), date(2026, 3, 15))   # [from, to) of the person's latest entitlement


@pytest.mark.parametrize("previous, concluded, today, opened, change", [
    (None, date(2026, 3, 5), date(2026, 3, 20), (), False),                          # no entitlement ever
    (PREVIOUS, date(2026, 3, 5), date(2026, 3, 20), (), True),                       # concluded while active
    (PREVIOUS, date(2026, 3, 14), date(2026, 3, 14), (), True),                      # its last day
    (PREVIOUS, date(2026, 3, 20), date(2026, 3, 20), (), False),                     # after the end: a lapse
    (PREVIOUS, date(2026, 3, 20), date(2026, 3, 25), (date(2025, 12, 16),), True),   # reassessment opened while active
    (PREVIOUS, date(2026, 3, 20), date(2026, 3, 25), (date(2026, 3, 14),), True),    # opened on its last day
    (PREVIOUS, date(2026, 3, 20), date(2026, 3, 25), (date(2026, 3, 15),), False),   # opened the day it ended
    (PREVIOUS, date(2026, 3, 20), date(2026, 3, 25), (date(2024, 3, 1),), False),    # opened before it started
    ((date(2026, 4, 1), date(2028, 3, 10)), date(2026, 3, 20), date(2026, 3, 25), (), True),  # not yet started
])
def test_a_grant_is_a_change_when_the_previous_entitlement_runs_or_a_reassessment_opened_while_it_ran(
        previous, concluded, today, opened, change):
    assert dates.is_change_case(previous, concluded_on=concluded, today=today, reassessments_opened=opened) is change


def test_a_request_made_while_an_entitlement_runs_is_a_change_whatever_the_conclusion_date():
    # the insurer asks for another provider on 16 March; the conclusion is from 2025
    assert dates.is_change_case(PREVIOUS, concluded_on=date(2025, 12, 10), today=date(2026, 3, 1)) is True


# --- level-only change: the earlier of the 1st of the next month and the old end --------

@pytest.mark.parametrize("concluded, replaced_to, start", [
    (date(2026, 2, 10), date(2026, 3, 15), date(2026, 3, 1)),    # renewal well before expiry: the old one is cut
    (date(2026, 3, 5), date(2026, 3, 15), date(2026, 3, 15)),    # on time, month of expiry: no gap 15–31 March
    (date(2026, 3, 20), date(2026, 3, 15), date(2026, 3, 15)),   # a reassessment concluding after the end
    (date(2026, 12, 20), date(2027, 6, 1), date(2027, 1, 1)),
    (date(2026, 3, 5), date(2026, 4, 1), date(2026, 4, 1)),      # tie
])
def test_a_level_change_starts_at_the_earlier_of_the_next_month_and_the_replaced_end(concluded, replaced_to, start):
    assert dates.level_change_start(concluded, replaced_to) == start


# --- change of care type or provider: the 1st after completion, or a later requested date ---

@pytest.mark.parametrize("completed, requested, start", [
    (date(2026, 3, 16), None, date(2026, 4, 1)),
    (date(2026, 3, 31), None, date(2026, 4, 1)),
    (date(2026, 12, 1), None, date(2027, 1, 1)),
    (date(2026, 3, 16), date(2026, 5, 1), date(2026, 5, 1)),      # a later requested date
    (date(2026, 3, 16), date(2026, 4, 20), date(2026, 4, 20)),
    (date(2026, 3, 16), date(2026, 3, 20), date(2026, 4, 1)),     # never earlier
    (date(2026, 3, 16), date(2026, 1, 1), date(2026, 4, 1)),
])
def test_a_care_change_starts_the_month_after_completion_or_a_later_requested_date(completed, requested, start):
    assert dates.care_change_start(completed, requested) == start


# --- the start a completed case grants, with the bridging entitlement ----------------------

HOME = dates.Replaced(valid_to=date(2026, 3, 15), care_type="home", provider_id=1)


@pytest.mark.parametrize("care_type, provider_id, concluded, replaced, previous_end, completed, requested, expected", [
    # first grants
    ("institution", 2, date(2026, 3, 20), None, None, date(2026, 4, 2), None, dates.Start(date(2026, 3, 1))),
    ("institution", 2, date(2026, 3, 20), None, date(2026, 3, 10), date(2026, 4, 2), None,
     dates.Start(date(2026, 3, 10))),
    # level only (same care type and provider): completion does not matter
    ("home", 1, date(2026, 3, 5), HOME, None, date(2026, 3, 25), None, dates.Start(date(2026, 3, 15))),
    ("home", 1, date(2026, 2, 5), HOME, None, date(2026, 3, 2), None, dates.Start(date(2026, 3, 1))),
    # another provider, completed before the old end: from the 1st after completion, no bridge
    ("home", 3, date(2026, 1, 5), dates.Replaced(date(2026, 6, 1), "home", 1), None, date(2026, 3, 16), None,
     dates.Start(date(2026, 4, 1))),
    # another care type completed after the old end: a bridge at the new level from the old end
    ("institution", 2, date(2026, 3, 5), HOME, None, date(2026, 3, 25), None,
     dates.Start(date(2026, 4, 1), bridge_from=date(2026, 3, 15))),
    # a later requested date: the old one runs until then, or a bridge fills the gap
    ("home", 3, date(2026, 1, 5), dates.Replaced(date(2026, 6, 1), "home", 1), None, date(2026, 3, 16),
     date(2026, 5, 1), dates.Start(date(2026, 5, 1))),
    ("home", 3, date(2026, 3, 1), HOME, None, date(2026, 3, 10), date(2026, 5, 1),
     dates.Start(date(2026, 5, 1), bridge_from=date(2026, 3, 15))),
    # the old end on the change start: no bridge
    ("home", 3, date(2026, 2, 1), dates.Replaced(date(2026, 4, 1), "home", 1), None, date(2026, 3, 16), None,
     dates.Start(date(2026, 4, 1))),
])
def test_the_start_a_case_grants(care_type, provider_id, concluded, replaced, previous_end, completed, requested,
                                 expected):
    assert dates.grant_start(care_type, provider_id, concluded_on=concluded, replaced=replaced,
                             previous_end=previous_end, completed_on=completed, requested_from=requested) == expected


def test_a_bridge_lies_between_the_old_end_and_the_change_start():
    start = dates.Start(date(2026, 4, 1), bridge_from=date(2026, 3, 15))
    assert start.bridge == (date(2026, 3, 15), date(2026, 4, 1))
    assert dates.Start(date(2026, 4, 1)).bridge is None


@pytest.mark.parametrize("care_type, provider_id, changes", [
    ("home", 1, False), ("home", 3, True), ("institution", 1, True), ("institution", 2, True),
])
def test_a_change_of_care_type_or_provider_is_told_apart_from_a_change_of_level_only(care_type, provider_id, changes):
    assert HOME.changes_care(care_type, provider_id) is changes


@pytest.mark.parametrize("requested, approved_on, expected", [
    (date(2026, 4, 2), date(2026, 4, 20), date(2026, 4, 21)),    # a past request is not retroactive
    (date(2026, 4, 21), date(2026, 4, 20), date(2026, 4, 21)),
    (date(2026, 6, 1), date(2026, 4, 20), date(2026, 6, 1)),     # a later request wins
    (None, date(2026, 4, 30), date(2026, 5, 1)),
])
def test_a_plan_revision_takes_effect_on_the_later_of_the_request_and_the_day_after_approval(
        requested, approved_on, expected):
    assert dates.revision_start(requested, approved_on) == expected


def test_a_plan_revision_approved_before_the_entitlement_starts_takes_effect_at_its_start():
    assert dates.revision_start(None, date(2026, 3, 16), entitlement_from=date(2026, 4, 1)) == date(2026, 4, 1)
    assert dates.revision_start(date(2026, 5, 1), date(2026, 3, 16), entitlement_from=date(2026, 4, 1)) == date(
        2026, 5, 1)
