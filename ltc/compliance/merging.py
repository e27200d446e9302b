"""What a merge of a person registered twice (SPEC §2) does to findings: they follow their records
to the survivor (a finding names the record's person)."""
from ltc.compliance.models import Finding
from ltc.people.merge_hooks import MergeHook, rows_of

HOOK = MergeHook(name="findings", moves=(Finding.person_id,), counts=(("规则提示", rows_of(Finding.person_id)),))
