"""What a merge of a person registered twice (SPEC §2) does to complaints: they move to the survivor."""
from ltc.people.merge_hooks import MergeHook, rows_of
from ltc.ratings.complaints.models import Complaint

HOOK = MergeHook(name="complaints", moves=(Complaint.person_id,), counts=(("投诉", rows_of(Complaint.person_id)),))
