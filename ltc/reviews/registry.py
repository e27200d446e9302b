"""What the engine needs to know about each kind of subject, registered by its domain.

A case type (data) names its subject type; the domain that owns the subject registers a
``SubjectType`` here: who the parties are (to find each step's owner), a title, the links
shown on the case page, the checks each step's decider sees, the named preconditions, what
happens when a case ends, and the period it concerns (for ``day_of_month`` deadlines). The
engine and its pages know no subject type.
"""
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from ltc.core.words import filled


@dataclass(frozen=True)
class Check:
    """One fact computed for a decider: passed (True/False) or informational (None).

    ``label`` and ``detail`` are Chinese msgids, translated where shown; with ``params`` the detail is
    a template (``"%(day)s …"``) whose string params are msgids too (a label, or a nested detail as
    ``{"detail": …, "params": …}``) and whose list params are lists of them. Snapshots store the
    template and its params, so a page shows a stored check in the reader's language."""

    code: str
    label: str
    passed: bool | None
    detail: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The detail in Chinese."""
        return filled(self.detail, self.params)

    def as_dict(self) -> dict[str, Any]:
        found = {"code": self.code, "label": self.label, "passed": self.passed, "detail": self.detail}
        return found | {"params": dict(self.params)} if self.params else found


@dataclass(frozen=True)
class Parties:
    """Who a subject concerns, for the owner rules. A subject without a person (a provider's
    settlement) names its ``district``; ``district_insurer`` prefers it to the person's.
    ``business_day`` is the date the owners are resolved on (insurers' contracts, SPEC §1): a
    settlement or settlement appeal names a day of its service month; None: the day the step is
    entered."""

    person_id: int | None = None
    provider_id: int | None = None
    agency_id: int | None = None
    district: str | None = None
    business_day: date | None = None


@dataclass(frozen=True)
class SubjectLink:
    """A link shown on the case page: a label (msgid), a Flask endpoint and its arguments.
    The page leaves out a link whose endpoint the application does not serve."""

    label: str
    endpoint: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class LinkContext:
    """What a subject's ``links`` may depend on: the step in progress (None once the case is
    closed), its owner kind, and whether the viewing user may decide it."""

    step_code: str | None
    owner_kind: str | None
    can_decide: bool


ChecksFn = Callable[[Session, Any, str, date], list[Check]]   # (session, case, step code, day)
Precondition = Callable[[Session, Any, date], str | None]      # a reason to refuse approve, or None
Hook = Callable[..., None]                                    # (session, case, *, actor, now)
LinksFn = Callable[[Session, Any, LinkContext], list[SubjectLink]]  # (session, case, context)
PeriodFn = Callable[[Session, int], date | None]               # (session, subject id)
FindFn = Callable[[str], Any]                                   # text typed → a SELECT of subject ids, or None


@dataclass(frozen=True)
class SubjectType:
    name: str
    parties: Callable[[Session, int], Parties]
    title: Callable[[Session, int], str]
    checks: ChecksFn | None = None
    preconditions: dict[str, Precondition] = field(default_factory=dict)
    on_complete: Hook | None = None
    on_end: Hook | None = None          # declined, rejected or cancelled
    links: LinksFn | None = None        # the subject's links on the case page
    #: the end (exclusive) of the period the subject concerns, e.g. 1 April for March's
    #: settlement; ``day_of_month`` deadlines count from it (None: a subject without a period)
    period_end: PeriodFn | None = None
    #: the subjects a business number typed in a search box names (e.g. an application number)
    find: FindFn | None = None
    #: the subject's steps are decided only through its own services (inside ``engine.through_subject()``),
    #: which keep the subject in step with its case: the engine's case page and API refuse a decision and
    #: point to the subject's ``links`` instead
    own_decisions: bool = False


SUBJECTS: dict[str, SubjectType] = {}


def register_subject(subject: SubjectType) -> SubjectType:
    """Register a subject type under its name (again with the same definition: no change).
    Raises ValueError when another definition already holds the name."""
    if SUBJECTS.get(subject.name, subject) != subject:
        raise ValueError(f"review subject type {subject.name!r} is already registered with another definition")
    SUBJECTS[subject.name] = subject
    return subject


def subject_type(name: str) -> SubjectType:
    try:
        return SUBJECTS[name]
    except KeyError:
        raise LookupError(f"no review subject type {name!r} is registered") from None


def subject_links(session: Session, case: Any, context: LinkContext) -> list[SubjectLink]:
    """The links the subject of ``case`` registers for the case page (none when it registers none)."""
    fn = subject_type(case.subject_type).links
    return fn(session, case, context) if fn else []


def no_checks(session: Session, case: Any, step: str, day: date) -> list[Check]:
    return []


@dataclass(frozen=True)
class ListLink:
    """A button a subject's domain adds to the all-cases page (e.g. to open a case by hand),
    shown to the users for whom ``visible(user)`` holds."""

    label: str
    endpoint: str
    testid: str
    visible: Callable[[Any], bool]


LIST_LINKS: list[ListLink] = []


def register_list_link(link: ListLink) -> ListLink:
    if all(known.endpoint != link.endpoint for known in LIST_LINKS):
        LIST_LINKS.append(link)
    return link
