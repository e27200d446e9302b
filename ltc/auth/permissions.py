"""The who-does-what table of SPEC §1 (pure). An action not listed is refused (403)."""
from enum import StrEnum
from typing import Protocol


class Action(StrEnum):
    MANAGE_ORGS = "manage_orgs"              # organisations, policy versions, expert register, catalogue
    MANAGE_OWN_USERS = "manage_own_users"    # own org's users and settings
    MANAGE_ALL_USERS = "manage_all_users"    # MIA admin: users of every organisation
    ROSTER_EDIT = "roster_edit"              # import / edit insured persons, hospital stays
    ROSTER_VIEW = "roster_view"              # view persons in scope (full values on detail pages)
    UNDO_DEATH = "undo_death"                # MIA admin: remove a death recorded in error (SPEC §2)
    FILE_APPLICATION = "file_application"
    HANDLE_APPLICATION = "handle_application"  # accept / refuse / dispatch
    SCHEDULE_ASSESSMENT = "schedule_assessment"
    ENTER_ASSESSMENT = "enter_assessment"    # enter, co-sign, confirm (experts)
    DECIDE_REVIEW = "decide_review"
    CARE_RECORDS = "care_records"            # care plans, settlements (operator)
    LOG_VISITS = "log_visits"                # service records (operator, carer)
    ENTER_STAYS = "enter_stays"              # stays and leaves of the own provider (operator, admin)
    VIEW_STAYS = "view_stays"                # stays, leaves and the monthly census in scope
    VIEW_VISITS = "view_visits"              # visits and week views in scope (a carer: own visits)
    INSURER_OPERATIONS = "insurer_operations"  # follow-ups, sample audits, payments
    VIEW_AUDIT = "view_audit"                # audit log and dashboards
    VIEW_POLICY = "view_policy"              # read access to policy versions (all users)
    RESOLVE_ID_COLLISIONS = "resolve_id_collisions"  # MIA admin: ID-number collisions (SPEC §1, §2)
    VIEW_CONTRACTS = "view_contracts"        # insurers' contracts (承办合同): the MIA all, an insurer its own
    OPEN_NOTICES = "open_notices"            # download the notices of subjects in scope (UI and API alike)
    VIEW_FINDINGS = "view_findings"          # rule findings: the insurer's queue, the MIA, a provider its own
    MANAGE_CARERS = "manage_carers"          # the provider's carer register (register, qualifications, suspensions)
    VIEW_CARERS = "view_carers"              # read the carer registers in scope (the MIA, insurers, the provider)
    OWN_CARER_ENTRY = "own_carer_entry"      # a carer login reads its own register entry
    TRIAL_CALCULATION = "trial_calculation"  # 试算: price a beneficiary-month scenario (SPEC §1)
    ENTER_STARS = "enter_stars"              # MIA admin: provider stars entered by hand until computed (SPEC §1, §8)
    VIEW_STARS = "view_stars"                # provider stars: the MIA all, a provider its own
    VIEW_DEPOSITS = "view_deposits"          # quality deposit ledgers and net payments in scope
    VIEW_FAMILY_PAYMENTS = "view_family_payments"  # the family-care allowance payment lists (MIA, insurer)
    VIEW_SETTLEMENTS = "view_settlements"    # monthly settlements: the MIA, the owning insurer, the provider its own
    APPROVE_SETTLEMENTS = "approve_settlements"  # the MIA's approval list of audited settlements (SPEC §7.3)
    VIEW_FOLLOW_UPS = "view_follow_ups"      # follow-up visits: the MIA all, the insurer its own, a provider its own
    REASSIGN_FOLLOW_UPS = "reassign_follow_ups"  # insurer admin: move follow-ups among the insurer's staff
    REGISTER_COMPLAINTS = "register_complaints"  # insurer and MIA operators (SPEC §1, §8)
    VIEW_COMPLAINTS = "view_complaints"      # complaints: the MIA all, the handling insurer, a provider its own
    VIEW_RATINGS = "view_ratings"            # provider ratings: MIA all, insurer its districts, provider own
    APPEAL_RATINGS = "appeal_ratings"        # a provider's operator files an appeal of its rating (SPEC §8)
    VIEW_RECTIFICATIONS = "view_rectifications"  # rectification notices in scope (SPEC §8 effects)
    RESPOND_RECTIFICATION = "respond_rectification"  # the provider's written response (SPEC §1: operator)
    CHECK_RECTIFICATION = "check_rectification"  # the insurer's check of a response (SPEC §1)
    AGREEMENT_REVIEWS = "agreement_reviews"  # MIA admin: agreement-review proposals (SPEC §1, §8)
    SUPERVISION_REPORTS = "supervision_reports"  # MIA admin: the monthly supervision reports (SPEC §9; issue 13)
    VIEW_DASHBOARDS = "view_dashboards"      # supervision dashboards (SPEC §1: MIA admin, insurer, own org)


class Role(StrEnum):
    ADMIN = "admin"
    OPERATOR = "operator"
    REVIEWER = "reviewer"
    ASSESSOR = "assessor"
    CARER = "carer"


#: msgids, translated where shown
ROLE_LABELS = {Role.ADMIN: "管理员", Role.OPERATOR: "经办员", Role.REVIEWER: "审核员", Role.ASSESSOR: "评估员",
               Role.CARER: "护理员"}

MIA, INSURER, AGENCY, PROVIDER = "mia", "insurer", "agency", "provider"
STAFF = {"admin", "operator", "reviewer"}
ALL_ROLES = STAFF | {"assessor", "carer"}

