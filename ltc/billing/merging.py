"""What a merge of a person registered twice (SPEC §2) does to settlement history: lines, pending
adjustments, audit decisions, samples and appeal items stay with the person row they were billed or
decided for — approved and numbered settlements are never rewritten; the merge page counts them."""
from ltc.billing.models import SettlementAdjustment, SettlementLine
from ltc.billing.review.models import SettlementAppealItem, SettlementRecordDecision, SettlementSample
from ltc.people.merge_hooks import MergeHook, rows_of

HOOK = MergeHook("settlements", keeps=(SettlementLine.person_id, SettlementAdjustment.person_id,
                                       SettlementRecordDecision.person_id, SettlementSample.person_id,
                                       SettlementAppealItem.person_id),
                 counts=(("结算明细", rows_of(SettlementLine.person_id)),))
