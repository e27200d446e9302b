"""ID-number collisions (SPEC §2 "ID validation"): a stored number that cannot take its
normalised spelling is left as it is and listed; the MIA admin corrects one of the two numbers
(audited), after which the listed number is normalised and the collision resolved, never deleted."""
import pytest
from sqlalchemy import select

from ltc.auth.services import actor_of
from ltc.core.audit import SYSTEM, AuditEntry
from ltc.core.errors import Conflict, NotFound, ValidationFailed
from ltc.people import id_numbers, services
from ltc.people.models import IdNumberCollision
from tests.conftest import NOW
from tests.people_builders import id_number, person

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９ｘ")


def legacy(session, n: int, number: str, name: str):
    """A person whose number was stored before normalisation (written directly, as old data was)."""
    p = person(session, n, name=name)
    p.id_number = number
    session.flush()
    return p


@pytest.fixture
def twins(session):
    """张三 holds id_number(1); 张三's full-width double and a lone full-width number were stored earlier."""
    kept = person(session, 1, name="张三")
    double = legacy(session, 2, id_number(1).translate(FULL_WIDTH), "张三（重复）")
    lone = legacy(session, 3, id_number(3).translate(FULL_WIDTH), "李四")
    return kept, double, lone


def entries(session, entity: str, action: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.entity == entity, AuditEntry.action == action)
                                .order_by(AuditEntry.id)))


def test_a_scan_normalises_a_free_number_and_lists_a_colliding_one(session, twins):
    kept, double, lone = twins
    result = id_numbers.scan_id_numbers(session, actor=SYSTEM, now=NOW)
    assert result.normalised == [lone.id] and lone.id_number == id_number(3)
    [collision] = result.listed
    assert (collision.person_id, collision.other_person_id, collision.kind) == (double.id, kept.id, "duplicate")
    assert double.id_number == id_number(1).translate(FULL_WIDTH) and result.open == 1
    [normalised] = entries(session, "insured_person", "normalise_id_number")
    assert normalised.before == {"id_number": id_number(3).translate(FULL_WIDTH)}
    again = id_numbers.scan_id_numbers(session, actor=SYSTEM, now=NOW)
    assert (again.normalised, again.listed, again.open) == ([], [], 1)


def test_two_stored_spellings_of_one_number_are_both_listed(session):
    with_x = id_number(2)
    a = legacy(session, 4, with_x.lower(), "甲")
    b = legacy(session, 5, with_x.translate(FULL_WIDTH), "乙")
    listed = id_numbers.scan_id_numbers(session, actor=SYSTEM, now=NOW).listed
    assert {(c.person_id, c.other_person_id) for c in listed} == {(a.id, b.id), (b.id, a.id)}
    assert (a.id_number, b.id_number) == (with_x.lower(), with_x.translate(FULL_WIDTH))


def test_correcting_the_duplicates_number_resolves_the_collision(session, world, twins):
    kept, double, _ = twins
    [collision] = id_numbers.scan_id_numbers(session, actor=SYSTEM, now=NOW).listed
    admin = actor_of(world.users["mia_admin"])
    id_numbers.correct_id_number(session, collision.id, person_id=double.id, id_number=id_number(7),
                                 actor=admin, now=NOW)
    assert double.id_number == id_number(7) and kept.id_number == id_number(1)
    assert (collision.resolution, collision.resolved_by, collision.resolved_at) == (
        "corrected", world.users["mia_admin"].id, NOW)
    assert id_numbers.open_collisions(session) == []
    [update] = [e for e in entries(session, "insured_person", "update") if e.entity_id == str(double.id)]
    assert update.after == {"id_number": id_number(7)} and update.user_id == world.users["mia_admin"].id
    [resolved] = entries(session, "id_number_collision", "resolve")
    assert resolved.after["id_number"] == id_number(7)


