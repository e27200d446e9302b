"""Stays and leaves (SPEC §5.4): shape refused, eligibility left to the findings, no overlapping
stays, leaves inside their stay, corrections kept as versions, settled records append-only, scope."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from ltc.auth.scope import get_scoped, scoped
from ltc.auth.services import actor_of
from ltc.core.audit import AuditEntry
from ltc.core.errors import Conflict, NotFound, ValidationFailed
from ltc.providers.records import stays as services
from ltc.providers.records.models import Leave, RecordVersion, Stay
from tests.conftest import NOW
from tests.people_builders import person
from tests.stay_builders import admit, fake_checker, resident  # noqa: F401  (fixture)

D = date


@pytest.fixture
def home(session, world):
    return world, resident(session, world, 1)


def actor(world, who="pr2_op"):
    return actor_of(world.users[who])


def audits(session, entity, action):
    return session.scalars(select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.action == action)).all()


def test_admit_stores_the_stay_audits_it_and_returns_the_checkers_findings(session, home, fake_checker):  # noqa: F811
    world, p = home
    saved = services.admit(session, provider_id=world.provider2.id, person_id=p.id, care_type="institution",
                           admitted_on=D(2026, 3, 1), note="  二楼 201 ", actor=actor(world), now=NOW)
    stay = saved.record
    assert (stay.admitted_on, stay.discharged_on, stay.note, stay.version, stay.source) == (
        D(2026, 3, 1), None, "二楼 201", 1, "web")
    assert stay.created_by == world.users["pr2_op"].id
    assert [f.rule for f in saved.findings] == ["E01"] and fake_checker == [("stay", stay.id)]
    [entry] = audits(session, "stay", "admit")
    assert entry.after["admitted_on"] == "2026-03-01" and entry.user_id == world.users["pr2_op"].id


def test_a_person_outside_the_providers_scope_is_refused(session, home):
    world, _ = home
    stranger = person(session, 9, name="王五")
    with pytest.raises(ValidationFailed, match="不是本机构的服务对象"):
        admit(session, world, stranger, D(2026, 3, 1))
    assert session.scalar(select(Stay.id)) is None


def test_an_eligibility_problem_is_stored_for_the_findings_not_refused(session, home, fake_checker):  # noqa: F811
    world, p = home  # entitled to institution care, admitted for special care
    stay = admit(session, world, p, D(2026, 3, 1), care_type="special")
    assert stay.id is not None and fake_checker == [("stay", stay.id)]


@pytest.mark.parametrize("admitted, discharged, care_type, message", [
    (D(2026, 3, 17), None, "institution", "晚于今天"),
    (D(2026, 3, 10), D(2026, 3, 9), "institution", "出院日期早于入院日期"),
    (D(2026, 3, 10), D(2026, 3, 20), "institution", "晚于今天"),
    (D(2026, 3, 10), None, "home", "医疗专护或机构护理"),
])
def test_admit_refuses_bad_shapes(session, home, admitted, discharged, care_type, message):
    world, p = home
    with pytest.raises(ValidationFailed, match=message):
        admit(session, world, p, admitted, discharged, care_type=care_type)


@pytest.mark.parametrize("first, second, overlaps", [
    ((D(2026, 1, 1), None), (D(2026, 3, 1), None), True),                         # an open stay blocks
    ((D(2026, 1, 1), D(2026, 2, 1)), (D(2026, 1, 31), None), True),
    ((D(2026, 1, 1), D(2026, 2, 1)), (D(2026, 2, 1), None), False),               # discharge day = next admission
    ((D(2026, 2, 1), D(2026, 2, 1)), (D(2026, 2, 1), D(2026, 2, 3)), True),       # a same-day stay has its day
    ((D(2026, 2, 1), D(2026, 2, 1)), (D(2026, 2, 2), None), False),
    ((D(2026, 3, 1), None), (D(2026, 1, 1), D(2026, 3, 2)), True),
])
def test_no_two_stays_of_a_person_at_one_provider_share_a_bed_day(session, home, first, second, overlaps):
    world, p = home
    admit(session, world, p, *first)
    if overlaps:
        with pytest.raises(ValidationFailed, match="重叠"):
            admit(session, world, p, *second)
    else:
        assert admit(session, world, p, *second).id


def test_another_providers_stay_is_not_this_providers_overlap(session, home):
    world, p = home  # two providers the same day is rule V06's finding, not a refusal
    session.add(Stay(provider_id=world.provider.id, person_id=p.id, care_type="special", admitted_on=D(2026, 3, 1)))
    assert admit(session, world, p, D(2026, 3, 1)).id


def test_discharge_enters_the_day_once_and_keeps_leaves_inside(session, home):
    world, p = home
    stay = admit(session, world, p, D(2026, 3, 1))
    services.open_leave(session, stay, out_on=D(2026, 3, 5), back_on=D(2026, 3, 8), actor=actor(world), now=NOW)
    with pytest.raises(ValidationFailed, match="请假须在在院期间内"):
        services.discharge(session, stay, discharged_on=D(2026, 3, 7), actor=actor(world), now=NOW)
    services.discharge(session, stay, discharged_on=D(2026, 3, 10), actor=actor(world), now=NOW)
    assert stay.discharged_on == D(2026, 3, 10) and stay.version == 1
    with pytest.raises(Conflict, match="已出院"):
        services.discharge(session, stay, discharged_on=D(2026, 3, 11), actor=actor(world), now=NOW)
    assert [a.after for a in audits(session, "stay", "discharge")] == [{"discharged_on": "2026-03-10"}]


def test_a_correction_keeps_the_previous_version_with_who_when_and_why(session, home, fake_checker):  # noqa: F811
    world, p = home
    stay = admit(session, world, p, D(2026, 3, 1), D(2026, 3, 10))
    later = datetime(2026, 3, 16, 5, 0, tzinfo=timezone.utc)
    saved = services.correct_stay(session, stay, care_type="institution", admitted_on=D(2026, 3, 2),
                                  discharged_on=D(2026, 3, 10), note=None, reason="入院日期录错",
                                  actor=actor(world, "pr2_admin"), now=later)
    assert stay.version == 2 and stay.admitted_on == D(2026, 3, 2) and len(saved.findings) == 1
    [kept] = services.versions_of(session, "stay", stay.id)
    assert (kept.version, kept.data["admitted_on"], kept.reason, kept.changed_by) == (
        1, "2026-03-01", "入院日期录错", world.users["pr2_admin"].id)
    assert kept.changed_at == later
    [entry] = audits(session, "stay", "correct")
    assert entry.before == {"admitted_on": "2026-03-01"} and entry.after == {"admitted_on": "2026-03-02"}


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_correction_needs_a_reason(session, home, reason):
    world, p = home
    stay = admit(session, world, p, D(2026, 3, 1))
    with pytest.raises(ValidationFailed, match="请填写更正原因"):
        services.correct_stay(session, stay, care_type="institution", admitted_on=D(2026, 3, 2), discharged_on=None,
                              note=None, reason=reason, actor=actor(world), now=NOW)
    assert stay.version == 1 and session.scalar(select(RecordVersion.id)) is None


def test_an_unchanged_correction_is_refused(session, home):
    world, p = home
    stay = admit(session, world, p, D(2026, 3, 1))
    with pytest.raises(Conflict, match="没有修改"):
        services.correct_stay(session, stay, care_type="institution", admitted_on=D(2026, 3, 1), discharged_on=None,
                              note=None, reason="x", actor=actor(world), now=NOW)


def test_settled_records_refuse_corrections(session, home):
    world, p = home
    stay = admit(session, world, p, D(2026, 1, 1), D(2026, 3, 1))
    leave = services.open_leave(session, stay, out_on=D(2026, 1, 5), back_on=D(2026, 1, 7), actor=actor(world),
                                now=NOW).record
    stay.settled_at = leave.settled_at = NOW
    with pytest.raises(Conflict, match="已结算"):
        services.correct_stay(session, stay, care_type="institution", admitted_on=D(2026, 1, 2),
                              discharged_on=D(2026, 3, 1), note=None, reason="录错", actor=actor(world), now=NOW)
    with pytest.raises(Conflict, match="已结算"):
        services.correct_leave(session, leave, out_on=D(2026, 1, 5), back_on=D(2026, 1, 6), leave_reason=None,
                               reason="录错", actor=actor(world), now=NOW)
    assert (stay.admitted_on, leave.back_on, stay.version, leave.version) == (D(2026, 1, 1), D(2026, 1, 7), 1, 1)


def test_a_correction_keeps_leaves_inside_and_stays_apart(session, home):
    world, p = home
    first = admit(session, world, p, D(2026, 1, 1), D(2026, 2, 1))
    stay = admit(session, world, p, D(2026, 3, 1))
    services.open_leave(session, stay, out_on=D(2026, 3, 5), actor=actor(world), now=NOW)
    kw = dict(care_type="institution", note=None, reason="录错", actor=actor(world), now=NOW)
    with pytest.raises(ValidationFailed, match="请假须在在院期间内"):
        services.correct_stay(session, stay, admitted_on=D(2026, 3, 6), discharged_on=None, **kw)
    with pytest.raises(ValidationFailed, match="重叠"):
        services.correct_stay(session, first, admitted_on=D(2026, 1, 1), discharged_on=D(2026, 3, 2), **kw)


@pytest.mark.parametrize("out_on, back_on, message", [
    (D(2026, 2, 28), None, "请假须在在院期间内"),          # before the admission
    (D(2026, 3, 10), None, "请假须在在院期间内"),          # on the discharge day
    (D(2026, 3, 8), D(2026, 3, 11), "请假须在在院期间内"),  # back after the discharge
    (D(2026, 3, 5), D(2026, 3, 5), "返回日期须晚于离开日期"),
    (D(2026, 3, 3), D(2026, 3, 5), "重叠"),
])
def test_leaves_stay_inside_their_stay_and_apart(session, home, out_on, back_on, message):
    world, p = home
    stay = admit(session, world, p, D(2026, 3, 1), D(2026, 3, 10))
    services.open_leave(session, stay, out_on=D(2026, 3, 4), back_on=D(2026, 3, 6), actor=actor(world), now=NOW)
    with pytest.raises(ValidationFailed, match=message):
        services.open_leave(session, stay, out_on=out_on, back_on=back_on, actor=actor(world), now=NOW)


def test_a_leave_is_opened_closed_and_corrected_with_its_findings(session, home, fake_checker):  # noqa: F811
    world, p = home
    stay = admit(session, world, p, D(2026, 3, 1))
    saved = services.open_leave(session, stay, out_on=D(2026, 3, 5), reason="回家", actor=actor(world), now=NOW)
    leave = saved.record
    assert (leave.provider_id, leave.person_id, leave.back_on) == (world.provider2.id, p.id, None)
    assert fake_checker[-1] == ("leave", leave.id) and len(saved.findings) == 1
    with pytest.raises(ValidationFailed, match="晚于今天"):
        services.close_leave(session, leave, back_on=D(2026, 3, 17), actor=actor(world), now=NOW)
    services.close_leave(session, leave, back_on=D(2026, 3, 9), actor=actor(world), now=NOW)
    with pytest.raises(Conflict, match="已销假"):
        services.close_leave(session, leave, back_on=D(2026, 3, 10), actor=actor(world), now=NOW)
    services.correct_leave(session, leave, out_on=D(2026, 3, 5), back_on=D(2026, 3, 8), leave_reason="回家",
                           reason="返回日期录错", actor=actor(world), now=NOW)
    [kept] = services.versions_of(session, "leave", leave.id)
    assert (leave.version, kept.data["back_on"], kept.reason) == (2, "2026-03-09", "返回日期录错")
    assert [a.action for a in session.scalars(select(AuditEntry).where(AuditEntry.entity == "leave")
                                              .order_by(AuditEntry.id))] == ["open_leave", "close_leave", "correct"]


@pytest.mark.parametrize("who, sees", [("mia_op", True), ("ins_op", True), ("pr2_op", True), ("pr2_admin", True),
                                       ("pr_op", False), ("pr_carer", False), ("ag_admin", False)])
def test_stays_and_leaves_are_scoped(session, home, who, sees):
    world, p = home
    stay = admit(session, world, p, D(2026, 3, 1))
    leave = services.open_leave(session, stay, out_on=D(2026, 3, 5), actor=actor(world), now=NOW).record
    user = world.users[who]
    if sees:
        assert get_scoped(session, user, Stay, stay.id) is stay and get_scoped(session, user, Leave, leave.id)
    else:
        with pytest.raises(NotFound):
            get_scoped(session, user, Stay, stay.id)
        assert session.scalars(scoped(select(Leave), Leave, user)).all() == []


def test_the_insurer_sees_only_the_stays_of_its_districts(session, world):
    far = resident(session, world, 3, district="朝阳区")
    stay = admit(session, world, far, D(2026, 3, 1))
    with pytest.raises(NotFound):
        get_scoped(session, world.users["ins_op"], Stay, stay.id)
    assert get_scoped(session, world.users["mia_rev"], Stay, stay.id) is stay


def _double(session, world):
    """A person and a double of them stored with the full-width spelling (a listed collision)."""
    from ltc.core.audit import SYSTEM
    from ltc.people import id_numbers
    from tests.people_builders import id_number

    kept = person(session, 1, name="张三")
    double = person(session, 2, name="张三")
    double.id_number = id_number(1).translate(str.maketrans("0123456789X", "０１２３４５６７８９ｘ"))
    session.flush()
    [collision] = id_numbers.scan_id_numbers(session, actor=SYSTEM, now=NOW).listed
    return kept, double, collision


def _stay_of(session, world, who, admitted, discharged=None):
    stay = Stay(provider_id=world.provider2.id, person_id=who.id, care_type="institution", admitted_on=admitted,
                discharged_on=discharged)
    session.add(stay)
    session.flush()
    return stay


def test_a_merge_moves_stays_and_leaves_to_the_survivor(session, world):
    from ltc.people import merging
    kept, double, collision = _double(session, world)
    stay = _stay_of(session, world, double, D(2026, 1, 1), D(2026, 2, 1))
    leave = Leave(stay=stay, provider_id=stay.provider_id, person_id=double.id, out_on=D(2026, 1, 5))
    session.add(leave)
    _stay_of(session, world, kept, D(2026, 2, 1))
    merging.merge_persons(session, collision.id, survivor_id=kept.id, reason="重复登记",
                          actor=actor(world, "mia_admin"), now=NOW)
    assert (stay.person_id, leave.person_id) == (kept.id, kept.id)


def test_a_merge_that_would_overlap_two_stays_at_one_provider_is_refused(session, world):
    from ltc.people import merging
    kept, double, collision = _double(session, world)
    stay = _stay_of(session, world, double, D(2026, 1, 1), D(2026, 2, 2))
    _stay_of(session, world, kept, D(2026, 2, 1))
    with pytest.raises(Conflict, match="重叠的在院记录"):
        merging.merge_persons(session, collision.id, survivor_id=kept.id, reason="重复登记",
                              actor=actor(world, "mia_admin"), now=NOW)
    assert stay.person_id == double.id
