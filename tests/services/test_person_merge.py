"""Merging a person registered twice (SPEC §2 "ID validation", issue 8 point 6): the MIA admin
picks the survivor of a ``duplicate`` collision; every record of the duplicate moves to it through
the domains' hooks; a merge that would break a rule is refused and moves nothing; the duplicate is
kept, points at the survivor, and leaves searches, lists and lookups."""
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ltc.auth.scope import get_scoped
from ltc.auth.services import actor_of
from ltc.core.audit import SYSTEM, AuditEntry
from ltc.core.words import text_of
from ltc.core.errors import Conflict, NotFound, ValidationFailed
from ltc.assessment.applications.models import Application
from ltc.entitlements.models import Entitlement
from ltc.people import id_numbers, imports, merging, services
from ltc.people.hospital.models import HospitalStay
from ltc.people.models import InsuredPerson
from ltc.assessment.applications.services import intake
from tests.assessment_builders import ANSWERS_E, APPLICANT, past_conclusion
from tests.conftest import NOW
from tests.entitlement_builders import conclusion, grant
from tests.people_builders import id_number, person

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９ｘ")
REASON = "同一人以全角号码重复登记"


def legacy(session, n: int, number: str, name: str) -> InsuredPerson:
    p = person(session, n, name=name)
    p.id_number = number
    session.flush()
    return p


@pytest.fixture
def pair(session, world):
    """张三 holds id_number(1); his double was stored earlier with the full-width spelling: listed."""
    kept = person(session, 1, name="张三")
    double = legacy(session, 2, id_number(1).translate(FULL_WIDTH), "张三")
    [collision] = id_numbers.scan_id_numbers(session, actor=SYSTEM, now=NOW).listed
    return kept, double, collision


def stay(session, who, hospital: str = "市第一医院", admitted_on: date = date(2026, 2, 1)) -> HospitalStay:
    row = HospitalStay(person_id=who.id, hospital=hospital, category="inpatient", admitted_on=admitted_on,
                       discharged_on=admitted_on.replace(day=10))
    session.add(row)
    session.flush()
    return row


def open_application(session, who) -> Application:
    app = past_conclusion(session, who.id, date(2026, 3, 1))
    app.status, app.level, app.concluded_on, app.final_on = "accepted", None, None, None
    session.flush()
    return app


def test_a_merge_moves_every_record_and_keeps_the_duplicate_pointing_at_the_survivor(session, world, pair):
    kept, double, collision = pair
    concl = conclusion(session, double)
    ent = grant(session, double, world.provider2, conclusion_of=concl)
    stays = [stay(session, double), stay(session, kept, "市第二医院")]
    admin = actor_of(world.users["mia_admin"])
    merge = merging.merge_persons(session, collision.id, survivor_id=kept.id, reason=REASON, actor=admin, now=NOW)
    assert (concl.person_id, ent.person_id) == (kept.id, kept.id)
    assert {s.person_id for s in stays} == {kept.id}
    assert session.get(InsuredPerson, double.id) is double
    assert (double.merged_into_id, double.merged_at) == (kept.id, NOW)
    assert (merge.survivor_id, merge.duplicate_id, merge.reason, merge.merged_by_id) == (
        kept.id, double.id, REASON, world.users["mia_admin"].id)
    assert merge.moved["applications"] == 1 and merge.moved["entitlements"] == 1 and merge.moved["people"] == 1
    assert (collision.resolution, collision.resolved_at) == ("merged", NOW)
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "merge")).all()
    assert (entry.entity_id, entry.detail, entry.after["merged_into_id"]) == (str(double.id), REASON, kept.id)
    assert id_numbers.open_collisions(session) == [] and merging.merged_from(session, kept.id) == [merge]


def test_the_preview_shows_what_each_holds_and_moves_nothing(session, world, pair):
    kept, double, collision = pair
    grant(session, double, world.provider2)
    stay(session, kept)
    preview = merging.preview_merge(session, collision.id, survivor_id=kept.id)
    rows = {label: (mine, theirs) for label, mine, theirs in preview.rows}
    assert rows["评估申请"] == (0, 1) and rows["评估结论"] == (0, 1) and rows["待遇资格"] == (0, 1)
    assert rows["住院记录"] == (1, 0) and rows["护理计划"] == (0, 0)
    assert (preview.survivor, preview.duplicate, preview.refusals) == (kept, double, [])
    assert session.scalars(select(Entitlement.person_id)).all() == [double.id]


def test_two_open_applications_refuse_the_merge_and_nothing_moves(session, world, pair):
    kept, double, collision = pair
    mine, theirs = open_application(session, kept), open_application(session, double)
    stay(session, double)
    with pytest.raises(Conflict) as refused:
        merging.merge_persons(session, collision.id, survivor_id=kept.id, reason=REASON, actor=SYSTEM, now=NOW)
    assert f"两人都有未办结的评估申请（{mine.id} 号、{theirs.id} 号）" in refused.value.message
    assert theirs.person_id == double.id and double.merged_into_id is None and collision.resolved_at is None
    assert session.scalars(select(HospitalStay.person_id)).all() == [double.id]


def test_overlapping_entitlements_refuse_the_merge(session, world, pair):
    kept, double, collision = pair
    grant(session, kept, world.provider2)
    grant(session, double, world.provider, care_type="home")
    preview = merging.preview_merge(session, collision.id, survivor_id=double.id)
    assert len(preview.refusals) == 1 and "两人的待遇期间重叠" in text_of(preview.refusals[0])
    with pytest.raises(Conflict, match="待遇期间重叠"):
        merging.merge_persons(session, collision.id, survivor_id=double.id, reason=REASON, actor=SYSTEM, now=NOW)


