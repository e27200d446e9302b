"""On which day a confirmed finding's points attach (SPEC §6): the appeal window's last day when no
appeal names the record, the day an appeal about it is lost; a won appeal gives none, an open one waits."""
from datetime import date

import pytest

from ltc.ratings.points.services.due import Appealed, attach_day

LAST = date(2026, 7, 15)


@pytest.mark.parametrize("state,today,expected", [
    (None, date(2026, 7, 15), None),                                       # the window is still open
    (None, date(2026, 7, 16), (LAST, None)),                               # closed without an appeal
    (Appealed(open=True), date(2026, 8, 1), None),                         # an open appeal waits
    (Appealed(won=True), date(2026, 8, 1), None),                          # overturned
    (Appealed(won=True, lost_on=date(2026, 7, 20), lost_id=3), date(2026, 8, 1), None),
    (Appealed(lost_on=date(2026, 7, 20), lost_id=3), date(2026, 7, 20), (date(2026, 7, 20), 3)),
    (Appealed(lost_on=date(2026, 7, 20), lost_id=3), date(2026, 7, 19), None),
    (Appealed(cancelled_on=date(2026, 7, 13)), date(2026, 7, 16), (LAST, None)),  # withdrawn in the window
    (Appealed(cancelled_on=date(2026, 7, 22)), date(2026, 7, 22), None),
    (Appealed(cancelled_on=date(2026, 7, 22)), date(2026, 7, 23), (date(2026, 7, 22), None)),
])
def test_attach_day(state, today, expected):
    assert attach_day(state, LAST, today) == expected
