"""Demo entitlement reviews (``ltc.demo.reviews``): cases waiting at each of the four steps, one
with a return in its trail, one declined, one granted, and migrated beneficiaries; idempotent."""
from collections import Counter

from sqlalchemy import func, select

from ltc.assessment.scale.services import seed_rulesets
from ltc.core.audit import SYSTEM, AuditEntry
from ltc.demo import data
from ltc.demo.applications import load_applications
from ltc.demo.reviews import PERSON_COUNT, PERSON_OFFSET, MIGRATED, load_reviews
from ltc.entitlements.models import Entitlement
from ltc.notices.models import Notice
from ltc.policy.ref import seed_ref
from ltc.reviews.models import ReviewCase, ReviewEvent
from tests.conftest import NOW


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
    assert load_reviews(session, now=NOW) == 0
