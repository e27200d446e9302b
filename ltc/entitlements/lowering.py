"""A lower conclusion ends the entitlement (SPEC §4.2).

A final conclusion below the benefit threshold, or below the minimum level of the care type of
the person's entitlement, ends that entitlement on the 1st of the month after the conclusion's
final date (``final_on``, SPEC §3.1), with end reason ``reassessed`` and a termination notice
(TRM) to the person and the provider. It subscribes to ``ConclusionFinal``, which is published
only once a conclusion is final: while an objection to it is pending, the old entitlement runs on.
"""
from datetime import date, datetime

from sqlalchemy.orm import Session

from ltc.assessment.applications.events import ConclusionFinal
from ltc.assessment.applications.models import Application
from ltc.assessment.applications.policy import AssessmentPolicy
from ltc.core.audit import Actor
from ltc.core.months import first_of_next_month
from ltc.entitlements.models import Entitlement
from ltc.entitlements.notice import issue_termination_notice
from ltc.entitlements.services import overlapping, shorten
from ltc.entitlements.states import EndReason
from ltc.policy.services import policy_on


def end_date(final_on: date) -> date:
    """The exclusive end of an entitlement a lower conclusion ends: the 1st of the month after
    the conclusion's final date."""
    return first_of_next_month(final_on)


def ended_by(session: Session, app: Application, end: date) -> list[Entitlement]:
    """The person's entitlements running past ``end`` that ``app``'s level no longer allows
    (below the threshold or the care type's minimum), resting on an earlier conclusion."""
    policy = policy_on(session, app.final_on).section(AssessmentPolicy)
    return [e for e in overlapping(session, app.person_id, end, None)
            if e.valid_from < end and e.application_id != app.id and e.conclusion_date <= app.concluded_on
            and not policy.level_allowed(app.level, e.care_type)]


def end_for_lower_conclusion(session: Session, app: Application, *, actor: Actor, now: datetime) -> list[Entitlement]:
    """End (reason ``reassessed``) each entitlement ``app``'s final conclusion no longer allows,
    on the 1st of the month after its final date, and issue the termination notices. Returns
    the entitlements ended. Does nothing for a conclusion not final yet."""
    if app.final_on is None or app.level is None:
        return []
    end = end_date(app.final_on)
    ended = ended_by(session, app, end)
    for entitlement in ended:
        granted_to = entitlement.valid_to
        shorten(session, entitlement, to=end, reason=EndReason.REASSESSED.value, actor=actor, now=now,
                note=f"申请 {app.number} 的评估结论为 {app.level} 级，{app.final_on.isoformat()} 生效")
        issue_termination_notice(session, entitlement, granted_to=granted_to, ends_on=end, event_date=app.final_on,
                                 reason=EndReason.REASSESSED.value, void=False, actor=actor, now=now)
    return ended


def on_conclusion_final(session: Session, event: ConclusionFinal) -> None:
    end_for_lower_conclusion(session, event.application, actor=event.actor, now=event.now)
