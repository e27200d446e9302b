"""What a merge of a person registered twice (SPEC §2) does to review cases: the person a case
is about moves to the survivor (the subject's own domain decides whether the merge may happen)."""
from ltc.people.merge_hooks import MergeHook, rows_of
from ltc.reviews.models import ReviewCase

HOOK = MergeHook(name="reviews", moves=(ReviewCase.person_id,), counts=(("审核案件", rows_of(ReviewCase.person_id)),))
