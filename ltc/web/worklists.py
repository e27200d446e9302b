"""Work lists shown on each role's home page.

A domain adds a function ``(session, user, today) -> WorkList | None`` from its ``wire()``;
the home page shows every list the user's role gets, in the order they were added.
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session


@dataclass
class WorkList:
    title: str
    #: a row's ``url``, when it has one, makes its first cell a link to the row's page
    rows: list[dict] = field(default_factory=list)
    columns: list[tuple[str, str]] = field(default_factory=list)  # (key, header)
    total: int = 0
    link: str | None = None
    overdue: int = 0  # shown as a red badge beside the total
    empty_text: str = "暂无待办事项"


#: days ahead of an agreement's, insurer contract's or expert certificate's end that the owning
#: organisation's home page reminds it (SPEC §9: 60 days)
EXPIRY_REMINDER_DAYS = 60

WorkListFn = Callable[[Session, object, date], WorkList | None]
REGISTRY: list[WorkListFn] = []


def add_worklist(fn: WorkListFn) -> None:
    if fn not in REGISTRY:
        REGISTRY.append(fn)


def worklists_for(session: Session, user, today: date) -> list[WorkList]:
    return [wl for fn in REGISTRY if (wl := fn(session, user, today)) is not None]
