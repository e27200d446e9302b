"""Load the demo city in one transaction (idempotent: existing records are kept)."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ltc.demo import data


@dataclass
class DemoSummary:
    users: list[tuple[str, str, str]]  # username, organisation, roles
    persons: int


def load_demo(session: Session, *, password: str, now: datetime, persons: int = 200) -> DemoSummary:
    from ltc.assessment.scale.services import seed_rulesets
    from ltc.demo.applications import load_applications
    from ltc.demo.billing import load_billing
    from ltc.demo.carers import load_carers
    from ltc.demo.outcomes import load_outcomes
    from ltc.demo.rating_run import load_rating_run
    from ltc.demo.ratings import load_ratings
    from ltc.demo.records import load_records
    from ltc.demo.reviews import load_reviews
    from ltc.demo.supervision import load_supervision
    from ltc.core.audit import SYSTEM
    from ltc.policy.ref import seed_ref

    seed_ref(session, now=now)
    seed_rulesets(session, actor=SYSTEM, now=now)
    orgs = data.load_orgs(session, now=now)
    users = data.load_users(session, orgs, password, now)
    data.load_expert_certificates(session, users, now=now)
    load_carers(session, orgs, users, now=now)
    created = data.load_persons(session, data.person_rows(persons), now=now)
    session.flush()
    load_applications(session, now=now)
    session.flush()
    load_reviews(session, now=now)
    session.flush()
    load_outcomes(session, now=now)
    session.flush()
    load_records(session, now=now)
    session.flush()
    load_billing(session, now=now)
    session.flush()
    load_ratings(session, now=now)
    session.flush()
    load_rating_run(session, now=now)
    session.flush()
    load_supervision(session, now=now)  # last: the facts read everything above
    return DemoSummary(users=[(u.username, u.org.name, ", ".join(sorted(u.roles))) for u in users],
                       persons=created)
