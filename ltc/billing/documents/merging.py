"""What a merge of a person registered twice (SPEC §2) does to beneficiary statements: a printed
statement stays with the person row it was printed for (its code and file are history)."""
from ltc.billing.documents.models import BeneficiaryStatement
from ltc.people.merge_hooks import MergeHook, rows_of

HOOK = MergeHook("beneficiary_statements", keeps=(BeneficiaryStatement.person_id,),
                 counts=(("参保人结算单", rows_of(BeneficiaryStatement.person_id)),))
