"""Field-level reasons (``DomainError.fields``, the API's ``fields``) in words.

Services name the offending field with a short English reason (``"too long"``), which API clients
may match on; the user reads it in their language. Each reason maps to its Chinese words (a msgid,
translated where shown); reasons that carry a number or a date are matched by pattern. A reason a
service already wrote as a Chinese msgid (care plans) is translated as it is. Imports no domain.
"""
import re

FIELD_REASON_LABELS = {
    "required": "必填", "invalid": "无效", "unknown": "未知", "too long": "过长", "unchanged": "未变更",
    "taken": "已被占用", "has errors": "有错误", "not allowed": "不允许",
    "must be after valid_from": "须晚于起始日期", "stale": "已被他人修改", "out of range": "超出范围",
    "self": "不能是自己", "required, at most 500": "必填，最多 500 字", "deceased": "参保人已死亡",
    "required for other": "选择“其他”时必填", "at most 500 characters": "最多 500 个字符",
    "not concluded": "尚无评估结论", "resolved": "已处理", "not in this collision": "不属于该疑似重复",
    "later period exists": "已有更晚的登记", "negative": "不能为负数", "too large": "过大", "not yours": "不属于您",
    "wrong": "错误", "unknown ruleset": "未知的评估标准", "not an agency user": "不是评估机构用户",
    "not an assessor": "不是评估员", "required, at most 50": "必填，最多 50 字", "at most 200": "最多 200 字",
    "must be before the current end": "须早于当前结束日期", "outside its agreement period": "不在协议期内",
    "not an assessment agency": "不是评估机构", "assessed the first time": "已承担首次评估",
    "not active": "非正常状态", "no eligible agency": "没有可派单的评估机构", "in the future": "不能晚于今天",
    "missing": "缺少", "already signed": "已签署", "already confirmed": "已确认", "does not match": "不一致",
    "empty file": "空文件", "larger than 10 MB": "超过 10 MB",
    "only PDF, JPG or PNG content is accepted": "只接受 PDF、JPG 或 PNG 文件", "open application": "已有未办结的申请",
    "unknown care type": "未知的服务形式", "review": "审核", "follow_up or insurer_order": "须为随访或经办机构要求",
    "no active or future entitlement": "没有有效或将生效的待遇", "not a care provider": "不是护理服务机构",
    "declared": "已声明", "not declared by every on-site assessor": "上门评估人员尚未全部声明",
    "not after the conclusion date": "不能晚于结论日期", "two distinct assessors": "须为两名不同的评估人员",
    "took part in the first assessment": "参与过首次评估", "no expert": "没有评估专家", "at most 480": "最多 480",
    "objection not possible": "不能提出异议", "no other agency": "没有其他评估机构", "in_progress": "进行中",
    "unknown refusal code": "未知的不予受理原因", "must be after effective_from": "须晚于生效日期",
    "overlaps a published version": "与已发布的版本重叠", "already in force": "已生效",
    "unknown section": "未知的分组", "open case exists": "已有进行中的审核", "case closed": "审核已结束",
    "not your step": "不是您办理的步骤", "role not allowed": "角色不允许",
    "at most 1000 characters": "最多 1000 个字符", "decides no review step": "不办理任何审核步骤",
    "overlaps another contract": "与其他合同重叠", "not an insurer": "不是经办机构", "mia exists": "医保局已存在",
    "inactive": "已停用", "in use": "已被使用", "migrated conclusion": "迁移的评估结论",
    "below threshold": "低于阈值", "open request": "已有未办结的申请",
    "only for a change of care type or provider": "只适用于变更服务形式或服务机构",
    "not before the end": "不早于结束日期", "other person": "其他参保人", "already replaced": "已被替代",
    "not after replaced start": "不晚于被替代待遇的开始日期", "overlaps another entitlement": "与其他待遇重叠",
    "not a shortening": "不是提前结束", "no concluded application": "尚无最终评估结论",
    "ambiguous name": "有多名同名参保人", "unknown application number": "未知的申请编号", "overlap": "重叠",
    "after the entitlement ends": "晚于待遇结束日期", "unknown status": "未知的状态", "no overrides": "没有录入调整",
    "overlaps an existing period": "与已有期间重叠", "no other person": "没有另一名参保人",
    "already merged": "已合并", "refused": "被拒绝", "invalid choice": "无效的选项", "already registered": "已登记",
    "already recorded": "已登记", "not recorded": "未登记", "before admitted_on": "早于入院日期", "duplicate": "重复",
    "unknown item": "未知的项目", "listed twice": "重复列出", "8 to 30 digits": "8 至 30 位数字",
    "required: digits, +, - or spaces": "必填：数字、+、- 或空格",
    "lower-case letters, digits and _": "小写字母、数字和 _",
    "objected: withdraw the objection (the 复评) instead": "已提出异议：请改为撤回异议（复评）",
    "not in scope": "不在您的服务范围内", "future": "不能是将来的日期", "outside stay": "不在在院期间内",
    "not after out_on": "须晚于请假日期", "settled": "已结算", "not bed-based": "不是床位护理",
    "already used for a different request": "已用于另一个请求", "in progress": "处理中", "not found": "不存在",
    "already": "已登记", "not a number": "不是数字", "already linked": "已关联",
    "another organisation": "属于其他机构", "not a carer": "不是护理人员",
    "must be after employed_from": "须晚于入职日期",
    # the API's own wording of a bad request (ltc.api.schema)
    "unknown field": "未知的字段",
    "must be a string": "须为字符串", "must be an integer": "须为整数", "must be a number": "须为数字",
    "must be true or false": "须为 true 或 false", "must be an object": "须为对象", "must be a list": "须为列表",
    "must be a finite number": "须为有限的数字", "must be a date YYYY-MM-DD": "须为日期 YYYY-MM-DD",
    "must not be empty": "不能为空", "nested too deeply": "嵌套过深", "invalid JSON": "JSON 格式无效",
    "expected a JSON object": "须为 JSON 对象", "must be sent as application/json": "须以 application/json 发送",
    "must not contain NUL characters or lone surrogates": "不能包含 NUL 字符或孤立的代理字符",
    "already drawn": "样本已抽取", "already submitted": "已提交过", "appeal window closed": "申诉期已过",
    "columns": "缺少列", "empty": "无数据", "encoding": "编码错误", "none": "没有可支付的结算",
    "not a draft": "不是草稿",
    "not a flagged record": "不是待审核记录", "not a reject finding": "不是系统拒付记录", "not audited": "尚未审核",
    "not flagged": "不是待审核记录", "not refused": "非不予支付记录", "not sampled": "不属于抽查对象",
    "not your settlement": "不是本机构的结算", "paid": "已支付", "rows": "行有误", "not at this step": "不在此审核环节",
    "no annual star": "年度星级尚未评定", "unpaid settlements": "有未支付的结算", "nothing payable": "没有待支付的补贴",
    "not a provider": "不是护理服务机构", "month not over": "月份尚未结束", "year not over": "年度尚未结束",
    "computed": "已由系统评定",
    "blocked": "暂缓支付", "busy": "正在排队或处理中", "decided on the subject's page": "须在业务页面办理",
    "no insurer": "没有承办机构", "not staff": "不是本机构的回访人员", "before it was listed": "早于列入回访任务的日期",
    "not the provider's carer": "不是该机构的护理人员",
    "must be 1..5": "须为 1–5 分",
    "no agreement": "没有生效的协议", "already ends": "协议已终止",
    "too late": "已超过申诉期限", "open appeal": "已有审核中的申诉",
}

