"""What a merge of a person registered twice (SPEC §2) does to visits: they move to the survivor.
Never refused: two visits that become duplicates or overlaps are the rules' business (V04, V10),
found by the next nightly scan like any other changed fact."""
from ltc.people.merge_hooks import MergeHook, rows_of
from ltc.providers.records.models import Visit

VISITS_HOOK = MergeHook(name="visits", moves=(Visit.person_id,), counts=(("上门服务", rows_of(Visit.person_id)),))
