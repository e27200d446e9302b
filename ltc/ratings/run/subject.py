"""The ``rating_appeal`` review subject (SPEC §4.1, §8): its parties are the rated provider (the
insurer of its district decides the second step), its title names the provider and the rated period,
its link is the rating page."""
from sqlalchemy.orm import Session

from ltc.orgs.models import Organisation
from ltc.ratings.run.appeals import appeal_ended, appeal_won
from ltc.ratings.run.case_type import APPEAL_SUBJECT
from ltc.ratings.run.models import ProviderRating, RatingAppeal, RatingRun
from ltc.reviews.models import ReviewCase
from ltc.reviews.registry import LinkContext, Parties, SubjectLink, SubjectType


def _rating(session: Session, appeal_id: int) -> tuple[ProviderRating, RatingRun]:
    rating = session.get(ProviderRating, session.get(RatingAppeal, appeal_id).rating_id)
    return rating, session.get(RatingRun, rating.run_id)


def appeal_parties(session: Session, subject_id: int) -> Parties:
    rating, run = _rating(session, subject_id)
    return Parties(provider_id=rating.provider_id, business_day=run.period)


def appeal_title(session: Session, subject_id: int) -> str:
    rating, run = _rating(session, subject_id)
    period = f"{run.period:%Y-%m}" if run.kind == "monthly" else f"{run.period:%Y}"
    return f"{session.get(Organisation, rating.provider_id).name} · {period} · 星级评定申诉"


def appeal_links(session: Session, case: ReviewCase, context: LinkContext) -> list[SubjectLink]:
    rating, _run = _rating(session, case.subject_id)
    return [SubjectLink("星级评定", "provider_ratings.rating", {"rating_id": rating.id})]


APPEAL_TYPE = SubjectType(name=APPEAL_SUBJECT, parties=appeal_parties, title=appeal_title, on_complete=appeal_won,
                          on_end=appeal_ended, links=appeal_links)
