"""Policy store: REF seed, drafts, validation on publish, non-overlapping published ranges."""
import copy
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ltc.assessment.applications.policy import AssessmentPolicy
from ltc.core.audit import SYSTEM, Actor, AuditEntry
from ltc.core.errors import Conflict, InvalidTransition, ValidationFailed
from ltc.policy.models import PolicyEvent, PolicyVersion
from ltc.policy.ref import REF_SECTIONS, ref_sections, seed_ref
from ltc.policy.services import (NoPolicyInForce, Policy, create_draft, policy_on, publish, retire,
                                 update_section, validate_version)
from tests.conftest import NOW

pytestmark = pytest.mark.usefixtures("unseeded")  # the policy store from empty: REF is created here

D = date
ADMIN = Actor(None, None, "mia_admin")


@pytest.fixture
def ref(session):
    return seed_ref(session, now=NOW)


def assessment(**changes) -> dict:
    return {**copy.deepcopy(REF_SECTIONS["assessment"]), **changes}


def events(session, version) -> list[str]:
    return list(session.scalars(select(PolicyEvent.action).where(PolicyEvent.version_id == version.id)
                                .order_by(PolicyEvent.id)))


def new_version(session, *, effective_from, **changes):
    draft = create_draft(session, actor=ADMIN, now=NOW)
    if changes:
        update_section(session, draft, "assessment", assessment(**changes), actor=ADMIN, now=NOW)
    return publish(session, draft, effective_from=effective_from, actor=ADMIN, now=NOW)


def test_seed_ref_creates_version_1_published_and_is_idempotent(session, ref):
    assert (ref.number, ref.name, ref.status) == (1, "REF", "published")
    assert (ref.effective_from, ref.effective_to) == (D(2020, 1, 1), None)
    assert events(session, ref) == ["created", "published"]
    assert seed_ref(session, now=NOW) is None
    assert session.scalar(select(func.count()).select_from(PolicyVersion)) == 1


def test_policy_on_returns_the_typed_ref_values(session, ref):
    policy = policy_on(session, D(2026, 6, 1))
    a = policy.section("assessment")
    assert isinstance(a, AssessmentPolicy) and policy.section(AssessmentPolicy) is a
    assert a.benefit_threshold == 3 and a.publicity_working_days == 5 and a.validity_months == 24
    assert a.min_level("special") == 4 and a.min_level("home") == 3
    assert (policy.number, policy.effective_from) == (1, D(2020, 1, 1))


def test_no_policy_before_the_first_version(session, ref):
    with pytest.raises(NoPolicyInForce):
        policy_on(session, D(2019, 12, 31))


def test_a_draft_is_a_copy_with_the_next_number_and_is_never_in_force(session, ref):
    draft = create_draft(session, actor=ADMIN, now=NOW)
    assert (draft.number, draft.status, draft.effective_from) == (2, "draft", None)
    assert draft.sections == REF_SECTIONS
    update_section(session, draft, "assessment", assessment(publicity_working_days=7), actor=ADMIN, now=NOW)
    assert policy_on(session, D(2026, 6, 1)).number == 1
    assert policy_on(session, D(2026, 6, 1)).section("assessment").publicity_working_days == 5
    assert events(session, draft) == ["created", "edited"]


def test_update_section_validates_and_only_touches_drafts(session, ref):
    draft = create_draft(session, actor=ADMIN, now=NOW)
    with pytest.raises(ValidationFailed) as caught:
        update_section(session, draft, "assessment", assessment(publicity_working_days="7"), actor=ADMIN, now=NOW)
    assert caught.value.fields == {"assessment.publicity_working_days": "must be an integer, got string"}
    with pytest.raises(ValidationFailed):
        update_section(session, draft, "nonsense", {}, actor=ADMIN, now=NOW)
    with pytest.raises(InvalidTransition):
        update_section(session, ref, "assessment", assessment(), actor=ADMIN, now=NOW)


