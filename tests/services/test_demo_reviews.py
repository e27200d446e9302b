"""Demo entitlement reviews (``ltc.demo.reviews``): cases waiting at each of the four steps, one
with a return in its trail, one declined, one granted, and migrated beneficiaries; idempotent."""
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from ltc.assessment.scale.services import seed_rulesets
from ltc.core.audit import SYSTEM, AuditEntry
from ltc.demo import data
from ltc.demo.applications import load_applications
from ltc.assessment.applications.models import Application
from ltc.demo.reviews import EXPIRING_IN_DAYS, PERSON_COUNT, PERSON_OFFSET, MIGRATED, load_reviews
from ltc.entitlements.models import Entitlement
from ltc.notices.models import Notice
from ltc.policy.ref import seed_ref
from ltc.reviews.models import ReviewCase, ReviewEvent
from tests.conftest import NOW, TODAY


def test_demo_reviews_cover_every_step_and_outcome(session):
    seed_ref(session, now=NOW)
    seed_rulesets(session, actor=SYSTEM, now=NOW)
    users = data.load_users(session, data.load_orgs(session, now=NOW), "Demo-test-2026", NOW)
    data.load_expert_certificates(session, users, now=NOW)
    data.load_persons(session, data.person_rows(PERSON_OFFSET + PERSON_COUNT + MIGRATED), now=NOW)
    load_applications(session, now=NOW)
    assert load_reviews(session, now=NOW) == PERSON_COUNT
    cases = session.execute(select(ReviewCase.status, ReviewCase.step_code)).all()
    assert Counter(cases) == Counter({("open", "provider"): 1, ("open", "agency"): 1, ("open", "insurer"): 1,
                                      ("open", "mia"): 1, ("declined", None): 1, ("completed", None): 1})
    returned = session.scalar(select(ReviewCase).join(ReviewEvent).where(ReviewEvent.action == "return"))
    assert (returned.step_code, returned.round) == ("mia", 2)
    origins = Counter(session.scalars(select(Entitlement.origin)).all())
    assert origins == {"review": 1, "migrated": MIGRATED}
    assert session.scalar(select(func.count()).select_from(Notice).where(Notice.kind == "entitlement")) == 1
    imported = session.scalars(select(AuditEntry).where(AuditEntry.entity == "entitlement_import")).one()
    assert len(imported.after["sha256"]) == 64
    _the_expiring_migrated_beneficiary_is_being_reassessed(session)
    assert load_reviews(session, now=NOW) == 0


def _the_expiring_migrated_beneficiary_is_being_reassessed(session):
    """Every migrated entitlement rests on a stored migrated conclusion; the one expiring within the
    lead time (valid until 60 days after the load date, inclusive) has a reassessment, accepted."""
    migrated = session.scalars(select(Entitlement).where(Entitlement.origin == "migrated")
                               .order_by(Entitlement.person_id)).all()
    conclusions = [session.get(Application, e.application_id) for e in migrated]
    assert [a.kind for a in conclusions] == ["migrated"] * MIGRATED
    expiring = [a for a in conclusions if a.valid_to <= TODAY + timedelta(days=90)]
    assert [a.valid_to for a in expiring] == [TODAY + timedelta(days=EXPIRING_IN_DAYS + 1)]
    [reassessment] = session.scalars(select(Application).where(Application.kind == "reassessment")).all()
    assert (reassessment.previous_id, reassessment.reassessment_reason, reassessment.status) == (
        expiring[0].id, "expiry", "accepted")
    assert reassessment.person_id == expiring[0].person_id and reassessment.submitted_on == TODAY
