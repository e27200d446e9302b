"""What a merge of a person registered twice (SPEC §2) does to findings: they move to the survivor
with the records they are about (never refused: a finding holds no rule of its own)."""
from ltc.compliance.models import Finding
from ltc.people.merge_hooks import MergeHook, rows_of

HOOK = MergeHook(name="findings", moves=(Finding.person_id,), counts=(("规则检查结果", rows_of(Finding.person_id)),))
