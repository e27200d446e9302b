"""Rule codes, severities and finding statuses (pure). Stored as VARCHAR."""
from enum import StrEnum


class Severity(StrEnum):
    REJECT = "REJECT"   # not payable
    FLAG = "FLAG"       # held for the insurer's review
    WARN = "WARN"       # entry-time warning only


class RuleCode(StrEnum):
    E01 = "E01"
    E02 = "E02"
    E03 = "E03"
    E07 = "E07"
    E08 = "E08"
    P01 = "P01"
    P02 = "P02"
    V01 = "V01"
    V03 = "V03"
    V04 = "V04"
    V06 = "V06"
    V07 = "V07"
    V09 = "V09"
    V10 = "V10"
    V11 = "V11"
    V12 = "V12"
    V13 = "V13"
    D02 = "D02"
    F01 = "F01"
    S01 = "S01"
    S02 = "S02"


class FindingStatus(StrEnum):
    """``open`` while the rule still finds it; ``cleared`` when a later check of the record no longer
    does (the record was corrected, or a dated fact changed). Decisions on findings (pay / refuse,
    appeals) belong to the settlement audit."""

    OPEN = "open"
    CLEARED = "cleared"


class FindingSource(StrEnum):
    ENTRY = "entry"    # 事前提醒: checked when the record was saved
    SCAN = "scan"      # 事中监控: the nightly scan or a settlement generation


SEVERITY_LABELS = {Severity.REJECT: "不予支付", Severity.FLAG: "待审核", Severity.WARN: "提醒"}
FINDING_STATUS_LABELS = {FindingStatus.OPEN: "有效", FindingStatus.CLEARED: "已消除"}
FINDING_SOURCE_LABELS = {FindingSource.ENTRY: "录入时检查", FindingSource.SCAN: "夜间巡检"}
RULE_LABELS = {
    RuleCode.E01: "无有效待遇", RuleCode.E02: "评估结论已到期", RuleCode.E03: "参保状态异常",
    RuleCode.E07: "死亡后服务", RuleCode.E08: "住院期间服务", RuleCode.P01: "机构暂停或超出协议范围",
    RuleCode.P02: "护理人员资质不符", RuleCode.V01: "签到位置偏离", RuleCode.V03: "服务时长不足",
    RuleCode.V04: "同一护理人员服务时间重叠", RuleCode.V06: "同日重复服务", RuleCode.V07: "超出月度限额",
    RuleCode.V09: "服务项目不在护理计划内", RuleCode.V10: "重复记录", RuleCode.V11: "专护床日无医保住院记录",
    RuleCode.V12: "延迟上传", RuleCode.V13: "未签退", RuleCode.D02: "请假超过期限",
    RuleCode.F01: "亲情照护上门次数不足", RuleCode.S01: "定位或照片重复使用", RuleCode.S02: "服务时长异常集中",
}
