"""What a merge of a person registered twice (SPEC §2) does to the carer chosen for them: the
duplicate's choice stays with the duplicate (one choice per provider and person, so moving it could
collide with the survivor's own); the operator chooses again for the survivor if it had none."""
from ltc.people.merge_hooks import MergeHook, rows_of
from ltc.providers.records.models import BeneficiaryCarer

HOOK = MergeHook(name="beneficiary_carers", keeps=(BeneficiaryCarer.person_id,),
                 counts=(("责任护理人员", rows_of(BeneficiaryCarer.person_id)),))