BROKEN = [
    (dict(publicity_working_days="5"), "assessment.publicity_working_days"),
    (dict(publicity_working_days=True), "assessment.publicity_working_days"),
    (dict(validity_months=0), "assessment.validity_months"),
    (dict(unknown_days=3), "assessment.unknown_days"),
]


@pytest.mark.parametrize("changes,path", BROKEN)
def test_publish_refuses_a_version_that_does_not_validate(session, ref, changes, path):
    draft = create_draft(session, actor=ADMIN, now=NOW)
    draft.sections = {"assessment": assessment(**changes)}   # e.g. edited as raw JSON
    assert path in validate_version(draft)
    with pytest.raises(ValidationFailed) as caught:
        publish(session, draft, effective_from=D(2026, 7, 1), actor=ADMIN, now=NOW)
    assert path in caught.value.fields and path in caught.value.message
    assert draft.status == "draft" and ref.effective_to is None


def test_publish_refuses_a_missing_key_or_section(session, ref):
    draft = create_draft(session, actor=ADMIN, now=NOW)
    raw = assessment()
    del raw["objection_working_days"]
    draft.sections = {**ref_sections(), "assessment": raw}
    with pytest.raises(ValidationFailed) as caught:
        publish(session, draft, effective_from=D(2026, 7, 1), actor=ADMIN, now=NOW)
    assert caught.value.fields == {"assessment.objection_working_days": "missing"}
    draft.sections = {k: v for k, v in ref_sections().items() if k != "assessment"}
    assert validate_version(draft) == {"assessment": "missing section"}


def test_publishing_closes_the_open_version_and_policy_on_follows_the_change(session, ref):
    v2 = new_version(session, effective_from=D(2026, 7, 1), publicity_working_days=7)
    assert ref.effective_to == D(2026, 7, 1)
    assert (v2.status, v2.effective_from, v2.effective_to) == ("published", D(2026, 7, 1), None)
    assert policy_on(session, D(2026, 6, 30)).section("assessment").publicity_working_days == 5
    assert policy_on(session, D(2026, 7, 1)).section("assessment").publicity_working_days == 7
    assert policy_on(session, D(2030, 1, 1)).number == 2
    assert events(session, v2) == ["created", "edited", "published"]
    audit = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "policy_version")
                            .order_by(AuditEntry.id)).all()
    assert audit == ["publish", "create", "update", "close", "publish"]


@pytest.mark.parametrize("start,end", [
    (D(2026, 7, 1), D(2026, 9, 1)),      # bounded inside the open REF: it would leave a gap, refused
    (D(2019, 6, 1), None),               # open-ended, but starts before REF
    (D(2020, 1, 1), None),               # same start as REF
])
def test_published_ranges_never_overlap(session, ref, start, end):
    draft = create_draft(session, actor=ADMIN, now=NOW)
    with pytest.raises(Conflict):
        publish(session, draft, effective_from=start, effective_to=end, actor=ADMIN, now=NOW)
    assert draft.status == "draft" and ref.effective_to is None


def test_an_earlier_start_than_a_scheduled_version_is_refused(session, ref):
    new_version(session, effective_from=D(2026, 7, 1))
    draft = create_draft(session, actor=ADMIN, now=NOW)
    with pytest.raises(Conflict):
        publish(session, draft, effective_from=D(2026, 5, 1), actor=ADMIN, now=NOW)
    v3 = publish(session, draft, effective_from=D(2027, 1, 1), actor=ADMIN, now=NOW)
    assert [policy_on(session, d).number for d in (D(2026, 6, 30), D(2026, 12, 31), D(2027, 1, 1))] == [1, 2, 3]
    assert v3.effective_to is None


def test_a_version_is_published_once(session, ref):
    v2 = new_version(session, effective_from=D(2026, 7, 1))
    with pytest.raises(InvalidTransition):
        publish(session, v2, effective_from=D(2027, 1, 1), actor=ADMIN, now=NOW)


