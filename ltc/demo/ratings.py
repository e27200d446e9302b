"""Demo follow-ups and complaints (SPEC §8), made by the real services after the demo settlements.

Last month: the monthly sample drawn on its 1st (a stored seed) and each sampled person's follow-up
recorded during the month; three complaints — the home-care provider's regular client (upheld; its
follow-up recorded unhappy but confirmed), the nursing home's resident (still open) and the hospital
ward's patient, whose follow-up did not confirm the services: the ward's draft of last month holds
the patient's bed-days for the insurer's review. This month: the sample drawn on the 1st, open on
the insurer's worklist, and the new beneficiaries listed.
"""
from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.core.audit import SYSTEM
from ltc.demo.records import Scene, demo_scene
from ltc.ratings.complaints import services as complaints
from ltc.ratings.complaints.services import ComplaintInput
from ltc.ratings.followups import feeding, recording, sampling
from ltc.ratings.followups.models import FollowUp
from ltc.ratings.followups.recording import FollowUpRecord

SEED = 20260401
#: person key, provider user, complainant, channel, day it happened, day registered, what
COMPLAINTS = (
    ("regular", "provider", "family", "phone", 12, 13, "护理员连续两次迟到一小时以上，且未提前告知家属"),
    ("resident", "provider2", "person", "counter", 20, 22, "夜间呼叫后护理人员半小时未到床边"),
    ("ward", "provider3", "family", "phone", 6, 8, "家属反映病区本月多日未提供专护服务，老人实际在家中"),
)


def load_ratings(session: Session, *, now) -> int:
    """The demo follow-ups and complaints, unless any follow-up exists (idempotent). Returns the
    follow-ups listed."""
    if session.scalar(select(FollowUp.id).limit(1)) is not None:
        return 0
    s = demo_scene(session, now=now)
    if s is None:
        return 0
    insurer = s.org("insurer").id
    sampling.draw_month(session, insurer, s.month.last, actor=SYSTEM, now=s.at(s.month.last, 3), seed=SEED)
    _complaints(s)
    _record_sample(s)
    sampling.draw_month(session, insurer, s.month.this, actor=SYSTEM, now=s.at(s.month.this, 3), seed=SEED + 1)
    feeding.feed_new_grants(session, today=s.month.today, actor=SYSTEM, now=s.now)
    session.flush()
    return len(session.scalars(select(FollowUp.id)).all())


#: person key → (days after registration the follow-up is made, overall, confirmed, findings; days after
#: registration the complaint is closed, the reply); the resident's complaint stays open
HANDLED = {
    "regular": ((2, 2, True, "家属确认服务已提供，但对准时性不满意"), (6, "已约谈机构并要求按排班准时上门")),
    "ward": ((1, 1, False, "入户核实：老人本月大部分时间在家，病区记录的住院天数与实际不符"),
             (7, "经入户核实投诉属实，相关记录暂缓支付并核查")),
}


def _complaints(s: Scene) -> None:
    for key, provider, complainant, channel, happened, registered, what in COMPLAINTS:
        person = s.persons[key]
        complaint = complaints.register_complaint(s.session, ComplaintInput(
            id_number=person.id_number, provider_id=s.org(provider).id, complainant=complainant,
            complainant_name=person.name if complainant == "person" else f"{person.name[0]}家属", channel=channel,
            what=what, happened_on=s.month.day(happened)), actor=s.actor("insurer"),
            now=s.at(s.month.day(registered), 10))
        if key not in HANDLED:
            continue
        (after, overall, confirmed, findings), (closed, reply) = HANDLED[key]
        follow_up = s.session.scalar(select(FollowUp).where(FollowUp.complaint_id == complaint.id))
        _record(s, follow_up, registered + after, overall=overall, confirmed=confirmed, findings=findings)
        complaints.decide_complaint(s.session, complaint.id, outcome="upheld", reply=reply, actor=s.actor("insurer"),
                                    now=s.at(s.month.day(registered + closed), 15))


def _record(s: Scene, follow_up: FollowUp, day: int, *, overall: int, confirmed: bool = True,
            findings: str = "") -> None:
    recording.record_follow_up(s.session, follow_up.id, FollowUpRecord(
        visited_on=s.month.day(day), channel="home" if not confirmed else "phone", attitude=min(5, overall + 1),
        punctuality=overall, skill=min(5, overall + 1), overall=overall, confirmed=confirmed, findings=findings),
        actor=s.actor("insurer"), now=s.at(s.month.day(day), 16))


def _record_sample(s: Scene) -> None:
    """Every open follow-up of last month's sample, recorded on successive days with good scores."""
    listed = s.session.scalars(select(FollowUp).where(FollowUp.status == "open",
                                                      FollowUp.due_on < s.month.this).order_by(FollowUp.id)).all()
    for n, follow_up in enumerate(listed):
        _record(s, follow_up, 5 + 3 * n, overall=5 - n % 2)
