"""Demo settlements (SPEC §7.3, §8), made by the real services after the demo's care records.

The month before last (M-2: only the bed-based providers' stays) and last month (M-1: the records
of ``ltc.demo.records``) are generated as the monthly job does; the MIA enters monthly and annual
stars first (the audit's sample rate reads them). Then each review stage has one settlement:

* the nursing home's M-2: submitted, audited (sample drawn), approved (deposit withheld) and paid
  with a bank reference;
* the hospital ward's M-2: audited with a refused sample record (the sample drawn), waiting for the
  MIA's approval; the ward appealed the refusal and won;
* the ward's M-1: a draft carrying the won appeal as an adjustment line;
* the home-care provider's M-1: submitted with a remark on a flagged visit;
* the nursing home's M-1: audited with the sample and a refused sampled stay, approved by the MIA
  (its quality deposit withheld and its net booked), waiting for payment.

Last, the insurer records one family-care beneficiary's bank account on request and the M-1
family allowance list is generated (the other family beneficiary has no account: held).
"""
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.billing.family import accounts
from ltc.billing.family import services as family
from ltc.billing.generation import generate_settlement, providers_of_month, regular_settlement
from ltc.billing.kinds import RevisionSource
from ltc.billing.models import Settlement
from ltc.billing.review import appeals, approval, auditing, payment, sampling, workflow
from ltc.billing.review.auditing import RecordFilter
from ltc.billing.review.kinds import RecordDecision, RefusalReason
from ltc.billing.review.records import flagged_records, record_share
from ltc.billing.stars.kinds import StarKind
from ltc.billing.stars.services import StarChange, set_star
from ltc.core.audit import SYSTEM
from ltc.core.clock import local_today
from ltc.core.months import add_months
from ltc.demo.records import Scene, demo_scene
from ltc.providers.records.models import Visit

#: provider user, star of M-2, star of M-1 (monthly) and of last year (annual); the reasons are the MIA's
STARS = (("provider", None, 3, 4), ("provider2", 4, 5, 4), ("provider3", 3, 3, None))
STAR_REASON = "依据月度服务质量考核结果录入"
ANNUAL_REASON = "依据年度考核评定结果录入"
REMARK = ("签到点位于老人女儿家，当日老人在女儿家接受照护，已附家属说明", "家属签字说明一份")
APPEAL_REASON = "抽查记录所涉住院期间的专护服务有病区护理记录和医嘱为证，申请予以支付"


def load_billing(session: Session, *, now: datetime) -> int:
    """The demo settlements, unless any settlement exists or the demo records are missing (idempotent).
    Returns how many settlements were generated."""
    if session.scalar(select(Settlement.id).limit(1)) or not session.scalar(select(Visit.id).limit(1)):
        return 0
    s = demo_scene(session, now=now)
    if s is None:
        return 0
    before, last = add_months(s.month.last, -1), s.month.last
    _stars(s)
    made = _generate(s, before, now=s.at(s.month.day(1), 2))
    _paid(s, _settlement(s, "provider2", before))
    _appealed(s, _settlement(s, "provider3", before))
    made += _generate(s, last, now=s.now)
    _submitted(s, _settlement(s, "provider", last))
    _approved(s, _settlement(s, "provider2", last), now=s.now)
    _family_list(s, last)
    return made


def _settlement(s: Scene, username: str, month: date) -> Settlement | None:
    return regular_settlement(s.session, s.org(username).id, month)


def _stars(s: Scene) -> None:
    """The MIA's monthly stars of M-2 and M-1 and the annual stars of last year."""
    today, before = s.month.today, add_months(s.month.last, -1)
    for username, star_before, star_last, annual in STARS:
        provider = s.org(username).id
        changes = [StarChange(StarKind.MONTHLY.value, provider, before, star_before, STAR_REASON),
                   StarChange(StarKind.MONTHLY.value, provider, s.month.last, star_last, STAR_REASON),
                   StarChange(StarKind.ANNUAL.value, provider, date(today.year - 1, 1, 1), annual, ANNUAL_REASON)]
        for change in changes:
            if change.stars is not None:
                set_star(s.session, change, actor=s.actor("mia"), now=s.now, today=today)


def _generate(s: Scene, month: date, *, now: datetime) -> int:
    """Every provider's regular settlement of ``month``, as the monthly job makes them at ``now``."""
    providers = providers_of_month(s.session, month)
    for provider_id in providers:
        generate_settlement(s.session, provider_id, month, actor=SYSTEM, now=now, as_of=now,
                            source=RevisionSource.SCHEDULE)
    s.session.flush()
    return len(providers)