#: reasons that carry a value: pattern → Chinese template (a msgid with the pattern's named groups)
FIELD_REASON_PATTERNS = {
    r"required, at most (?P<n>\d+)(?: characters)?": "必填，最多 %(n)s 个字符",
    r"at most (?P<n>\d+) characters": "最多 %(n)s 个字符",
    r"at least (?P<n>\d+) characters": "至少 %(n)s 个字符",
    r"at most (?P<n>\d+) items": "最多 %(n)s 项",
    r"at least (?P<n>\d+) items": "至少 %(n)s 项",
    r"must be at most (?P<n>\S+)": "不能大于 %(n)s",
    r"must be at least (?P<n>\S+)": "不能小于 %(n)s",
    r"must be less than (?P<n>\S+)": "须小于 %(n)s",
    r"must be greater than (?P<n>\S+)": "须大于 %(n)s",
    r"must be an integer (?P<low>\d+)–(?P<high>\d+)": "须为 %(low)s–%(high)s 的整数",
    r"must be one of (?P<values>.+)": "须为以下之一：%(values)s",
    r"between (?P<low>\S+) and (?P<high>\S+)": "须在 %(low)s 至 %(high)s 之间",
    r"must be between (?P<low>\S+) and (?P<high>\S+)": "须在 %(low)s 至 %(high)s 之间",
    # Chinese reasons that carry a value (care plans, the catalogue): the value stays, the words translate
    r"未知的服务项目 (?P<code>\S+)": "未知的服务项目 %(code)s",
    r"服务项目 (?P<code>\S+) 已停用": "服务项目 %(code)s 已停用",
    r"服务项目 (?P<code>\S+) 不属于服务形式 (?P<care_type>\S+)": "服务项目 %(code)s 不属于服务形式 %(care_type)s",
    r"服务项目 (?P<code>\S+) 不能由 (?P<staff_type>\S+) 提供": "服务项目 %(code)s 不能由 %(staff_type)s 提供",
    r"频次应为 1 至 (?P<n>\d+) 次": "频次应为 1 至 %(n)s 次",
    r"计划分钟数应为 1 至 (?P<n>\d+)": "计划分钟数应为 1 至 %(n)s",
    r"每周 (?P<n>\d+) 次不能平均安排在 (?P<days>\d+) 个服务日": "每周 %(n)s 次不能平均安排在 %(days)s 个服务日",
    r"服务种类不超过 (?P<n>\d+) 种": "服务种类不超过 %(n)s 种",
    r"1–(?P<n>\d+) visible ASCII characters": "1–%(n)s 个可见 ASCII 字符",
}
_PATTERNS = [(re.compile(pattern), words) for pattern, words in FIELD_REASON_PATTERNS.items()]


def reason_msgid(reason: str) -> tuple[str, dict]:
    """The msgid (and its params) that says ``reason``; an unknown reason is its own msgid."""
    if reason in FIELD_REASON_LABELS:
        return FIELD_REASON_LABELS[reason], {}
    for pattern, words in _PATTERNS:
        if match := pattern.fullmatch(reason):
            return words, match.groupdict()
    return reason, {}