def test_correcting_the_holders_number_lets_the_listed_number_take_its_normalised_spelling(session, twins):
    kept, double, _ = twins
    [collision] = id_numbers.scan_id_numbers(session, actor=SYSTEM, now=NOW).listed
    id_numbers.correct_id_number(session, collision.id, person_id=kept.id, id_number=id_number(8),
                                 actor=SYSTEM, now=NOW)
    assert (kept.id_number, double.id_number) == (id_number(8), id_number(1))
    assert collision.resolution == "corrected"
    [normalised] = [e for e in entries(session, "insured_person", "normalise_id_number")
                    if e.entity_id == str(double.id)]
    assert normalised.after == {"id_number": id_number(1)}


def test_a_correction_to_a_number_someone_holds_is_refused(session, twins):
    kept, double, _ = twins
    [collision] = id_numbers.scan_id_numbers(session, actor=SYSTEM, now=NOW).listed
    for number in (id_number(1), id_number(1).translate(FULL_WIDTH).replace("１", "1", 2)):
        with pytest.raises(Conflict):
            id_numbers.correct_id_number(session, collision.id, person_id=double.id, id_number=number,
                                         actor=SYSTEM, now=NOW)
    assert collision.resolved_at is None and double.id_number == id_number(1).translate(FULL_WIDTH)


def test_only_the_two_persons_of_an_open_collision_can_be_corrected(session, twins):
    kept, double, lone = twins
    [collision] = id_numbers.scan_id_numbers(session, actor=SYSTEM, now=NOW).listed
    with pytest.raises(ValidationFailed):
        id_numbers.correct_id_number(session, collision.id, person_id=lone.id, id_number=id_number(9),
                                     actor=SYSTEM, now=NOW)
    with pytest.raises(ValidationFailed):
        id_numbers.correct_id_number(session, collision.id, person_id=double.id, id_number="110101",
                                     actor=SYSTEM, now=NOW)
    with pytest.raises(NotFound):
        id_numbers.correct_id_number(session, collision.id + 1000, person_id=double.id, id_number=id_number(9),
                                     actor=SYSTEM, now=NOW)
    id_numbers.correct_id_number(session, collision.id, person_id=double.id, id_number=id_number(9),
                                 actor=SYSTEM, now=NOW)
    with pytest.raises(Conflict):
        id_numbers.correct_id_number(session, collision.id, person_id=kept.id, id_number=id_number(10),
                                     actor=SYSTEM, now=NOW)
    assert session.get(IdNumberCollision, collision.id) is not None   # resolved, kept


def test_an_edit_on_the_persons_own_page_resolves_the_collision_too(session, twins):
    _, double, _ = twins
    [collision] = id_numbers.scan_id_numbers(session, actor=SYSTEM, now=NOW).listed
    services.update_person(session, double, {"id_number": id_number(11)}, actor=SYSTEM, now=NOW)
    assert collision.resolution == "corrected" and id_numbers.open_collisions(session) == []


def test_a_number_in_another_script_is_listed_and_resolved_by_a_correction(session):
    arabic = legacy(session, 6, id_number(6).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")), "王五")
    [collision] = id_numbers.scan_id_numbers(session, actor=SYSTEM, now=NOW).listed
    assert (collision.kind, collision.other_person_id) == ("invalid", None)
    id_numbers.correct_id_number(session, collision.id, person_id=arabic.id, id_number=id_number(6),
                                 actor=SYSTEM, now=NOW)
    assert arabic.id_number == id_number(6) and collision.resolution == "corrected"


def test_showing_the_collisions_is_an_audited_full_view_of_both_persons(session, world, twins):
    kept, double, _ = twins
    id_numbers.scan_id_numbers(session, actor=SYSTEM, now=NOW)
    [shown] = id_numbers.show_collisions(session, world.users["mia_admin"], now=NOW)
    assert (shown.person, shown.other_person) == (double, kept)
    views = {e.entity_id for e in entries(session, "insured_person", "view")}
    assert views == {str(kept.id), str(double.id)}