def test_retire_withdraws_a_draft(session, ref):
    draft = create_draft(session, actor=ADMIN, now=NOW)
    retire(session, draft, actor=ADMIN, now=NOW, note="不再需要")
    assert draft.status == "retired" and draft.retired_at == NOW
    assert events(session, draft) == ["created", "retired"]
    with pytest.raises(InvalidTransition):
        publish(session, draft, effective_from=D(2026, 7, 1), actor=ADMIN, now=NOW)


def test_a_version_already_in_force_cannot_be_retired(session, ref):
    with pytest.raises(Conflict):
        retire(session, ref, actor=ADMIN, now=NOW)


def test_retiring_a_scheduled_version_gives_its_range_back(session, ref):
    v2 = new_version(session, effective_from=D(2026, 7, 1), publicity_working_days=7)
    retire(session, v2, actor=ADMIN, now=NOW)
    assert ref.effective_to is None
    assert policy_on(session, D(2026, 8, 1)).number == 1


def test_parsed_sections_are_cached_per_version_and_follow_the_content(session, ref):
    policy = policy_on(session, D(2026, 6, 1))
    assert policy.section("assessment") is policy_on(session, D(2026, 7, 1)).section("assessment")
    other = Policy(policy.version_id, 1, "REF", D(2020, 1, 1), None,
                   {"assessment": assessment(publicity_working_days=9)})
    assert other.section("assessment").publicity_working_days == 9


def test_the_actor_is_recorded(session, ref):
    draft = create_draft(session, actor=SYSTEM, now=NOW)
    later = datetime(2026, 3, 20, tzinfo=timezone.utc)
    publish(session, draft, effective_from=D(2026, 7, 1), actor=SYSTEM, now=later)
    assert draft.published_at == later and draft.published_by is None
    assert draft.created_at == NOW


@pytest.fixture
def postgres(session):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("the EXCLUDE constraint exists on PostgreSQL only")


def test_postgres_excludes_an_overlapping_published_row(session, ref, postgres):
    with pytest.raises(IntegrityError, match="ex_policy_versions_no_overlap"):
        with session.begin_nested():
            session.add(PolicyVersion(number=9, name="rogue", status="published", effective_from=D(2026, 1, 1),
                                      sections={}, created_at=NOW))
            session.flush()


def test_postgres_allows_overlapping_drafts_and_retired_rows(session, ref, postgres):
    session.add_all([PolicyVersion(number=n, name=status, status=status, effective_from=D(2026, 1, 1),
                                   sections={}, created_at=NOW) for n, status in ((8, "draft"), (9, "retired"))])
    session.flush()


def test_publish_refuses_a_version_whose_sections_disagree_naming_the_level_and_care_type(session, ref):
    """SPEC §0.3: every level at or above the threshold has rates and caps for each care type it is
    allowed in. Lowering the threshold to 2 without level-2 amounts is refused; adding them publishes."""
    draft = create_draft(session, actor=ADMIN, now=NOW)
    levels = {"special": 4, "institution": 2, "home": 3, "outreach": 3, "family": 3}
    update_section(session, draft, "assessment", assessment(benefit_threshold=2, min_level_by_care_type=levels),
                   actor=ADMIN, now=NOW)                        # each section is valid on its own
    with pytest.raises(ValidationFailed) as caught:
        publish(session, draft, effective_from=D(2026, 7, 1), actor=ADMIN, now=NOW)
    assert caught.value.fields == {"billing.institution.cap_per_day.2":
                                   "missing: level 2 may receive institution care "
                                   "(assessment.min_level_by_care_type.institution = 2)"}
    assert "billing.institution.cap_per_day.2" in caught.value.message and "level 2" in caught.value.message
    assert draft.status == "draft" and ref.effective_to is None
    billing = copy.deepcopy(draft.sections["billing"])
    billing["institution"]["cap_per_day"]["2"] = "45"
    update_section(session, draft, "billing", billing, actor=ADMIN, now=NOW)
    assert publish(session, draft, effective_from=D(2026, 7, 1), actor=ADMIN, now=NOW).status == "published"


def test_the_seeded_ref_version_passes_every_check_across_sections(session, ref):
    assert validate_version(ref) == {}