def test_different_deaths_and_the_same_hospital_stay_refuse_the_merge(session, world, pair):
    kept, double, collision = pair
    services.record_death(session, double, death_date=date(2026, 3, 1), actor=SYSTEM, now=NOW)
    stay(session, kept), stay(session, double)
    refusals = merging.preview_merge(session, collision.id, survivor_id=kept.id).refusals
    assert refusals == ["两人登记的死亡日期不同，请先在保留的参保人上登记或撤销死亡",
                        "两人有同一医院同一入院日期的住院记录"]


def test_a_merge_needs_a_reason_and_a_survivor_of_the_collision(session, world, pair):
    kept, double, collision = pair
    other = person(session, 5, name="李四")
    with pytest.raises(ValidationFailed):
        merging.merge_persons(session, collision.id, survivor_id=kept.id, reason=" ", actor=SYSTEM, now=NOW)
    with pytest.raises(ValidationFailed):
        merging.merge_persons(session, collision.id, survivor_id=other.id, reason=REASON, actor=SYSTEM, now=NOW)
    with pytest.raises(NotFound):
        merging.merge_persons(session, collision.id + 100, survivor_id=kept.id, reason=REASON, actor=SYSTEM, now=NOW)
    merging.merge_persons(session, collision.id, survivor_id=kept.id, reason=REASON, actor=SYSTEM, now=NOW)
    with pytest.raises(Conflict):
        merging.merge_persons(session, collision.id, survivor_id=kept.id, reason=REASON, actor=SYSTEM, now=NOW)


def test_an_invalid_number_has_no_one_to_merge_with(session, world):
    arabic = legacy(session, 6, id_number(6).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")), "王五")
    [collision] = id_numbers.scan_id_numbers(session, actor=SYSTEM, now=NOW).listed
    with pytest.raises(ValidationFailed, match="不能合并"):
        merging.merge_persons(session, collision.id, survivor_id=arabic.id, reason=REASON, actor=SYSTEM, now=NOW)


def test_a_listed_survivor_takes_the_normalised_number_the_duplicate_held(session, world, pair):
    kept, double, collision = pair
    merging.merge_persons(session, collision.id, survivor_id=double.id, reason=REASON, actor=SYSTEM, now=NOW)
    assert double.id_number == kept.id_number == id_number(1)
    assert kept.merged_into_id == double.id and collision.resolution == "merged"
    assert id_numbers.scan_id_numbers(session, actor=SYSTEM, now=NOW).open == 0


def test_the_merged_duplicate_leaves_searches_lookups_and_scoped_pages(session, world, pair):
    kept, double, collision = pair
    merging.merge_persons(session, collision.id, survivor_id=double.id, reason=REASON, actor=SYSTEM, now=NOW)
    for login in ("mia_admin", "ins_op"):
        user = world.users[login]
        found = session.scalars(services.search_persons(user, q=id_number(1))).all()
        assert found == [double]
        assert session.scalars(services.search_persons(user, q="张三")).all() == [double]
        with pytest.raises(NotFound):
            get_scoped(session, user, InsuredPerson, kept.id)
    assert imports.existing_persons(session, [id_number(1)]) == {id_number(1): double}


def test_two_live_persons_can_never_share_a_number_but_a_merged_one_may(session, world, pair):
    kept, double, collision = pair
    merging.merge_persons(session, collision.id, survivor_id=double.id, reason=REASON, actor=SYSTEM, now=NOW)
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(InsuredPerson(id_number=id_number(1), name="第三人", district="东城区",
                                  birth_date=date(1950, 1, 1), sex="M"))
        session.flush()
    assert session.scalars(select(InsuredPerson).where(InsuredPerson.id_number == id_number(1))
                           .order_by(InsuredPerson.id)).all() == [kept, double]


def test_a_third_persons_collision_with_the_pair_stays_open_against_the_survivor(session, world):
    with_x = id_number(2)
    a = legacy(session, 4, with_x.lower(), "甲")
    b = legacy(session, 5, with_x.translate(FULL_WIDTH), "乙")
    c = legacy(session, 7, with_x[0] + with_x[1:].translate(FULL_WIDTH), "丙")
    listed = id_numbers.scan_id_numbers(session, actor=SYSTEM, now=NOW).listed
    assert len(listed) == 3
    assert {(x.person_id, x.other_person_id) for x in listed} == {(a.id, b.id), (b.id, a.id), (c.id, a.id)}
    mine = next(x for x in listed if x.person_id == a.id)
    merging.merge_persons(session, mine.id, survivor_id=b.id, reason=REASON, actor=SYSTEM, now=NOW)
    assert (a.merged_into_id, b.id_number) == (b.id, with_x)
    [still] = id_numbers.open_collisions(session)
    assert (still.person_id, still.other_person_id) == (c.id, b.id)


def test_a_merged_person_takes_no_new_application_or_entitlement(session, world, pair):
    kept, double, collision = pair
    merging.merge_persons(session, collision.id, survivor_id=kept.id, reason=REASON, actor=SYSTEM, now=NOW)
    for login in ("ins_op", "pr_op"):
        with pytest.raises(NotFound):
            intake.file_application(session, actor=actor_of(world.users[login]), now=NOW, person_id=double.id,
                                    applicant=APPLICANT, declared_disability_6m=True, self_assessment=ANSWERS_E)
    with pytest.raises(ValidationFailed, match="参保人不存在"):
        grant(session, double, world.provider2, conclusion_of=conclusion(session, kept))
    assert intake.person_by_id_number(session, id_number(1).translate(FULL_WIDTH)) == kept
