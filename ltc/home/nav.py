"""Navigation by role (pure): each entry names an endpoint and the action it needs."""
from dataclasses import dataclass

from ltc.auth.permissions import Action, allowed


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str  # msgid, translated in the template
    action: Action


NAV = (
    NavItem("assessment.index", "评估申请", Action.ROSTER_VIEW),
    NavItem("assessment.new_application", "提交申请", Action.FILE_APPLICATION),
    NavItem("assessment.workload", "评估人员工作量", Action.SCHEDULE_ASSESSMENT),
    NavItem("assessment.publicity", "评估结果公示", Action.VIEW_POLICY),
    NavItem("people.list_persons", "参保人", Action.ROSTER_VIEW),
    NavItem("hospital.list_stays", "住院记录", Action.ROSTER_VIEW),
    NavItem("people.id_collisions", "身份证号冲突", Action.RESOLVE_ID_COLLISIONS),
    NavItem("entitlements.list_entitlements", "待遇资格", Action.ROSTER_VIEW),
    NavItem("entitlements.today", "今日享受待遇人员", Action.CARE_RECORDS),
    NavItem("care_plans.list_plans", "护理计划", Action.CARE_RECORDS),
    NavItem("reviews.inbox", "待审核案件", Action.DECIDE_REVIEW),
    NavItem("reviews.all_cases", "审核案件", Action.ROSTER_VIEW),
    NavItem("orgs.list_orgs", "机构", Action.MANAGE_ORGS),
    NavItem("orgs.list_districts", "区县名录", Action.MANAGE_ORGS),
    NavItem("contracts.list_contracts", "承办合同", Action.VIEW_CONTRACTS),
    NavItem("users.list_users", "用户", Action.MANAGE_OWN_USERS),
    NavItem("policy.list_versions", "政策参数", Action.VIEW_POLICY),
    NavItem("catalogue.list_items", "服务项目", Action.VIEW_POLICY),
    NavItem("experts.list_experts", "评估专家", Action.MANAGE_ORGS),
    NavItem("calendar.overrides", "工作日历", Action.MANAGE_ORGS),
    NavItem("scheduler.index", "定时任务", Action.MANAGE_ORGS),
    NavItem("tokens.all_tokens", "API 令牌（全部用户）", Action.MANAGE_ALL_USERS),
    NavItem("audit.log", "审计日志", Action.VIEW_AUDIT),
)


def nav_for(org_kind: str, roles: frozenset[str]) -> list[NavItem]:
    return [item for item in NAV if allowed(org_kind, roles, item.action)]