def _audit(s: Scene, settlement: Settlement, *, refuse: bool, now: datetime) -> None:
    """The insurer's audit: one record refused (a flagged one, else a sampled one), the rest of the
    flagged records paid, the sample drawn and its records paid; then the audit is finished."""
    insurer = s.actor("insurer")
    flagged = flagged_records(s.session, settlement)
    if refuse and flagged:
        auditing.decide_flagged(s.session, settlement, [flagged[0].key], RecordDecision.REFUSE.value,
                                reason_code=RefusalReason.LOCATION.value, reason_text="签到位置与服务地址不符",
                                actor=insurer, now=now)
    auditing.decide_flagged_by_filter(s.session, settlement, RecordFilter(), RecordDecision.PAY.value, actor=insurer,
                                      now=now)
    persons = sampling.draw_sample(s.session, settlement, actor=insurer, now=now, seed=settlement.id)
    if refuse and not flagged and (key := _smallest_paying(s, settlement)):
        auditing.decide_sampled(s.session, settlement, [key], RecordDecision.REFUSE.value,
                                reason_code=RefusalReason.NO_EVIDENCE.value, reason_text="抽查时未提供该期间的护理记录",
                                actor=insurer, now=now)
    for person_id in persons:
        auditing.decide_sampled(s.session, settlement, None, RecordDecision.PAY.value, person_id=person_id,
                                actor=insurer, now=now)
    auditing.finish_audit(s.session, settlement, actor=insurer, now=now, note="审核完成")


def _smallest_paying(s: Scene, settlement: Settlement) -> tuple[str, int] | None:
    """The sampled record with the smallest fund share above zero (its refusal deducts something)."""
    shares = sorted((record_share(s.session, settlement, r.record_kind, r.record_id).fund, r.record_kind, r.record_id)
                    for r in auditing.sample_records(s.session, settlement))
    return next(((kind, record_id) for fund, kind, record_id in shares if fund > 0), None)


def _submit(s: Scene, settlement: Settlement, username: str, *, remark: bool, now: datetime) -> None:
    flagged = flagged_records(s.session, settlement) if remark else []
    remarks = {flagged[0].key: REMARK} if flagged else {}
    workflow.submit(s.session, settlement, remarks=remarks, actor=s.actor(username), now=now,
                    note="本月结算已核对，提交审核")


def _paid(s: Scene, settlement: Settlement | None) -> None:
    """Submitted on the 3rd of M-1, audited on the 10th, approved on the 18th, paid on the 23rd."""
    if settlement is None:
        return
    d = s.month.day
    _submit(s, settlement, "provider2", remark=False, now=s.at(d(3), 10))
    _audit(s, settlement, refuse=False, now=s.at(d(10), 15))
    approval.approve(s.session, settlement, actor=s.actor("mia"), now=s.at(d(18), 11), note="同意支付")
    payment.record_payment(s.session, settlement, paid_on=d(23), bank_reference=f"ICBC{d(23):%Y%m%d}0001",
                           actor=s.actor("insurer"), now=s.at(d(23), 16))


def _appealed(s: Scene, settlement: Settlement | None) -> None:
    """Submitted on the 4th of M-1, audited with a refusal on the 10th; the ward appeals the refusal
    on the 12th and the insurer upholds it on the 16th (an adjustment for the next settlement); the
    MIA's approval is still to come."""
    if settlement is None:
        return
    d = s.month.day
    _submit(s, settlement, "provider3", remark=False, now=s.at(d(4), 9))
    _audit(s, settlement, refuse=True, now=s.at(d(10), 16))
    refused = [key for key, row in auditing.decisions(s.session, settlement).items()
               if row.decision == RecordDecision.REFUSE.value]
    appeal = appeals.file_appeal(s.session, settlement, refusals=refused[:1], rejects=[], reason=APPEAL_REASON,
                                 actor=s.actor("provider3"), now=s.at(d(12), 10))
    appeals.decide_appeal(s.session, appeal, upheld=True, reason_text="证据充分，申诉成立", actor=s.actor("insurer"),
                          now=s.at(d(16), 14))


def _submitted(s: Scene, settlement: Settlement | None) -> None:
    if settlement is not None:
        _submit(s, settlement, "provider", remark=True, now=s.now)


def _approved(s: Scene, settlement: Settlement | None, *, now: datetime) -> None:
    if settlement is not None:
        _submit(s, settlement, "provider2", remark=False, now=now)
        _audit(s, settlement, refuse=True, now=now)
        approval.approve(s.session, settlement, actor=s.actor("mia"), now=now, note="同意支付")


def _family_list(s: Scene, month: date) -> None:
    """The insurer records ``family``'s bank account on request; ``family2`` has none (held). Then the
    month's family allowance list, as ``flask --app ltc family-allowances generate`` makes it."""
    today = local_today(s.now)
    person = s.persons["family"]
    change = accounts.AccountChange(holder=person.name, bank_name="示范市农商银行", account_no="6228480010"
                                    + person.id_number[-8:-1], valid_from=add_months(month, -1),
                                    request="本人书面申请（附银行卡复印件）", reason="上线时未采集补贴发放账户")
    family.change_bank_account(s.session, person.id, change, actor=s.actor("insurer"), now=s.now, today=today)
    for provider_id in family.family_providers(s.session, month):
        allowances = family.allowances_for(s.session, provider_id, month, as_of=s.now)
        family.refresh_provider_month(s.session, provider_id, month, allowances, today=today, now=s.now)

