"""What a merge of a person registered twice (SPEC §2) does to follow-ups: they move to the survivor
(the visit records, holds and reassessments are about the one real person)."""
from ltc.people.merge_hooks import MergeHook, rows_of
from ltc.ratings.followups.models import FollowUp

HOOK = MergeHook(name="follow_ups", moves=(FollowUp.person_id,), counts=(("回访任务", rows_of(FollowUp.person_id)),))
