"""The monthly census of a bed-based provider (SPEC §5.4): one query, then the shared bed-day reading."""
from datetime import date

import pytest

from ltc.auth.services import actor_of
from ltc.core.errors import ValidationFailed
from ltc.people.models import InsuredPerson
from ltc.providers.records import census
from ltc.providers.records import stays as services
from tests.conftest import NOW
from tests.queries import count_queries
from tests.stay_builders import admit, resident

D = date
MARCH, FEBRUARY = D(2026, 3, 1), D(2026, 2, 1)
TODAY = D(2026, 3, 16)


@pytest.fixture
def residents(session, world):
    a, b, c = (resident(session, world, n, name=name) for n, name in ((1, "陈一"), (2, "林二"), (3, "周三")))
    who = actor_of(world.users["pr2_op"])
    stay_a = admit(session, world, a, D(2026, 2, 20))                       # in all March so far
    services.open_leave(session, stay_a, out_on=D(2026, 3, 2), back_on=D(2026, 3, 5), actor=who, now=NOW)  # 3 days
    services.open_leave(session, stay_a, out_on=D(2026, 3, 8), back_on=D(2026, 3, 12), actor=who, now=NOW)  # 4 days
    admit(session, world, b, D(2026, 3, 3), D(2026, 3, 3))                  # a same-day stay
    stay_b = admit(session, world, b, D(2026, 3, 10))
    services.open_leave(session, stay_b, out_on=D(2026, 3, 13), actor=who, now=NOW)  # open, 4 days so far
    admit(session, world, c, D(2026, 2, 1), D(2026, 3, 1))                  # discharged on 1 March: not in March
    return world, a, b, c


def rows(result):
    return [(r.name, r.admitted_on, r.present, r.leave_payable, r.leave_not_payable, r.payable) for r in result.rows]


def test_the_census_counts_each_stay_of_the_month(session, residents):
    world = residents[0]
    result = census.monthly_census(session, world.provider2.id, MARCH, leave_limit=3, as_of=TODAY)
    assert rows(result) == [
        ("林二", D(2026, 3, 3), 1, 0, 0, 1),
        ("林二", D(2026, 3, 10), 3, 0, 4, 3),
        ("陈一", D(2026, 2, 20), 9, 3, 4, 12),
    ] or rows(result) == [
        ("陈一", D(2026, 2, 20), 9, 3, 4, 12),
        ("林二", D(2026, 3, 3), 1, 0, 0, 1),
        ("林二", D(2026, 3, 10), 3, 0, 4, 3),
    ]  # names in the database's collation
    assert result.totals == {"present": 13, "leave_payable": 3, "leave_not_payable": 8, "payable": 16, "persons": 2}


def test_an_open_leave_counts_as_longer_than_the_limit_for_its_days_so_far(session, residents):
    """SPEC §5.4: a leave still open counts as longer than the limit, however few its days so far
    (re-evaluated when the return day is entered)."""
    world = residents[0]
    on_14th = census.monthly_census(session, world.provider2.id, MARCH, leave_limit=3, as_of=D(2026, 3, 14))
    [(_, _, present, payable, not_payable, _)] = [r for r in rows(on_14th) if r[1] == D(2026, 3, 10)]
    assert (present, payable, not_payable) == (3, 0, 2)


def test_february_is_read_on_its_own(session, residents):
    world = residents[0]
    result = census.monthly_census(session, world.provider2.id, FEBRUARY, leave_limit=3, as_of=TODAY)
    assert sorted((r.name, r.present) for r in result.rows) == [("周三", 28), ("陈一", 9)]


def test_the_day_of_death_is_the_last_counted(session, residents):
    world, a = residents[:2]
    session.get(InsuredPerson, a.id).death_date = D(2026, 3, 6)
    session.flush()
    result = census.monthly_census(session, world.provider2.id, MARCH, leave_limit=3, as_of=TODAY)
    [row] = [r for r in result.rows if r.person_id == a.id]
    assert (row.present, row.leave_payable, row.leave_not_payable) == (3, 3, 0)


def test_another_providers_stays_are_not_counted(session, residents):
    world = residents[0]
    assert census.monthly_census(session, world.provider.id, MARCH, leave_limit=3, as_of=TODAY).rows == []


def test_the_census_reads_the_month_in_one_query(session, residents):
    world = residents[0]
    with count_queries(session) as statements:
        census.monthly_census(session, world.provider2.id, MARCH, leave_limit=3, as_of=TODAY)
    assert len(statements) == 1


def test_the_leave_limit_is_read_from_the_policy_in_force(session, residents, monkeypatch):
    world = residents[0]
    days_read = []
    monkeypatch.setattr(census, "leave_limit_on", lambda s, day: days_read.append(day) or 4)
    result = census.census_as_known(session, world.provider2.id, MARCH, today=TODAY)
    # with a limit of 4 the 4-day leave is payable; only the open leave's days so far (13-16 March) are not
    assert days_read == [TODAY] and result.leave_limit == 4 and result.totals["leave_not_payable"] == 4
    census.census_as_known(session, world.provider2.id, FEBRUARY, today=TODAY)
    assert days_read[-1] == D(2026, 2, 28)


def test_the_leave_limit_is_the_d02_parameter_of_the_policy(session, residents):
    from ltc.policy.schema import SECTIONS
    if census.LEAVE_LIMIT_SECTION not in SECTIONS:
        with pytest.raises(ValidationFailed):  # the compliance section is not registered in this build
            census.leave_limit_on(session, TODAY)
    else:
        assert census.leave_limit_on(session, TODAY) == 3
