"""Builders for the assessment web tests. The pages act at the real current time, so the
workflow states these tests start from are built "now" (or at dates computed from today)
with the workflow's own services and ``tests.assessment_builders``."""
import csv
import io
import itertools
import json
import re
from datetime import date, datetime, timedelta

from openpyxl import load_workbook

from ltc.assessment.applications.services import evaluation
from ltc.auth.services import actor_of
from ltc.core.calendar import add_working_days
from ltc.core.clock import local_today, utcnow
from tests import assessment_builders as ab
from tests.conftest import login
from tests.people_builders import person

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

#: person numbers (``people_builders.id_number`` keeps them distinct below 500; a test uses a few)
_serial = itertools.cycle(range(100, 450))


def today() -> date:
    return local_today(utcnow())


def new_person(session, *, name: str = "王五", district: str = "东城区"):
    return person(session, next(_serial), name=name, district=district)


def submitted(session, c, *, by: str = "ins_op", now: datetime | None = None, district: str = "东城区",
              name: str = "王五", **kw):
    """A submitted application for a new person (each in-process application needs its own person)."""
    someone = new_person(session, name=name, district=district)
    return ab.file(session, c, by=by, person_id=someone.id, now=now or utcnow(), **kw)


def accepted(session, c, **kw):
    someone = new_person(session, name=kw.pop("name", "王五"), district=kw.pop("district", "东城区"))
    return ab.accepted(session, c, person_id=someone.id, now=kw.pop("now", None) or utcnow(), **kw)


def dispatched(session, c, *, agency: int = 0, **kw):
    someone = new_person(session, name=kw.pop("name", "王五"), district=kw.pop("district", "东城区"))
    return ab.dispatched(session, c, agency=agency, person_id=someone.id, now=kw.pop("now", None) or utcnow(), **kw)


def scheduled(session, c, *, agency: int = 0, **kw):
    """Visit today; on site the agency's first expert (``e1``) and its non-expert assessor (``a``)."""
    someone = new_person(session, name=kw.pop("name", "王五"), district=kw.pop("district", "东城区"))
    return ab.scheduled(session, c, agency=agency, person_id=someone.id, now=utcnow(), visit_on=today(), **kw)


def entered(session, c, *, agency: int = 0, level: int = 3, **kw):
    app = scheduled(session, c, agency=agency, **kw)
    evaluation.enter_assessment(session, app.id, ab.ITEMS_BY_LEVEL[level],
                                actor=actor_of(c.agencies[agency].experts[0]), now=utcnow())
    return app


def assessed(session, c, *, agency: int = 0, level: int = 3, **kw):
    app = entered(session, c, agency=agency, level=level, **kw)
    return evaluation.cosign(session, app.id, actor=actor_of(c.agencies[agency].assessor), now=utcnow())


def publicized_today(session, c, **kw):
    """Confirmed (level 3) on a past working day chosen so that today lies in its publicity."""
    base = today() - timedelta(days=1)
    while add_working_days(session, base, 1) > today():
        base -= timedelta(days=1)
    someone = new_person(session, name=kw.pop("name", "李四光"), district=kw.pop("district", "东城区"))
    return ab.confirmed(session, c, person_id=someone.id, now=ab.at(base, 9), visit_on=base, confirm_on=base, **kw)


def day_due_soon(session) -> date:
    """A submission day whose 5-working-day acceptance deadline is today or within 2 working days."""
    limit = add_working_days(session, today(), 2)
    day = today()
    while not today() <= add_working_days(session, day, 5) <= limit:
        day -= timedelta(days=1)
    return day


def switch_to(client, username: str):
    """Log out whoever is logged in, then log ``username`` in."""
    client.post("/logout")
    return login(client, username)


# --- reading pages ---------------------------------------------------------------------------

def html(response) -> str:
    return response.get_data(as_text=True)


def row_ids(response) -> list[int]:
    """The application ids of the queue rows on a page, in order."""
    return [int(i) for i in re.findall(r'data-testid="queue-row" data-application="(\d+)"', html(response))]


def row_sla(response) -> dict[int, str]:
    return {int(i): s for i, s in re.findall(r'data-application="(\d+)" data-sla="(\w+)"', html(response))}


def embedded_json(response, element_id: str):
    match = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', html(response), re.S)
    return json.loads(match.group(1)) if match else None


def parse_csv(response) -> list[list[str]]:
    data = response.get_data()
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def parse_xlsx(response) -> list[tuple]:
    return list(load_workbook(io.BytesIO(response.get_data())).active.iter_rows(values_only=True))


def events(app) -> list[tuple[str | None, str, str]]:
    return [(e.from_status, e.to_status, e.action) for e in app.events]
