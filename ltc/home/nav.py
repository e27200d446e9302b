"""Navigation by role (pure): the user's main work as direct links, everything else grouped by area.

Each entry names an endpoint and the action it needs. A group of which the user may open a single
entry is shown as that entry (no menu of one); a group with none is left out.
"""
from dataclasses import dataclass

from ltc.auth.permissions import Action, allowed


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str  # msgid, translated in the template
    action: Action


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: str  # msgid
    items: tuple[NavItem, ...]

    @property
    def endpoints(self) -> tuple[str, ...]:
        return tuple(item.endpoint for item in self.items)


#: the daily work of the roles, one click from every page (with its pending count as a badge)
MAIN = (
    NavItem("assessment.index", "评估申请", Action.ROSTER_VIEW),
    NavItem("assessment.new_application", "提交申请", Action.FILE_APPLICATION),
    NavItem("reviews.inbox", "待审核案件", Action.DECIDE_REVIEW),
)

#: a carer login's whole menu: their week and today's visits, their register entry, the catalogue
CARER_MAIN = (
    NavItem("visits.carer_week", "我的排班", Action.VIEW_VISITS),
    NavItem("visits.today", "今日服务", Action.LOG_VISITS),
    NavItem("carers.my_entry", "我的名册信息", Action.OWN_CARER_ENTRY),
    NavItem("catalogue.list_items", "服务项目", Action.VIEW_POLICY),
)

GROUPS = (
    NavGroup("cases", "评估与审核", (
        NavItem("assessment.workload", "评估人员工作量", Action.SCHEDULE_ASSESSMENT),
        NavItem("reviews.all_cases", "审核案件", Action.ROSTER_VIEW),
        NavItem("assessment.publicity", "评估结果公示", Action.VIEW_POLICY),
    )),
    NavGroup("persons", "参保人与待遇", (
        NavItem("people.list_persons", "参保人", Action.ROSTER_VIEW),
        NavItem("hospital.list_stays", "住院记录", Action.ROSTER_VIEW),
        NavItem("people.id_collisions", "身份证号冲突", Action.RESOLVE_ID_COLLISIONS),
        NavItem("entitlements.list_entitlements", "待遇资格", Action.ROSTER_VIEW),
        NavItem("entitlements.today", "今日享受待遇人员", Action.CARE_RECORDS),
        NavItem("care_plans.list_plans", "护理计划", Action.CARE_RECORDS),
        NavItem("stays.index", "在院记录", Action.VIEW_STAYS),
        NavItem("carers.list_carers", "护理人员名册", Action.VIEW_CARERS),
        NavItem("carers.my_entry", "我的名册信息", Action.OWN_CARER_ENTRY),
        NavItem("violation_points.list_points", "护理人员违规记分", Action.VIEW_CARERS),
        NavItem("follow_ups.index", "回访评价", Action.VIEW_FOLLOW_UPS),
        NavItem("complaints.index", "投诉登记", Action.VIEW_COMPLAINTS),
        NavItem("provider_ratings.ratings", "星级评定", Action.VIEW_RATINGS),
    )),
    NavGroup("visits", "上门服务", (
        NavItem("visits.today", "今日服务", Action.VIEW_VISITS),
        NavItem("visits.carer_week", "护理人员周排班", Action.VIEW_VISITS),
        NavItem("visits.people", "服务对象周排班", Action.VIEW_VISITS),
        NavItem("visit_schedule.index", "月度排班", Action.CARE_RECORDS),
    )),
    NavGroup("admin", "系统管理", (
        NavItem("policy.list_versions", "政策参数", Action.VIEW_POLICY),
        NavItem("supervision_draft_costs.index", "政策草案基金测算", Action.MANAGE_ORGS),
        NavItem("catalogue.list_items", "服务项目", Action.VIEW_POLICY),
        NavItem("orgs.list_orgs", "机构", Action.MANAGE_ORGS),
        NavItem("orgs.list_districts", "区县名录", Action.MANAGE_ORGS),
        NavItem("contracts.list_contracts", "承办合同", Action.VIEW_CONTRACTS),
        NavItem("experts.list_experts", "评估专家", Action.MANAGE_ORGS),
        NavItem("users.list_users", "用户", Action.MANAGE_OWN_USERS),
        NavItem("calendar.overrides", "工作日历", Action.MANAGE_ORGS),
        NavItem("scheduler.index", "定时任务", Action.MANAGE_ORGS),
        NavItem("tokens.all_tokens", "API 令牌（全部用户）", Action.MANAGE_ALL_USERS),
        NavItem("audit.log", "审计日志", Action.VIEW_AUDIT),
        NavItem("supervision_reports.index", "监管月报", Action.SUPERVISION_REPORTS),
    )),
    NavGroup("billing", "结算", (
        NavItem("settlements.index", "月度结算", Action.VIEW_SETTLEMENTS),
        NavItem("settlement_review.approval", "结算审批", Action.APPROVE_SETTLEMENTS),
        NavItem("settlement_review.payment", "结算支付", Action.INSURER_OPERATIONS),
        NavItem("billing_documents.payment_list", "结算支付清单", Action.VIEW_SETTLEMENTS),
        NavItem("billing_documents.statement_list", "参保人结算单", Action.VIEW_SETTLEMENTS),
        NavItem("family_allowances.payment_list", "亲情照护补贴", Action.VIEW_FAMILY_PAYMENTS),
        NavItem("deposits.index", "质量保证金", Action.VIEW_DEPOSITS),
        NavItem("stars.list_stars", "机构星级", Action.VIEW_STARS),
        NavItem("rating_effects.list_notices", "整改通知", Action.VIEW_RECTIFICATIONS),
        NavItem("rating_effects.list_proposals", "协议处理建议", Action.AGREEMENT_REVIEWS),
        NavItem("trial.page", "结算试算", Action.TRIAL_CALCULATION),
    )),
    NavGroup("supervision", "监管看板", (
        NavItem("supervision.dashboard", "监管看板", Action.VIEW_DASHBOARDS),
    )),
)

#: every msgid the menu shows (the English catalogue is checked to hold them all)
NAV_LABELS = tuple(item.label for item in MAIN + CARER_MAIN) + tuple(
    label for group in GROUPS for label in (group.label, *(item.label for item in group.items)))


def nav_for(org_kind: str, roles: frozenset[str]) -> list[NavItem | NavGroup]:
    """The menu of a user of ``org_kind`` with ``roles``: main links first, then the area menus."""
    def mine(items):
        return tuple(item for item in items if allowed(org_kind, roles, item.action))

    if org_kind == "provider" and roles and set(roles) <= {"carer"}:
        return list(mine(CARER_MAIN))
    entries: list[NavItem | NavGroup] = list(mine(MAIN))
    for group in GROUPS:
        items = mine(group.items)
        if len(items) == 1:
            entries.append(items[0])
        elif items:
            entries.append(NavGroup(group.key, group.label, items))
    return entries


def endpoints_of(entries: list[NavItem | NavGroup]) -> list[str]:
    """Every endpoint the menu links to."""
    return [e for entry in entries for e in (entry.endpoints if isinstance(entry, NavGroup) else (entry.endpoint,))]
