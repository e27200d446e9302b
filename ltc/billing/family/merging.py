"""What a merge of a person registered twice (SPEC §2) does to allowance lines (they move to the
survivor) and bank accounts (kept on the duplicate as history; the survivor's own apply)."""
from ltc.billing.family.models import BeneficiaryBankAccount, FamilyAllowanceLine
from ltc.people.merge_hooks import MergeHook, rows_of

HOOK = MergeHook(name="family_allowances", moves=(FamilyAllowanceLine.person_id,),
                 keeps=(BeneficiaryBankAccount.person_id,),
                 counts=(("亲情照护补贴", rows_of(FamilyAllowanceLine.person_id)),))
