"""Who sees which dashboard (SPEC §1): the viewer of a user, the filters offered to it, its districts."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.orgs.contracts import contract_districts
from ltc.orgs.models import District
from ltc.supervision.figures import Audience, Dim, Viewer

AUDIENCES = {"mia": Audience.MIA, "insurer": Audience.INSURER, "provider": Audience.PROVIDER,
             "agency": Audience.AGENCY}
#: the filters a viewer is offered (a provider's or an agency's figures are its own, so no district)
OFFERED = {Audience.MIA: (Dim.MONTH, Dim.DISTRICT, Dim.CARE_TYPE, Dim.LEVEL),
           Audience.INSURER: (Dim.MONTH, Dim.DISTRICT, Dim.CARE_TYPE, Dim.LEVEL),
           Audience.PROVIDER: (Dim.MONTH, Dim.CARE_TYPE, Dim.LEVEL),
           Audience.AGENCY: (Dim.MONTH, Dim.CARE_TYPE, Dim.LEVEL)}


def viewer_of(user: User) -> Viewer:
    """The dashboard ``user`` sees: the MIA the city's, the others their organisation's."""
    audience = AUDIENCES[user.org_kind]
    return Viewer(audience, None if audience == Audience.MIA else user.org_id)


def district_choices(session: Session, viewer: Viewer) -> list[tuple[str, str]]:
    """(code, name) of the districts ``viewer`` may filter by: the MIA every district of the list, an
    insurer those of its contracts (any date); nobody else any."""
    stmt = select(District.code, District.name).order_by(District.sort_order, District.name)
    if viewer.audience == Audience.INSURER:
        stmt = stmt.where(District.code.in_(contract_districts(viewer.org_id)))
    elif viewer.audience != Audience.MIA:
        return []
    return [(code, name) for code, name in session.execute(stmt)]
