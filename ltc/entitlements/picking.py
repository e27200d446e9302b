"""Which application the insurer means on the 发起待遇审核 form: by its number, or by the person."""
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.assessment.applications.models import Application
from ltc.assessment.applications.states import Status
from ltc.auth.models import User
from ltc.auth.scope import scoped
from ltc.core.errors import ValidationFailed
from ltc.people.ids import normalise_id_number
from ltc.people.models import InsuredPerson

#: ``SQ-2026-000042`` (any case, full-width allowed); at most 9 digits fit every database's id column
APPLICATION_NO = re.compile(r"SQ-(\d{4})-(\d{1,9})", re.ASCII)   # ASCII digits after NFKC: no other script's
ID_NUMBER = re.compile(r"\d{17}[\dX]", re.ASCII)
FIELD = "application"


def application_named(session: Session, text: str, *, user: User) -> Application:
    """The application ``text`` names among those ``user`` may see: an application number, or a
    person's ID number or (unique) name, meaning that person's latest concluded application.
    Raises ValidationFailed on the ``application`` field."""
    spelled = normalise_id_number(text)
    match = APPLICATION_NO.fullmatch(spelled)
    if match:
        stmt = select(Application).where(Application.id == int(match[2]))
        app = session.scalars(scoped(stmt, Application, user)).first()
        if app is None or app.submitted_on.year != int(match[1]):
            raise ValidationFailed("没有编号为 %(number)s 的评估申请", {FIELD: "unknown application number"},
                                   params={"number": spelled})
        return app
    person = _person_named(session, spelled if ID_NUMBER.fullmatch(spelled) else None, (text or "").strip(),
                           user=user)
    stmt = (select(Application).where(Application.person_id == person.id, Application.status == Status.CONCLUDED)
            .order_by(Application.final_on.desc(), Application.id.desc()).limit(1))
    app = session.scalars(scoped(stmt, Application, user)).first()
    if app is None:
        raise ValidationFailed("%(name)s 尚无最终评估结论", {FIELD: "no concluded application"},
                               params={"name": person.name})
    return app


def _person_named(session: Session, id_number: str | None, name: str, *, user: User) -> InsuredPerson:
    stmt = select(InsuredPerson).where(InsuredPerson.live_filter(), InsuredPerson.id_number == id_number
                                       if id_number else InsuredPerson.name == name).limit(2)
    persons = list(session.scalars(scoped(stmt, InsuredPerson, user)))
    if not persons or not name:
        raise ValidationFailed("找不到该申请或参保人：请输入申请编号、身份证号或姓名", {FIELD: "unknown"})
    if len(persons) > 1:
        raise ValidationFailed("有多名参保人名为 %(name)s，请输入身份证号或申请编号", {FIELD: "ambiguous name"},
                               params={"name": name})
    return persons[0]
