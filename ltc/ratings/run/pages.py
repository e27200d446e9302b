"""What the rating pages read (SPEC §8): the ratings in scope, newest run first; one rating with its
run, its components in the order of the composite, and its appeals."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.auth.scope import scoped
from ltc.orgs.models import Organisation
from ltc.ratings.run.appeals import appeal_deadline, open_appeal
from ltc.ratings.run.kinds import ComponentName
from ltc.ratings.run.models import ProviderRating, RatingAppeal, RatingComponent, RatingRun

ORDER = [c.value for c in ComponentName]


def ratings_list(viewer: User) -> Select:
    """(rating, run, provider name) in scope, the newest run first."""
    stmt = (select(ProviderRating, RatingRun, Organisation.name)
            .join(RatingRun, RatingRun.id == ProviderRating.run_id)
            .join(Organisation, Organisation.id == ProviderRating.provider_id)
            .order_by(RatingRun.period.desc(), RatingRun.kind.desc(), Organisation.name))
    return scoped(stmt, ProviderRating, viewer)


@dataclass(frozen=True)
class RatingPage:
    rating: ProviderRating
    run: RatingRun
    provider: Organisation
    components: list[RatingComponent]
    appeals: list[RatingAppeal]
    deadline: date
    appeal_open: bool


def rating_page(session: Session, rating: ProviderRating) -> RatingPage:
    rows = session.scalars(select(RatingComponent).where(RatingComponent.rating_id == rating.id)).all()
    run = session.get(RatingRun, rating.run_id)
    appeals = session.scalars(select(RatingAppeal).where(RatingAppeal.rating_id == rating.id)
                              .order_by(RatingAppeal.id.desc())).all()
    return RatingPage(rating, run, session.get(Organisation, rating.provider_id),
                      sorted(rows, key=lambda c: ORDER.index(c.component)), list(appeals),
                      appeal_deadline(session, run), open_appeal(session, rating) is not None)