WHO_DOES_WHAT: dict[Action, dict[str, set[str]]] = {
    Action.MANAGE_ORGS: {MIA: {"admin"}},
    Action.MANAGE_OWN_USERS: {k: {"admin"} for k in (MIA, INSURER, AGENCY, PROVIDER)},
    Action.MANAGE_ALL_USERS: {MIA: {"admin"}},
    Action.ROSTER_EDIT: {MIA: {"operator", "admin"}},
    Action.UNDO_DEATH: {MIA: {"admin"}},
    Action.ROSTER_VIEW: {MIA: STAFF, INSURER: STAFF, AGENCY: STAFF | {"assessor"}, PROVIDER: STAFF},
    Action.FILE_APPLICATION: {INSURER: {"operator"}, PROVIDER: {"operator"}},
    Action.HANDLE_APPLICATION: {INSURER: {"operator"}},
    Action.SCHEDULE_ASSESSMENT: {AGENCY: {"admin"}},
    Action.ENTER_ASSESSMENT: {AGENCY: {"assessor"}},
    Action.DECIDE_REVIEW: {k: {"reviewer"} for k in (MIA, INSURER, AGENCY, PROVIDER)},
    Action.CARE_RECORDS: {PROVIDER: {"operator"}},
    Action.LOG_VISITS: {PROVIDER: {"operator", "carer"}},
    Action.ENTER_STAYS: {PROVIDER: {"operator", "admin"}},
    Action.VIEW_STAYS: {MIA: STAFF, INSURER: STAFF, PROVIDER: STAFF},
    Action.VIEW_VISITS: {MIA: STAFF, INSURER: STAFF, PROVIDER: STAFF | {"carer"}},
    Action.INSURER_OPERATIONS: {INSURER: {"operator", "reviewer"}},
    Action.VIEW_AUDIT: {k: {"admin"} for k in (MIA, INSURER, AGENCY, PROVIDER)},
    Action.VIEW_POLICY: {k: STAFF | {"assessor", "carer"} for k in (MIA, INSURER, AGENCY, PROVIDER)},
    Action.RESOLVE_ID_COLLISIONS: {MIA: {"admin"}},
    Action.VIEW_CONTRACTS: {MIA: STAFF, INSURER: STAFF},
    Action.OPEN_NOTICES: {MIA: ALL_ROLES - {"carer"}, INSURER: ALL_ROLES, AGENCY: {"admin", "reviewer"},
                          PROVIDER: STAFF},
    Action.VIEW_FINDINGS: {MIA: STAFF, INSURER: STAFF, PROVIDER: STAFF},
    Action.MANAGE_CARERS: {PROVIDER: {"admin", "operator"}},
    Action.VIEW_CARERS: {MIA: STAFF, INSURER: STAFF, PROVIDER: {"admin", "operator"}},
    Action.OWN_CARER_ENTRY: {PROVIDER: {"carer"}},
    Action.TRIAL_CALCULATION: {MIA: STAFF, INSURER: {"operator", "reviewer"}, PROVIDER: {"operator", "reviewer"}},
    Action.ENTER_STARS: {MIA: {"admin"}},
    Action.VIEW_STARS: {MIA: STAFF, PROVIDER: STAFF},
    Action.VIEW_DEPOSITS: {MIA: STAFF, INSURER: STAFF, PROVIDER: STAFF},
    Action.VIEW_FAMILY_PAYMENTS: {MIA: STAFF, INSURER: STAFF},
    Action.VIEW_SETTLEMENTS: {MIA: STAFF, INSURER: STAFF, PROVIDER: STAFF},
    Action.APPROVE_SETTLEMENTS: {MIA: {"reviewer"}},
    Action.VIEW_FOLLOW_UPS: {MIA: STAFF, INSURER: STAFF, PROVIDER: STAFF},
    Action.REASSIGN_FOLLOW_UPS: {INSURER: {"admin"}},
    Action.REGISTER_COMPLAINTS: {MIA: {"operator"}, INSURER: {"operator"}},
    Action.VIEW_COMPLAINTS: {MIA: STAFF, INSURER: STAFF, PROVIDER: STAFF},
    Action.VIEW_RATINGS: {MIA: STAFF, INSURER: STAFF, PROVIDER: STAFF},
    Action.APPEAL_RATINGS: {PROVIDER: {"operator"}},
    Action.VIEW_RECTIFICATIONS: {MIA: STAFF, INSURER: STAFF, PROVIDER: STAFF},
    Action.RESPOND_RECTIFICATION: {PROVIDER: {"operator"}},
    Action.CHECK_RECTIFICATION: {INSURER: {"operator", "reviewer"}},
    Action.AGREEMENT_REVIEWS: {MIA: {"admin"}},
    Action.SUPERVISION_REPORTS: {MIA: {"admin"}},
    Action.VIEW_DASHBOARDS: {MIA: {"admin"}, INSURER: ALL_ROLES, AGENCY: STAFF, PROVIDER: STAFF},
}


class HasRoles(Protocol):
    org_kind: str
    roles: frozenset[str]


def allowed(org_kind: str, roles: frozenset[str] | set[str], action: Action | str) -> bool:
    granted = WHO_DOES_WHAT[Action(action)].get(org_kind, set())
    return bool(granted.intersection(roles))


def can(user: HasRoles, action: Action | str) -> bool:
    return allowed(user.org_kind, user.roles, action)
