"""The who-does-what table of SPEC §1."""
import pytest

from ltc.auth.permissions import Action, allowed

CASES = [
    # action, org kind, roles, expected
    (Action.MANAGE_ORGS, "mia", {"admin"}, True),
    (Action.MANAGE_ORGS, "mia", {"operator", "reviewer"}, False),
    (Action.MANAGE_ORGS, "insurer", {"admin"}, False),
    (Action.MANAGE_OWN_USERS, "provider", {"admin"}, True),
    (Action.MANAGE_OWN_USERS, "provider", {"operator"}, False),
    (Action.MANAGE_ALL_USERS, "insurer", {"admin"}, False),
    (Action.ROSTER_EDIT, "mia", {"operator"}, True),
    (Action.ROSTER_EDIT, "mia", {"reviewer"}, False),
    (Action.ROSTER_EDIT, "insurer", {"admin", "operator", "reviewer"}, False),
    (Action.ROSTER_VIEW, "insurer", {"operator"}, True),
    (Action.ROSTER_VIEW, "provider", {"carer"}, False),
    (Action.FILE_APPLICATION, "insurer", {"operator"}, True),
    (Action.FILE_APPLICATION, "provider", {"operator"}, True),
    (Action.FILE_APPLICATION, "mia", {"admin", "operator"}, False),
    (Action.FILE_APPLICATION, "agency", {"admin"}, False),
    (Action.HANDLE_APPLICATION, "insurer", {"operator"}, True),
    (Action.HANDLE_APPLICATION, "provider", {"operator"}, False),
    (Action.SCHEDULE_ASSESSMENT, "agency", {"admin"}, True),
    (Action.SCHEDULE_ASSESSMENT, "agency", {"assessor"}, False),
    (Action.ENTER_ASSESSMENT, "agency", {"assessor"}, True),
    (Action.ENTER_ASSESSMENT, "agency", {"admin", "reviewer"}, False),
    (Action.DECIDE_REVIEW, "provider", {"reviewer"}, True),
    (Action.DECIDE_REVIEW, "provider", {"admin", "operator"}, False),
    (Action.CARE_RECORDS, "provider", {"operator"}, True),
    (Action.CARE_RECORDS, "provider", {"carer"}, False),
    (Action.LOG_VISITS, "provider", {"carer"}, True),
    (Action.ENTER_STAYS, "provider", {"operator"}, True),
    (Action.ENTER_STAYS, "provider", {"admin"}, True),
    (Action.ENTER_STAYS, "provider", {"carer", "reviewer"}, False),
    (Action.ENTER_STAYS, "mia", {"admin", "operator"}, False),
    (Action.VIEW_STAYS, "insurer", {"operator"}, True),
    (Action.VIEW_STAYS, "mia", {"reviewer"}, True),
    (Action.VIEW_STAYS, "provider", {"carer"}, False),
    (Action.VIEW_STAYS, "agency", {"admin", "reviewer", "assessor"}, False),
    (Action.INSURER_OPERATIONS, "insurer", {"reviewer"}, True),
    (Action.INSURER_OPERATIONS, "mia", {"admin", "operator", "reviewer"}, False),
    (Action.VIEW_AUDIT, "agency", {"admin"}, True),
    (Action.VIEW_AUDIT, "agency", {"reviewer"}, False),
    (Action.VIEW_CONTRACTS, "mia", {"reviewer"}, True),
    (Action.VIEW_CONTRACTS, "insurer", {"operator"}, True),
    (Action.VIEW_CONTRACTS, "provider", {"admin", "operator", "reviewer"}, False),
    (Action.VIEW_CONTRACTS, "agency", {"admin"}, False),
    (Action.OPEN_NOTICES, "mia", {"operator"}, True),
    (Action.OPEN_NOTICES, "insurer", {"operator"}, True),
    (Action.OPEN_NOTICES, "agency", {"reviewer"}, True),
    (Action.OPEN_NOTICES, "agency", {"assessor"}, False),
    (Action.OPEN_NOTICES, "provider", {"operator"}, True),
    (Action.OPEN_NOTICES, "provider", {"carer"}, False),
    (Action.VIEW_DASHBOARDS, "mia", {"admin"}, True),
    (Action.VIEW_DASHBOARDS, "mia", {"operator", "reviewer"}, False),
    (Action.VIEW_DASHBOARDS, "insurer", {"operator"}, True),
    (Action.VIEW_DASHBOARDS, "agency", {"reviewer"}, True),
    (Action.VIEW_DASHBOARDS, "agency", {"assessor"}, False),
    (Action.VIEW_DASHBOARDS, "provider", {"admin"}, True),
    (Action.VIEW_DASHBOARDS, "provider", {"carer"}, False),
]


@pytest.mark.parametrize("action,kind,roles,expected", CASES)
def test_who_does_what(action, kind, roles, expected):
    assert allowed(kind, roles, action) is expected


def test_every_action_has_a_row():
    from ltc.auth.permissions import WHO_DOES_WHAT

    assert set(WHO_DOES_WHAT) == set(Action)
