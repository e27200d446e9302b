"""English wording for the UI. `python scripts/en_terms.py` refreshes
ltc/translations/en/LC_MESSAGES/messages.po from the sources, keeping these translations; msgids
that only exist at run time (label dicts, nav entries, policy field labels) are added from EN.
Then `make translations` compiles the catalogue. One msgid has one English text: a Chinese word
used in two senses (e.g. 退出 log out / exited) gets the wording of its main use."""
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

EN = {
    "评估员": "Assessor", "证书编号": "Certificate no.", "发证机关": "Issued by", "有效期起": "Valid from",
    "登记证书": "Register certificate", "结束证书": "End certificate", "评估机构": "Assessment agency",
    "状态": "Status", "全部": "All", "用户名": "Username", "密码": "Password", "登录": "Log in",
    "当前密码": "Current password", "新密码": "New password", "确认新密码": "Confirm new password",
    "修改密码": "Change password", "已退出登录": "You have been logged out", "密码已修改": "Password changed",
    "日期": "Date", "类型": "Type", "节假日（休息）": "Holiday (day off)", "调休工作日": "In-lieu workday",
    "备注": "Note", "保存": "Save", "已保存 %(day)s": "Saved %(day)s", "已删除 %(day)s": "Deleted %(day)s",
    "机构类型": "Organisation kind", "机构名称": "Organisation name",
    "统一社会信用代码": "Unified social credit code", "地址": "Address", "纬度": "Latitude",
    "经度": "Longitude", "电话": "Phone", "名称或信用代码": "Name or credit code", "起始日期": "Start date",
    "登记状态": "Record status", "协议编号": "Agreement no.", "登记协议": "Record agreement",
    "协议服务形式": "Agreement care types", "登记服务形式": "Record care types", "机构等级": "Facility grade",
    "登记等级": "Record grade", "床位数": "Beds", "登记床位": "Record beds",
    "日护理价格（元）": "Daily nursing price (CNY)", "登记价格": "Record price", "所属机构": "Organisation",
    "姓名": "Name", "角色": "Roles", "初始密码": "Initial password", "确认密码": "Confirm password",
    "创建用户": "Create user", "启用": "Active", "重置密码": "Reset password", "机构": "Organisations",
    "用户名或姓名": "Username or name", "停用": "Inactive", "用户 %(name)s 已创建": "User %(name)s created",
    "用户 %(name)s 已保存": "User %(name)s saved", "机构已创建": "Organisation created",
    "机构信息已保存": "Organisation saved", "已登记": "Recorded", "身份证号": "ID number", "区县": "District",
    "街道/乡镇": "Township", "社区/村": "Village", "参保状态": "Enrolment status",
    "参保类别": "Insurance category", "人群标签": "Population tags", "生效日期": "Effective from",
    "登记": "Record", "变更状态": "Change status", "变更类别": "Change category", "添加标签": "Add tag",
    "结束标签": "End tag", "死亡日期": "Date of death", "登记死亡": "Record death",
    "CSV 或 XLSX 文件": "CSV or XLSX file", "上传并预览": "Upload and preview", "确认导入": "Confirm import",
    "登记参保人": "Register insured person", "已保存": "Saved", "编辑参保人": "Edit insured person",
    "没有变化": "No change", "立即运行": "Run now", "长护险管理系统": "LTC insurance system",
    "长护险": "LTC", "退出": "Log out", "长期护理保险管理系统": "Long-term care insurance system",
    "工作日历": "Working calendar", "星期": "Weekday", "修改时间": "Changed at", "删除": "Delete",
    "录入调整": "Add override", "您没有权限执行此操作。": "You are not allowed to do this.",
    "页面或记录不存在。": "This page or record does not exist.",
    "系统出错，已记录日志，请稍后再试。": "Something went wrong; it has been logged. Please try again later.",
    "请求无法处理。": "The request could not be processed.", "返回首页": "Back to home",
    "评估专家名录": "Expert register", "有效期": "Validity", "长期": "Open-ended", "筛选": "Filter",
    "结束": "End", "首页": "Home", "本机构": "My organisation", "协议": "Agreement",
    "负责区县": "Districts", "服务形式": "Care types", "床位": "Beds", "日护理价格": "Daily nursing price",
    "我的角色": "My roles", "查看全部": "View all", "暂无待办事项": "Nothing to do",
    "用户": "Users", "新建用户": "New user", "编辑": "Edit", "今日情况": "Today", "期间": "Period",
    "暂无登记": "Nothing recorded", "编辑机构": "Edit organisation", "新建机构": "New organisation",
    "新建": "New", "创建后不可更改": "Cannot be changed later", "今日状态": "Status today",
    "返回列表": "Back to list", "基本信息": "Details", "性别": "Sex", "出生日期": "Date of birth",
    "登记历史": "History", "项目": "Item", "值": "Value", "起": "From", "止（不含）": "To (exclusive)",
    "变更登记": "Record a change", "返回": "Back", "批量导入参保人": "Import insured persons",
    "导入预览": "Import preview", "新增": "Create", "更新": "Update", "未变": "Unchanged", "错误": "Errors",
    "文件有错误，未导入任何数据。请修改后重新上传。":
        "The file has errors; nothing was imported. Please correct it and upload again.",
    "行号": "Row", "操作": "Action", "变更 / 错误": "Changes / errors", "重新上传": "Upload again",
    "参保人": "Insured persons", "批量导入": "Import", "姓名或身份证号": "Name or ID number",
    "全部区县": "All districts", "查询": "Search", "没有符合条件的参保人": "No matching insured persons",
    "政策参数": "Policy", "政策参数版本": "Policy versions", "第 %(n)s 版": "Version %(n)s",
    "当前生效": "In force", "生效期间": "Effective period", "创建时间": "Created at",
    "发布时间": "Published at", "废止时间": "Retired at", "说明": "Note", "变更记录": "Events",
    "时间": "Time", "操作人": "By", "系统": "System", "版本": "Version", "名称": "Name",
    "尚无政策版本": "No policy versions yet", "每日 %(time)s": "Daily %(time)s", "定时任务": "Scheduled jobs",
    "任务": "Job", "计划": "Schedule", "下次运行": "Next run", "最近运行": "Last run",
    "最近成功": "Last success", "从未运行": "Never run", "运行记录": "Run history",
    "应运行时间": "Due at", "开始": "Started", "结果": "Outcome", "触发": "Trigger", "进程": "Process",
    "暂无运行记录": "No runs yet", "编辑用户": "Edit user", "没有符合条件的用户": "No matching users",
    "没有符合条件的机构": "No matching organisations",
    # the states of a large import run by the scheduler (ltc.scheduler.imports.STATE_LABELS)
    "正在检查": "Checking", "正在导入": "Importing", "文件有错误，未导入": "Refused: the file has errors",
    "已完成": "Done", "部分批次未完成": "Some batches not done",
}

# Service catalogue, care plans, entitlements, reviews, policy editing, audit log, API tokens.
EN.update({
    # API tokens
    "该令牌已撤销": "This token has been revoked", "令牌 %(prefix)s… 已撤销": "Token %(prefix)s… revoked",
    "API 令牌": "API tokens", "API 令牌（全部用户）": "API tokens (all users)", "只看有效令牌": "Active tokens only",
    "我的 API 令牌": "My API tokens",
    "令牌通过 POST /api/v1/auth/token 申请，只保存其摘要；这里只显示前 8 位。令牌没有到期时间，不再使用时请撤销。":
        "Tokens are requested with POST /api/v1/auth/token and only their digest is stored; only the first 8 "
        "characters are shown here. Tokens do not expire: revoke a token when it is no longer used.",
    "令牌": "Token", "最近使用": "Last used", "从未使用": "Never used", "已撤销": "Revoked", "有效": "Active",
    "撤销": "Revoke", "没有 API 令牌": "No API tokens",
    # Audit log
    "审计日志": "Audit log", "截止日期": "Until", "对象类型": "Object type", "对象编号": "Object ID",
    "修改前": "Before", "修改后": "After", "只显示本机构用户的操作记录。": "Only actions by users of your organisation are shown.",
    "对象": "Object", "没有符合条件的记录": "No matching records",
    # Service catalogue
    "服务项目": "Service items", "项目类别": "Item category", "编码或名称": "Code or name", "项目名称": "Item name",
    "英文名称": "English name", "国家编码": "National code",
    "17 位医保服务项目编码，未对照前留空": "17-character national medical-insurance service code; leave blank until mapped",
    "可提供人员": "Delivered by", "适用服务形式": "Care types", "标准时长（分钟）": "Standard duration (minutes)",
    "登记标准时长": "Record standard duration", "服务项目已保存": "Service item saved",
    "标准时长已登记": "Standard duration recorded", "项目信息": "Item details", "未对照": "Not mapped",
    "今日标准时长（分钟）": "Standard duration today (minutes)", "标准时长": "Standard duration",
    "尚未登记": "Not recorded yet", "自某日起变更": "Change from a date", "编辑服务项目": "Edit service item",
    "编码": "Code", "没有符合条件的服务项目": "No matching service items",
    # Care plans
    "护理计划": "Care plans", "%(n)s 级": "Level %(n)s", "服务名称": "Service name", "频次": "Frequency",
    "单位": "Unit", "计划分钟": "Planned minutes", "添加一行": "Add a row", "保存为新版本": "Save as a new version",
    "参保人不存在或无权访问": "The insured person does not exist or you may not access them",
    "护理计划已保存为第 %(n)s 版": "Care plan saved as version %(n)s",
    "修改（保存为新版本）": "Change (saved as a new version)", "护理服务机构": "Care provider",
    "保存时间": "Saved at",
    "计划检查（按 %(day)s 适用的政策与参保信息）": "Plan checks (policy and insurance details in force on %(day)s)",
    "通过": "Approve", "未通过": "Failed", "服务安排": "Services", "次": "times", "历史版本": "Version history",
    "制定": "New plan", "基于第 %(n)s 版": "Based on version %(n)s",
    "每种服务一行；整行留空的行不保存。每周频次按 52 周 ÷ 12 个月折算为每月次数。":
        "One row per service; rows left entirely blank are not saved. A weekly frequency is converted to a "
        "monthly count as 52 weeks ÷ 12 months.",
    "服务 %(n)s": "Service %(n)s", "制定护理计划": "Draw up a care plan", "暂无护理计划": "No care plans yet",
    # Entitlements
    "待遇资格": "Entitlements", "全部服务形式": "All care types", "全部状态": "All statuses",
    "没有待确认的导入文件，请重新上传": "There is no import waiting for confirmation; please upload the file again",
    "导入完成：新增 %(create)d，未变 %(unchanged)d": "Import complete: %(create)d created, %(unchanged)d unchanged",
    "服务机构": "Care provider", "待遇期间": "Entitlement period", "评估结论": "Assessment conclusion",
    "不含": "exclusive", "来源": "Source", "变更为": "Changed to", "原结束日期（不含）": "Previous end date (exclusive)",
    "新结束日期（不含）": "New end date (exclusive)", "核定": "Granted",
    "待遇资格上线迁移导入": "Go-live import of entitlements", "上线迁移导入": "Go-live import",
    "上传 UTF-8 编码的 CSV 或 XLSX 文件，第一行为表头：":
        "Upload a UTF-8 encoded CSV or XLSX file whose first row is the header:",
    "也可使用中文表头：身份证号、失能等级、评估结论日期、结论有效期截止、服务形式、服务机构、待遇开始日期。":
        "Chinese headers may be used instead: 身份证号, 失能等级, 评估结论日期, 结论有效期截止, 服务形式, 服务机构, "
        "待遇开始日期.",
    "失能等级 1–5；服务形式：special、institution、home、outreach、family 或其中文名称。":
        "Disability level 1–5; care type: special, institution, home, outreach, family or its Chinese name.",
    "服务机构填写统一社会信用代码或机构编号。":
        "Give the care provider by its unified social credit code or organisation ID.",
    "结论有效期截止为有效期结束的次日（不含当日）；为空时按评估结论日期加政策规定的有效期计算。":
        "The conclusion's validity end is the day after validity ends (exclusive); when blank it is the conclusion "
        "date plus the validity period set by the policy.",
    "导入的待遇标记为“上线迁移”，不经四方审核；同一参保人同一开始日期的相同记录重复导入不会产生变化。":
        "Imported entitlements are marked “go-live migration” and do not go through the four-party review; "
        "importing the same record for the same insured person and start date again changes nothing.",
    "任何一行有错误时整个文件不导入。": "If any row has an error, nothing in the file is imported.",
    "失能等级（1–5）": "Disability level (1–5)",
    "有效期至（最后有效日，含当日）": "Valid until (last valid day, inclusive)",
    "服务形式（代码或名称）": "Care type (code or name)",
    "服务机构（统一社会信用代码）": "Care provider (unified social credit code)",
    "上线迁移结论": "Migrated conclusion (go-live)",
    "下载模板：":
        "Download the template:",
    "也可使用中文表头：身份证号、失能等级、评估结论日期、有效期至、服务形式、服务机构、待遇开始日期。":
        "Chinese headers may be used instead: 身份证号, 失能等级, 评估结论日期, 有效期至, 服务形式, 服务机构, 待遇开始日期.",
    "有效期至为评估结论的最后有效日（含当日），与原系统导出的一致；为空时按评估结论日期加政策规定的有效期计算。":
        "“Valid until” is the conclusion's last valid day (inclusive), as the legacy system exports it; when blank, the validity is the conclusion date plus the validity period set by the policy.",
    "上线日期 %(day)s：只导入在此之前开始的待遇和作出的评估结论。":
        "Go-live date %(day)s: only entitlements starting, and conclusions made, before it are imported.",
    "尚未设置上线日期（LTC_GO_LIVE_DATE），不能导入。":
        "No go-live date is set (LTC_GO_LIVE_DATE): nothing can be imported.",
    "系统内已有评估结论、正在办理的申请或待遇审核的参保人不能上线迁移。":
        "Insured persons who already have a conclusion, an open application or an entitlement review in the system cannot be migrated.",
    "导入的评估结论按评估结论保存（到期前自动发起重新评估，并适用两次评估最短间隔）；导入的待遇标记为“上线迁移”，不经四方审核；同一参保人同一开始日期的相同记录重复导入不会产生变化。":
        "Imported conclusions are stored as assessment conclusions (a reassessment opens before they expire, and the minimum interval between assessments applies); imported entitlements are marked “go-live migration” and do not go through the four-party review; importing the same record for the same insured person and start date again changes nothing.",
    "有效期至（含当日）":
        "Valid until (inclusive)",
    "待遇资格上线迁移导入模板":
        "Go-live import template",
    "待遇资格导入预览": "Entitlement import preview", "评估结论日期": "Conclusion date",
    "结论有效期截止": "Conclusion valid until", "待遇开始日期": "Entitlement start date",
    "操作 / 错误": "Action / errors", "仅显示前 %(n)d 行。": "Only the first %(n)d rows are shown.",
    "今日在我机构享受待遇人员": "Beneficiaries at my organisation today", "终止原因": "End reason",
    "没有符合条件的待遇记录": "No matching entitlements",
    "今日没有在本机构享受待遇的人员": "Nobody receives benefits at your organisation today",
    "今日享受待遇人员": "Beneficiaries today",
    # Reviews
    "案件类型": "Case type", "决定": "Decision", "请选择决定": "Please choose a decision", "（无）": "(none)",
    "评估申请编号（ID）": "Assessment application ID", "定点护理服务机构": "Care provider",
    "全部类型": "All types", "是否超期": "Overdue", "已超期": "Overdue", "参保人信息": "Insured person",
    "已记录：%(decision)s": "Recorded: %(decision)s", "已发起待遇审核": "Entitlement review opened",
    "未发起审核：%(reason)s": "Review not opened: %(reason)s", "信息": "Information",
    "本步骤没有需要核对的事项": "Nothing to check at this step", "案件编号": "Case ID",
    "第 %(n)d 轮": "Round %(n)d", "发起于": "Opened on", "当前步骤": "Current step", "办理机构": "Handled by",
    "到达": "Arrived", "办理期限": "Due", "作出决定": "Decide",
    "退回、拒绝接收、不予通过须选择原因；括号内为该原因适用的决定。":
        "Return, decline and reject need a reason; the decisions a reason applies to are shown in brackets.",
    "提交决定": "Submit decision", "审核记录": "Review history", "步骤": "Step", "到达日期": "Arrived on",
    "办结日期": "Completed on", "超期": "Overdue", "审核对象第 %(n)d 版": "Subject revision %(n)d",
    "作出决定时的核对事项": "Checks at the time of the decision", "超期办理": "Handled late",
    "返回审核案件列表": "Back to review cases", "审核案件": "Review cases", "待审核案件": "Review inbox",
    "发起待遇审核": "Open an entitlement review", "未发起的待遇审核": "Entitlement reviews not opened",
    "发起日期": "Opened on", "没有符合条件的审核案件": "No matching review cases",
    "共 %(n)d 件，超期 %(o)d 件": "%(n)d cases, %(o)d overdue", "全部审核案件": "All review cases",
    "轮次": "Round", "暂无待审核案件": "No cases waiting for review", "记录时间": "Recorded at",
    "没有未发起的待遇审核": "No entitlement reviews waiting to be opened",
    "为已有最终评估结论（达到享受待遇等级）的参保人另选服务形式或护理机构，发起四方审核。":
        "For an insured person with a final assessment conclusion at a benefit level, choose another care type or "
        "care provider and open a four-party review.",
    "发起审核": "Open review",
    # Policy editing
    "新草稿名称": "New draft name", "失效日期（不含，可不填）": "End date (exclusive, optional)",
    "废止原因": "Reason for retiring", "只能修改草稿版本": "Only draft versions can be changed",
    "该分组已于 %(at)s 被 %(who)s 修改；请重新打开页面，再次输入您的修改":
        "This section was changed by %(who)s at %(at)s; please reopen the page and enter your changes again",
    "已保存：%(section)s": "Saved: %(section)s",
    "校验通过：所有参数分组均有效，可以发布": "Validation passed: every section is valid and the version can be published",
    "第 %(n)s 版已发布": "Version %(n)s published", "第 %(n)s 版已废止": "Version %(n)s retired",
    "已复制为草稿第 %(n)s 版": "Copied as draft version %(n)s",
    "与来源第 %(n)s 版相比的修改": "Changes compared with source version %(n)s",
    "与默认参数 REF 相比的修改": "Changes compared with the default parameters REF", "参数": "Parameter",
    "原值": "Old value", "新值": "New value", "尚无修改": "No changes yet", "编辑草稿": "Edit draft",
    "复制为新草稿": "Copy as a new draft", "废止": "Retire", "编辑政策参数": "Edit policy",
    "JSON 格式": "JSON format", "编辑第 %(n)s 版": "Edit version %(n)s",
    "本草稿还没有这个分组；下面显示默认参数 REF，保存后写入本草稿。":
        "This draft does not have this section yet; the default parameters REF are shown below and are written to "
        "the draft when you save.",
    "校验通过（尚未保存）": "Valid (not saved yet)", "校验": "Validate", "未知分组": "Unknown section",
    "校验整个版本": "Validate the whole version", "发布": "Publish",
    "生效期间为 [生效日期, 失效日期)，不得与其他已发布版本重叠；不填失效日期时，此前长期有效的版本在生效日期前一天结束。":
        "The effective period is [effective from, end date) and must not overlap another published version; "
        "without an end date, the open-ended version before it ends the day before the effective date.",
    "废止草稿": "Retire draft",
    "每个日期适用生效期间包含该日期的已发布版本；生效期间为 [生效日期, 失效日期)。":
        "Each date uses the published version whose effective period contains it; the effective period is "
        "[effective from, end date).",
})

# Assessment, experts, hospital stays, people, organisations, calendar, scheduler.
EN.update({
    "有效期至（不含当日，留空为长期）": "Valid until (exclusive; blank for open-ended)",
    "结束日期（当日起不再是评估专家）": "End date (no longer an expert from this day)",
    "已登记评估专家证书": "Expert certificate recorded", "登记评估专家证书": "Record expert certificate",
    "证书已结束": "Certificate ended", "仅显示超期": "Overdue only", "请选择": "Please choose",
    "申请类型": "Application type", "重新评估原因": "Reason for reassessment",
    "参保人身份证号": "Insured person's ID number", "参保人姓名": "Insured person's name",
    "申请人/代理人姓名": "Applicant / representative name", "与参保人关系": "Relationship to the insured person",
    "申请人电话": "Applicant phone", "电话只能包含数字、空格、+ 和 -": "A phone number may only contain digits, spaces, + and -",
    "申请人身份证号（代理人填写）": "Applicant ID number (for a representative)",
    "经规范治疗后失能状态已持续 6 个月以上": "Disabled for more than 6 months after standard treatment",
    "病历等证明材料（PDF、JPG、PNG，每个不超过 10 MB）":
        "Medical records and other evidence (PDF, JPG, PNG, up to 10 MB each)",
    "意向服务形式": "Preferred care type", "意向护理服务机构": "Preferred care provider", "开户人": "Account holder",
    "开户银行": "Bank", "银行账号": "Account number", "提交申请": "Submit application",
    "该机构当日不提供所选服务形式": "This provider does not offer the chosen care type on that day",
    "银行账户须同时填写开户人、开户银行和账号": "A bank account needs the holder, the bank and the account number",
    "重新评估须注明原因": "A reassessment needs a reason", "保存自评表": "Save self-assessment",
    "补充证明材料（PDF、JPG、PNG，每个不超过 10 MB）": "Additional evidence (PDF, JPG, PNG, up to 10 MB each)",
    "请选择文件": "Please choose a file", "上传": "Upload", "受理": "Accept", "不予受理原因": "Reason for refusal",
    "说明（选择“其他原因”时必填）": "Explanation (required for “other reason”)", "不予受理": "Refuse",
    "派单方式": "Dispatch method", "系统随机派单（在办案件最少的机构中随机）":
        "Random dispatch (among the agencies with the fewest open cases)",
    "指定评估机构": "Assign an assessment agency", "指定的评估机构": "Assigned assessment agency",
    "指定理由": "Reason for assignment", "派单": "Dispatch",
    "指定评估机构须填写理由": "Assigning an assessment agency needs a reason",
    "请选择评估机构": "Please choose an assessment agency", "上门评估日期": "Home visit date",
    "评估人员一": "Assessor 1", "评估人员一已作出回避声明": "Assessor 1 has made a conflict-of-interest declaration",
    "须作出回避声明": "A conflict-of-interest declaration is required", "回避声明一": "Declaration 1",
    "评估人员二": "Assessor 2", "评估人员二已作出回避声明": "Assessor 2 has made a conflict-of-interest declaration",
    "回避声明二": "Declaration 2", "改约原因（改约时必填）": "Reason for rescheduling (required when rescheduling)",
    "保存预约": "Save appointment", "须指派两名不同的评估人员": "Two different assessors must be assigned",
    "原因": "Reason", "提交": "Submit", "确认": "Confirm", "保存评估记录": "Save assessment record",
    "已提交申请 %(id)s": "Application %(id)s submitted", "评估人员": "Assessors",
    "在办上门评估": "Open home visits", "本月上门评估": "Home visits this month", "待会签": "Awaiting co-signature",
    "失能等级": "Disability level", "公示开始": "Publicity starts", "公示结束": "Publicity ends",
    "表单无效，请刷新页面后重试": "The form is invalid; please reload the page and try again",
    "自评表已保存": "Self-assessment saved", "材料已上传": "Documents uploaded",
    "已受理，受理通知书已生成": "Accepted; the acceptance notice has been issued",
    "已不予受理，不予受理通知书已生成": "Refused; the refusal notice has been issued", "已派单": "Dispatched",
    "已预约上门评估": "Home visit scheduled", "已改约上门评估": "Home visit rescheduled", "已签名": "Signed",
    "已确认评估结论": "Assessment conclusion confirmed", "已提出异议，复评已派单": "Objection raised; reassessment dispatched",
    "申请已撤回": "Application withdrawn", "申请已取消": "Application cancelled",
    "评估记录已保存（系统已复核评分），等待另一名评估人员签名":
        "Assessment record saved (scores rechecked by the system); waiting for the other assessor's signature",
    "例如：春节、国庆节调休": "e.g. Spring Festival or National Day make-up days",
    "18 位，含校验位": "18 characters including the check character",
    "负责区县（仅承办商保公司）": "Districts (contracted insurers only)",
    "多个区县用逗号、顿号或换行分隔": "Separate districts with commas or new lines",
    "正常状态起始日": "Active from", "留空则暂不登记状态": "Leave blank to record no status yet",
    "终止日期（不含）": "End date (exclusive)", "留空表示长期": "Leave blank for open-ended",
    "自起始日起协议内的全部服务形式；取消勾选即自该日起移出":
        "All care types in the agreement from the start date; untick one to remove it from that day",
    "只能包含字母、数字和 _ . -": "Only letters, digits and _ . - are allowed",
    "至少 10 个字符，须同时包含字母和数字": "At least 10 characters, with both letters and digits",
    "用户 %(name)s 的密码已重置": "Password of user %(name)s reset",
    "结束日期（当日起不再适用）": "End date (no longer applies from this day)",
    "导入完成：新增 %(create)d，更新 %(update)d，未变 %(unchanged)d":
        "Import complete: %(create)d created, %(update)d updated, %(unchanged)d unchanged",
    "已登记参保人 %(name)s": "Insured person %(name)s registered",
    "导出": "Export", "导出 CSV": "Export CSV", "导出 Excel": "Export Excel", "评估申请": "Applications",
    "返回工作队列": "Back to the work queue", "参保人与申请人": "Insured person and applicant",
    "申请人/代理人": "Applicant / representative", "失能满 6 个月声明": "Six-month disability declaration",
    "是": "Yes", "否": "No", "意向护理机构": "Preferred care provider", "补贴账户": "Allowance account",
    "提交机构": "Submitted by", "随机派单": "Random dispatch", "指定": "Assigned",
    "撤回/取消原因": "Reason for withdrawal / cancellation", "原申请": "Original application",
    "复评申请": "Reassessment application", "办理日期": "Processing dates", "提交日期": "Submitted on",
    "受理时限": "Acceptance due", "受理日期": "Accepted on", "结论时限": "Conclusion due",
    "复评期间暂停，自": "Paused during reassessment, from", "派单日期": "Dispatched on",
    "专家确认日期": "Expert confirmation date", "公示期": "Publicity period", "结论日期": "Conclusion date",
    "结论有效期": "Conclusion validity", "异议截止": "Objections until", "自评表": "Self-assessment",
    "尚未录入": "Not entered yet", "证明材料": "Evidence", "无": "None", "通知书": "Notices",
    "上门评估": "Home visit", "评估专家": "Assessment experts", "回避声明": "Conflict-of-interest declaration",
    "评估记录": "Assessment record", "指标": "Indicator", "得分": "Score",
    "日常生活活动能力": "Activities of daily living", "认知能力": "Cognition",
    "感知觉与沟通能力": "Perception and communication", "签名": "Sign", "专家确认": "Expert confirmation",
    "现场": "On site", "非现场": "Remote", "办理记录": "Processing history", "状态变化": "Status change",
    "原因/说明": "Reason / explanation", "重新录入评估记录": "Re-enter assessment record",
    "录入评估记录": "Enter assessment record", "系统检查：应不予受理": "System check: should be refused",
    "改约上门评估": "Reschedule home visit", "预约上门评估": "Schedule home visit",
    "作出回避声明": "Recusal declaration", "本人作出回避声明": "Make my recusal declaration",
    "已作出回避声明": "Recusal declaration recorded", "声明时间": "Declared at",
    "尚未本人作出回避声明": "Not yet declared by the assessor",
    "请本人确认与被评估人无亲属关系、无利害关系；声明以您的账号记录，录入评估记录前两名上门评估人员均须声明。":
        "Confirm personally that you have no family or other tie with the person; the declaration is recorded "
        "under your account, and both on-site assessors must declare before the record can be entered.",
    "会签评估记录": "Co-sign assessment record", "专家确认评估结论": "Expert confirms the conclusion",
    "修改自评表": "Edit self-assessment", "录入自评表": "Enter self-assessment",
    "补充证明材料": "Add evidence", "提出异议（申请复评）": "Object (apply for reassessment)",
    "撤回申请": "Withdraw application", "取消申请": "Cancel application",
    "当前没有需要您办理的操作": "Nothing for you to do on this application now",
    "提交失能评估申请": "Submit a disability assessment application",
    "请填写参保人的身份证号和姓名，系统将核对参保登记信息。":
        "Enter the insured person's ID number and name; the system checks them against the insurance register.",
    "意向服务": "Preferred care", "亲情照护补贴银行账户（可选）": "Bank account for the family-care allowance (optional)",
    "声明与证明材料": "Declaration and evidence", "取消": "Cancel", "评估结果公示": "Published assessment results",
    "公示期内对评估结论有异议的，可向经办机构提出复评申请。":
        "Anyone who disagrees with a conclusion during the publicity period may apply to the agency for a "
        "reassessment.",
    "今日没有公示中的评估结果": "No assessment results are published today", "申请编号": "Application ID",
    "自评": "Self-assessment", "等级": "Level", "办理时限": "Due", "没有符合条件的申请": "No matching applications",
    "返回申请": "Back to the application", "总分": "Total score",
    "认知与感知觉综合等级": "Combined cognition and perception grade", "未填项目": "Unanswered items",
    "页面上的等级仅供参考，保存时由系统按评估标准重新计算并以系统结果为准。":
        "The levels on this page are only a guide; on saving, the system recalculates them by the assessment "
        "standard and its result applies.",
    "评估人员工作量": "Assessor workload", "工作队列": "Work queue", "本机构没有评估人员": "Your organisation has no assessors",
    "%(year)s 年的法定节假日与调休已内置（国务院办公厅通知）；此处的调整优先。":
        "The public holidays and make-up workdays of %(year)s are built in (State Council notice); the "
        "overrides here take precedence.",
    "%(year)s 年的法定节假日未内置：除此处录入的调整外，按周一至周五为工作日计算。请录入该年的节假日与调休工作日。":
        "The public holidays of %(year)s are not built in: apart from the overrides entered here, Monday to "
        "Friday are working days. Please enter that year's holidays and make-up workdays.",
    "本年度没有调整记录": "No overrides this year", "结束评估专家证书": "End expert certificate",
    "只有评估机构中具有评估员角色的人员可以登记；同一人员的证书有效期不能重叠。":
        "Only users of an assessment agency with the assessor role can be recorded; one person's certificates "
        "must not overlap.",
    "有效期至（不含）": "Valid until (exclusive)", "没有符合条件的证书": "No matching certificates",
    "批量导入住院记录": "Import hospital stays", "住院记录": "Hospital stays",
    "也可使用中文表头：身份证号、医院、住院类别、入院日期、出院日期。":
        "Chinese headers may be used instead: 身份证号, 医院, 住院类别, 入院日期, 出院日期.",
    "category：inpatient（普通住院）或 ltc_special（专护住院）。":
        "category: inpatient (ordinary stay) or ltc_special (special-care stay).",
    "日期格式 YYYY-MM-DD，不能晚于今天；出院日期为空表示仍在院，不能早于入院日期。":
        "Dates as YYYY-MM-DD, not after today; a blank discharge date means still in hospital, and it may not "
        "be before the admission date.",
    "按参保人、医院和入院日期新增或更新；重复导入同一文件不会产生变化。":
        "Rows are created or updated by insured person, hospital and admission date; importing the same file "
        "again changes nothing.",
    "住院记录导入预览": "Hospital stay import preview", "医院": "Hospital", "住院类别": "Stay category",
    "入院日期": "Admitted on", "出院日期": "Discharged on", "姓名或完整身份证号": "Name or full ID number",
    "全部类别": "All categories", "仅在院": "In hospital only", "在院": "In hospital",
    "没有符合条件的住院记录": "No matching hospital stays", "没有住院记录": "No hospital stays",
    "必需列：id_number（身份证号）、name（姓名）、district（区县）；也可使用中文表头。":
        "Required columns: id_number (ID number), name (name), district (district); Chinese headers may be used "
        "instead.",
    "按身份证号新增或更新；表头中出现的列以文件为准（tags 为空表示没有标签），未出现的列保持不变。":
        "Rows are created or updated by ID number; columns in the header are taken from the file (blank tags "
        "means no tags), columns not in it are left unchanged.",
    "category：employee / resident（职工 / 城乡居民）；status：active / suspended / transferred；为空则不变更（新增人员默认 active）。":
        "category: employee / resident; status: active / suspended / transferred; blank leaves it unchanged "
        "(new persons default to active).",
    "tags 用 | 或 ; 分隔：medical_assistance、severe_disability_cert、chronic_class_a。":
        "tags separated by | or ;: medical_assistance, severe_disability_cert, chronic_class_a.",
    "valid_from：状态、类别和标签的生效日期（YYYY-MM-DD），默认今天。":
        "valid_from: the date status, category and tags take effect (YYYY-MM-DD), today by default.",
    "姓名、完整身份证号或末几位": "Name, full ID number or its last digits",
    "每月%(day)s日 %(time)s": "Monthly on day %(day)s at %(time)s",
    "定时任务由独立的调度进程运行；启动时补运行错过的任务。时间为北京时间。":
        "Scheduled jobs run in a separate scheduler process, which catches up on missed jobs when it starts. "
        "Times are Beijing time.",
    "待补运行": "Catch-up pending",
})

# Looked up at run time (nav entries, label dicts, policy field labels and units, REF review
# definitions): pybabel cannot extract these, so main() adds them to the catalogue.
EN.update({
    # organisations, roles
    "医保经办机构": "Medical-insurance agency (MIA)", "承办商保公司": "Contracted insurer",
    "定点评估机构": "Assessment agency", "商保公司": "Insurer", "护理机构": "Care provider",
    "一级医院": "Grade 1 hospital", "二级医院": "Grade 2 hospital", "三级医院": "Grade 3 hospital",
    "护理院": "Nursing hospital", "养老机构": "Care home", "居家护理机构": "Home care provider",
    "社区/村卫生室": "Community / village clinic", "正常": "Active", "暂停": "Suspended",
    "管理员": "Administrator", "经办员": "Operator", "审核员": "Reviewer", "护理员": "Care worker",
    # care types, levels, insurance
    "医疗专护": "Medical special care", "机构护理": "Institutional care", "居家上门护理": "Home care",
    "巡护": "Outreach care", "亲情照护": "Family care", "轻度失能": "Mild disability",
    "中度失能": "Moderate disability", "重度失能Ⅰ级": "Severe disability I", "重度失能Ⅱ级": "Severe disability II",
    "重度失能Ⅲ级": "Severe disability III", "职工": "Employee", "城乡居民": "Urban and rural resident",
    "医疗救助/低保/特困": "Medical assistance / subsistence allowance / extreme hardship",
    "重度残疾": "Severe disability certificate", "甲类慢性病": "Class A chronic disease",
    # service catalogue, care plans
    "医疗护理": "Medical care", "生活照护": "Personal care", "护士": "Nurse", "医生": "Doctor",
    "乡村医生": "Village doctor", "草稿": "Draft", "已生效": "Final", "每周": "Per week", "每月": "Per month",
    "服务项目适用": "Service items allowed", "每月服务时长上限": "Monthly service hours cap",
    "服务包每月上门次数": "Package home visits per month", "每月基金支付上限": "Monthly fund payment cap",
    # entitlements
    "享受中": "Receiving benefits", "尚未开始": "Not started yet", "已终止": "Ended", "四方审核": "Four-party review",
    "上线迁移": "Go-live migration", "评估结论到期": "Assessment conclusion expired", "死亡": "Death",
    "待遇变更": "Entitlement change", "等级名称": "Level name", "待遇结束日期（不含）": "Entitlement end date (exclusive)",
    # reviews
    "退回": "Return", "拒绝接收": "Decline", "不予通过": "Reject", "审核中": "Under review", "已通过": "Approved",
    "已拒绝接收": "Declined", "审核对象已修改": "Subject revised", "审核流程": "Review workflows",
    "待遇资格四方审核": "Four-party entitlement review", "护理机构确认": "Care provider confirmation",
    "评估机构复核": "Assessment agency check", "商保公司审核": "Insurer review",
    "医保经办机构核定": "MIA approval", "材料不全或有误": "Documents incomplete or incorrect",
    "护理计划需修改": "Care plan needs changes", "核查信息与系统记录不符": "Details do not match the system records",
    "本机构床位或护理人员已满": "No free beds or care staff", "服务形式不在本机构协议范围内":
        "Care type not covered by our agreement", "参保人另选机构": "The insured person chose another provider",
    "参保状态不符合": "Insurance status not eligible", "重复享受待遇": "Duplicate entitlement",
    "失能等级不符合该服务形式": "Disability level does not qualify for this care type",
    "评估结论尚未生效（公示期未满或异议未决）": "Assessment conclusion not yet final (publicity running or objection pending)",
    "已享受其他护理类待遇（工伤保险生活护理费、残疾人护理补贴、特困供养护理）":
        "Receives another care benefit (work-injury care allowance, disability care subsidy, destitute-support care)",
    "参保人居住地不在本机构服务范围内": "The insured person lives outside our service area",
    "参保人撤回申请": "The insured person withdrew the application", "其他": "Other",
    "适用的步骤（留空为全部步骤）": "Steps (empty: every step)", "退回至步骤": "Return to step",
    # job times (policy section "jobs")
    "定时任务运行时间": "Scheduled job times", "每月几日运行（留空为每日）": "Day of the month (empty: every day)",
    "时": "h", "分": "min", "日": "day", "公示期满出结论、发起重新评估":
        "Conclude ended publicities, open reassessments", "清理30天前的登录记录和幂等键": "Purge login records and idempotency keys older than 30 days",
    "检查下一年度工作日历": "Check next year's working calendar", "审核超时标记": "Mark overdue reviews",
    # policy
    "已发布": "Published", "已废止": "Retired", "创建": "Created", "修改": "Edited", "元": "CNY", "天": "days",
    "小时": "hours", "级": "level", "个月": "months", "个工作日": "working days",
    "两次评估最短间隔": "Minimum interval between assessments",
    "享受待遇的最低失能等级": "Minimum disability level for benefits",
    "亲属照护补贴（每日，按失能等级）": "Family-care allowance (daily, by disability level)",
    "人群加付（每床日）": "Population supplement (per bed-day)",
    "住院超过该天数须重新评估": "Reassessment required after a hospital stay longer than",
    "受理至评估结论时限": "Time limit from acceptance to conclusion",
    "各服务形式的最低失能等级": "Minimum disability level per care type", "基金支付比例": "Fund payment ratio",
    "定额分组": "Flat-rate groups", "异议期（结论通知后）": "Objection period (after the conclusion notice)",
    "待遇支付与结算": "Benefit payment and settlement", "提高支付比例的人群": "Populations with a raised payment ratio",
    "支付比例上限": "Payment ratio cap", "支付比例提高": "Payment ratio increase",
    "服务包每月最少上门次数": "Minimum package home visits per month",
    "机构服务包（每月，按享受天数折算）": "Institutional package (monthly, prorated by days of entitlement)",
    "每小时（不含医疗护理项目）": "Per hour (without medical care items)",
    "每小时（含医疗护理项目）": "Per hour (with medical care items)",
    "每日支付限额（按失能等级）": "Daily payment limit (by disability level)",
    "每月基金支付上限（按失能等级）": "Monthly fund payment cap (by disability level)",
    "每月服务时长上限（按失能等级）": "Monthly service hours cap (by disability level)", "每次巡护": "Per outreach visit",
    "派单后安排上门评估时限": "Time limit for scheduling the home visit after dispatch",
    "申请与失能评估": "Applications and disability assessment",
    "结论到期前发起重新评估": "Start the reassessment before the conclusion expires",
    "补记时限（服务日起）": "Late-entry limit (from the service day)", "评估结论有效期": "Assessment conclusion validity",
    "质量保证金比例": "Quality deposit ratio", "每床日定额（按失能等级）": "Flat rate per bed-day (by disability level)",
    "1 级": "Level 1", "2 级": "Level 2", "3 级": "Level 3", "4 级": "Level 4", "5 级": "Level 5",
    "案件类型代码": "Case type code", "审核对象": "Subject", "原因代码表": "Reasons", "原因代码": "Reason code",
    "适用的决定": "Applies to decisions", "步骤代码": "Step code", "步骤名称": "Step name", "责任机构": "Owner",
    "可作的决定": "Allowed decisions", "退回至": "Returns to", "通过前须满足": "Precondition for approval",
    "可办理的角色": "Roles who may decide",
    # assessment states and queues, home worklists, hospital stays
    "已提交": "Submitted", "已受理": "Accepted", "已预约": "Scheduled", "已改约": "Rescheduled", "已评估": "Assessed",
    "专家已确认": "Confirmed by experts", "已出结论": "Concluded", "公示中": "Under publicity",
    "异议复评中": "Objection under re-evaluation", "已撤回": "Withdrawn", "已取消": "Cancelled",
    "首次申请": "First application", "重新评估": "Reassessment", "复评": "Re-evaluation",
    "申请人未参加长期护理保险或参保状态异常":
        "The applicant is not covered by long-term care insurance or the enrolment status is irregular",
    "不符合申请条件（失能状态未满6个月或未经规范治疗）":
        "Not eligible (disabled for less than 6 months or without standard treatment)",
    "自评结果未达到申请标准": "The self-assessment is below the application threshold",
    "申请材料不全或不实": "Application documents incomplete or untrue",
    "距上次评估结论作出未满规定期限": "Too soon after the last assessment conclusion",
    "已有正在办理的评估申请": "An assessment application is already in progress",
    "不属于长期护理保险基金支付范围": "Not payable by the long-term care insurance fund", "其他原因": "Other reason",
    "评估结论即将到期": "Assessment conclusion about to expire", "长期住院后": "After a long hospital stay",
    "回访发现失能状况与等级不符": "Follow-up visit found the disability does not match the level",
    "经办机构要求": "Requested by the agency", "即将到期": "Due soon", "待受理": "Awaiting acceptance",
    "待派单": "Awaiting dispatch", "异议": "Objections", "待排期": "Awaiting scheduling", "已排期": "Scheduled visits",
    "待评估": "Awaiting assessment", "待确认": "Awaiting confirmation", "本机构提交的申请": "Applications we submitted",
    "全部申请": "All applications", "评估申请待办": "Assessment applications to handle", "最近一次": "Latest",
    "数量": "Count", "协议最后一日": "Last day of agreement",
    "近 24 小时登录失败的账号": "Accounts with failed logins in the last 24 hours", "失败次数": "Failures",
    "没有登录失败的记录": "No failed logins", "普通住院": "Ordinary stay", "专护住院": "Special-care stay",
    "来源 IP 数": "Source IPs",
    # the district list and providers' districts
    "区县名录": "District list", "区县代码": "District code", "区县名称": "District name", "排序": "Order",
    "留空则排在最后": "Leave empty to put it last", "添加区县": "Add district", "编辑区县": "Edit district",
    "登记区县": "Record district", "名录中还没有区县": "No districts in the list yet",
    "区县 %(name)s 已添加": "District %(name)s added", "区县 %(name)s 已保存": "District %(name)s saved",
    "登记后不可更改：参保人、承办商保公司和护理机构以此代码引用区县":
        "Cannot be changed later: insured persons, insurers and providers refer to the district by this code",
    "参保人、承办商保公司和护理机构的区县取自本名录。已被使用的区县不能删除，可停用：停用后不能再登记给护理机构，已有记录不变。":
        "The districts of insured persons, insurers and providers come from this list. A district in use "
        "cannot be deleted but may be deactivated: it can then no longer be given to a provider, and "
        "existing records keep it.",
    # billing: the trial calculation page in the menu
    "结算试算": "Trial calculation",
})

# scheduled jobs: run statuses (looked up at run time), queued runs, per-unit progress and retries
EN.update({
    "排队中": "Queued", "运行中": "Running", "成功": "Succeeded", "部分失败": "Partly failed", "失败": "Failed",
    "已跳过（另一进程正在运行）": "Skipped (another process was running it)",
    "任务 %(job)s 已加入队列，调度进程将很快运行它": "Job %(job)s queued; the scheduler process will run it shortly",
    "单元 %(unit)s 将随任务重新运行": "Unit %(unit)s will run again with its job",
    "多次失败、已暂停的单元": "Units paused after repeated failures",
    "这些单元已失败 %(n)s 次，任务重新运行时跳过它们，直到管理员重试。":
        "These units failed %(n)s times; reruns of their job skip them until an administrator retries them.",
    "单元": "Unit", "最近失败": "Last failure", "重试": "Retry", "%(at)s 加入队列": "Queued %(at)s",
    "单元 %(done)s / %(total)s": "Units %(done)s / %(total)s", "失败 %(n)s": "%(n)s failed",
})

# death and transfer at the edges of an entitlement (SPEC §2): statuses, event actions, undoing a death
EN.update({
    "转出": "Transferred out", "已作废": "Void", "作废": "Voided", "恢复": "Restored", "提前终止": "Ended early",
    "变更": "Change", "撤销原因": "Reason for undoing", "撤销死亡登记": "Undo the recorded death",
    "死亡登记有误时撤销：参保状态恢复为登记前的记录，因死亡终止或作废的待遇、取消的申请恢复，取消的待遇审核重新发起。":
        "Undo a death recorded in error: the enrolment status returns to what it was before, the "
        "entitlements the death ended or voided and the applications it cancelled are restored, and the "
        "entitlement reviews it cancelled are opened again.",
})

# ID-number collisions (SPEC §2): kinds and resolutions (looked up at run time), the MIA admin's page
EN.update({
    "身份证号冲突": "ID-number collisions", "与他人号码重复": "Same number as another person",
    "含无法规范的字符": "Contains characters that cannot be normalised", "已更正": "Corrected",
    "正确的身份证号": "Correct ID number", "更正": "Correct", "登记时间": "Registered at", "规范后": "normalised",
    "登记号码未规范的参保人": "Insured person whose number is not normalised",
    "号码规范后相同的参保人": "Insured person with the same normalised number",
    "已更正身份证号": "ID number corrected",
    "该参保人的身份证号与另一参保人冲突，尚待处理。": "This person's ID number collides with another person's and is waiting to be resolved.",
    "身份证号统一以半角数字保存。以下号码规范后与另一参保人的号码相同（或含无法规范的字符），升级时保持原样未作改动。请核对后更正其中一方的号码：更正后另一方的号码自动规范，冲突即处理完毕。":
        "ID numbers are stored in ASCII digits. Each number below would, once normalised, be another insured "
        "person's number (or contains characters that cannot be normalised), so the upgrade left it as it was. "
        "Check both records and correct one of the two numbers: the other one is then normalised and the "
        "collision is resolved.",
    "没有待处理的身份证号冲突：每个身份证号都已按规范保存。":
        "No ID-number collisions to resolve: every ID number is stored in its normalised spelling.",
})

# conclusions and reschedules (issue 8): reschedule reasons, the 复评 visit SLA, lower conclusions
EN.update({
    "住院": "In hospital",
    "本人不在": "Not at home",
    "家属要求": "At the family's request",
    "其他": "Other",
    "改约原因": "Reschedule reason",
    "改约原因类别（超出预约期限时必选）": "Reason category (required beyond the scheduling window)",
    "改约原因（改约时必填；类别为“其他”时填写说明）": "Reason for rescheduling (required when rescheduling; explain it when the category is “Other”)",
    "重新评估等级降低": "Lower level on reassessment",
    "复评受理至上门评估时限": "Time limit from the start of a review assessment to its home visit",
    # the merge preview's rows (each domain's merge hook) and the collision resolution
    "评估相关通知书": "Assessment notices", "待遇申请": "Entitlement requests", "待遇通知书": "Entitlement notices",
    "已合并": "Merged",
})

# care-plan revisions after the grant (issue 8 point 14)
EN.update({
    "申请生效日期": "Requested effective date",
    "护理计划变更审核案件": "Care plan revision case",
    "某日执行的版本": "Version in force on a date",
    "查看日期": "Date",
    "查看": "Show",
    "%(day)s 执行第 %(n)s 版（自 %(from)s 起生效）": "On %(day)s version %(n)s is in force (effective from %(from)s)",
    "查看该版本": "Open that version",
    "%(day)s 有待遇，但没有已生效的护理计划版本": "On %(day)s there is an entitlement but no care plan version in force",
    "%(day)s 没有本机构该服务形式的待遇": "On %(day)s there is no entitlement with this provider for this care type",
    "提示": "Warning",
    "自 %(day)s 起生效": "effective from %(day)s",
    "申请自 %(day)s 起生效": "requested from %(day)s",
    "待遇已核定（%(start)s 至 %(end)s，不含）：保存后为护理计划变更，经商保公司审核通过后，自申请生效日期与审批次日中较晚的一天起执行，不追溯。": "The entitlement is granted (%(start)s to %(end)s, exclusive): saving makes a care plan revision; once the insurer approves it, it applies from the later of the requested date and the day after approval, never retroactively.",
    "待遇已核定，本版为护理计划变更：请在审核案件中提交商保公司审核": "The entitlement is granted, so this version is a revision: submit it to the insurer in its review case",
    "服务日（按周）": "Weekdays (weekly)",
    "周一": "Mon",
    "周二": "Tue",
    "周三": "Wed",
    "周四": "Thu",
    "周五": "Fri",
    "周六": "Sat",
    "周日": "Sun",
    "变更审核中": "Revision under review",
    "变更未通过": "Revision not approved",
    "已被新版本替代": "Replaced by a newer version",
    "各自然月服务时长": "Hours in each calendar month",
    "护理计划变更审核": "Care plan revision review",
    "护理机构提交": "Provider submits",
    "超出失能等级的待遇上限": "Exceeds the caps of the disability level",
    "护理需求无变化，无需变更": "Care needs unchanged; no revision needed",
    "修改护理计划": "Edit care plan",
})

# insurer contracts and 60-day expiry reminders (issue 8 point 13)
EN.update({
    "承办合同": "Insurer contracts",
    "今日承办区县": "Districts contracted today",
    "合同编号": "Contract no.",
    "合同最后一日": "Last day of contract",
    "最后一日": "Last day",
    "未生效": "Not yet in force",
    "生效中": "In force",
    "已终止": "Ended",
    "登记合同": "Record contract",
    "登记承办合同": "Record an insurer contract",
    "承办合同已登记": "Contract recorded",
    "承办合同已终止": "Contract ended",
    "终止 / 换签": "End / re-tender",
    "终止合同": "End contract",
    "终止承办合同": "End insurer contract",
    "终止日（当日起不再承办）": "End date (no longer contracted from this day)",
    "换签时即新承办商保公司的起始日期": "On a re-tender: the new insurer's start date",
    "还没有承办合同": "No insurer contracts yet",
    "每个区县在同一日期只由一家承办商保公司承办。换签：先终止原合同（终止日即新合同起始日），再登记新合同。审核步骤在进入时按当日生效的合同确定承办方，办结前不变。":
        "On any date each district is contracted to one insurer only. Re-tender: end the current contract (its end date is the new contract's start date), then record the new one. A review step's insurer is set from the contract in force when the step is entered and kept until it is decided.",
    "60 天内到期的服务协议": "Agreements expiring within 60 days",
    "近 60 天内没有到期的协议": "No agreements expire within 60 days",
    "60 天内到期的承办合同": "Insurer contracts expiring within 60 days",
    "近 60 天内没有到期的承办合同": "No insurer contracts expire within 60 days",
    "60 天内到期的评估专家证书": "Expert certificates expiring within 60 days",
    "近 60 天内没有到期的评估专家证书": "No expert certificates expire within 60 days",
    "证书最后一日": "Last day of certificate",
})

# one label table for every enum, the audit log in words (issue 9 point 10)
EN.update({
    "上传材料": "Upload document", "任务执行单元": "Job unit", "住院记录导入": "Hospital stay import",
    "作出结论": "Conclude", "修改标准时长": "Change standard minutes", "公示": "Publicize",
    "公示期满出结论": "Conclude after publicity", "出具": "Issue", "到期终止": "Ended at expiry",
    "参保人导入": "Insured person import", "发起": "Open", "发起复评": "Open re-examination",
    "发起重新评估": "Open reassessment", "受理复评": "Accept re-examination", "变更参保类别": "Change category",
    "变更生效": "Revision in force", "合并": "Merge", "吊销令牌": "Revoke token", "因死亡作废": "Voided on death",
    "因死亡撤销": "Cancelled on death", "因死亡终止": "Ended on death", "因转出作废": "Voided on transfer",
    "声明回避": "Declare recusal", "处理": "Resolve", "复评出结论": "Conclude by re-examination",
    "复评结论": "Re-examination conclusion", "失效日期": "Effective to", "女": "Female", "男": "Male",
    "审核步骤": "Review step", "审核通过": "Approve", "工作日历调整": "Calendar override",
    "已出具": "Issued", "已核定": "Granted", "年度工作日历": "Yearly working calendar",
    "异议办结": "Objection closed", "录入自评": "Record self-assessment", "录入评估": "Enter assessment",
    "待生成": "Being generated", "待遇变更终止": "Ended by a change of entitlement",
    "待遇审核": "Entitlement review", "待遇资格导入": "Entitlement import", "护理计划变更": "Care plan revision",
    "提出异议": "Object", "撤回": "Withdraw", "撤销死亡后恢复": "Restored after a death was undone",
    "撤销死亡后重新开放": "Reopened after a death was undone", "改约": "Reschedule", "文书": "Notice",
    "暂停（欠费/停保）": "Suspended (arrears / stopped)", "未发起": "Not opened", "查看材料": "View document",
    "标记已导入": "Mark loaded", "标记未导入": "Mark not loaded", "核定待遇": "Grant entitlement",
    "正常参保": "Insured", "生成文书": "Render notice", "登记未发起": "Record not opened",
    "确认生效": "Finalise", "第一位专家确认": "First expert confirms", "签发令牌": "Issue token",
    "结束有效期": "Close validity", "编号": "Number", "被新版本替代": "Replaced by a newer version",
    "规范身份证号": "Normalise ID number", "评估专家证书": "Expert certificate", "评估员签名": "Assessor signs",
    "评估定稿": "Finalise assessment", "评估量表版本": "Assessment scale version", "转出终止": "Ended on transfer",
    "载入": "Load", "迁移": "Migrate", "运行": "Run", "重新开放": "Reopen",
    "重新评估后终止": "Ended after reassessment", "重算办理期限": "Recompute due date",
    "随原申请撤销": "Cancelled with the original application", "预约": "Schedule",
})

# service refusals, shown in the user's language (issue 9 point 10): the Chinese text is the msgid
EN.update({
    "护理计划有误：%(problems)s": "The care plan has errors: %(problems)s",
    "%(noun)s当前状态为“%(source)s”，不能变更为“%(goal)s”": "%(noun)s is “%(source)s” and cannot become “%(goal)s”",
    "申请状态为%(status)s，不能录入或签名评估记录": "The application is %(status)s: the assessment cannot be entered or signed",
    "申请状态为%(status)s，尚未预约上门评估，不能作出回避声明":
        "The application is %(status)s: no visit is booked, so no recusal can be declared",
    "本步骤须由%(roles)s办理": "This step is handled by: %(roles)s", "申请": "Application",
    "用户名 %(username)s 已存在": "Username %(username)s already exists",
    "身份证号 %(id_number)s 已登记": "ID number %(id_number)s is already registered",
    "参保人已于 %(death_date)s 死亡": "The insured person died on %(death_date)s",
    "参保人所在区县 %(today)s 不由贵公司承办，不能代为申请":
        "On %(today)s the person's district is not contracted to your company; you cannot file for them",
    "该参保人的申请 %(busy)s 正在办理中，请先办结或撤回":
        "Application %(busy)s of this person is in progress; close or withdraw it first",
    "上门评估日期为 %(visit_on)s，当日起方可录入": "The visit is on %(visit_on)s; the record can be entered from that day",
    "上门评估人员中至少一人须为 %(visit_on)s 持有有效证书的评估专家":
        "At least one visiting assessor must hold a valid expert certificate on %(visit_on)s",
    "失能等级 %(level)s 级低于享受待遇的最低等级": "Level %(level)s is below the lowest level entitled to benefits",
    "统一社会信用代码 %(code)s 已被其他机构使用": "Unified social credit code %(code)s is used by another organisation",
    "区县 %(code)s 不在区县名录中": "District %(code)s is not in the district list",
    "区县 %(district_name)s 已停用": "District %(district_name)s is inactive",
    "该审核对象已有进行中的审核案件（%(existing)s）": "This subject already has an open review case (%(existing)s)",
    "文件“%(label)s”为空": "File “%(label)s” is empty",
    "文件“%(label)s”不是 PDF、JPG 或 PNG 格式（按文件内容判断）":
        "File “%(label)s” is not a PDF, JPG or PNG (judged by its content)",
    "证书编号 %(number)s 已登记在其他人员名下": "Certificate no. %(number)s is registered to someone else",
    "“%(decision)s”须选择原因": "“%(decision)s” needs a reason",
    "所选原因不适用于本步骤的“%(decision)s”决定": "The chosen reason does not apply to “%(decision)s” at this step",
    "申请生效日期应早于待遇终止日期 %(end)s": "The requested date must be before the entitlement ends on %(end)s",
    "此案件已被 %(who)s 于 %(when)s 修改，请刷新后重试":
        "This case was changed by %(who)s at %(when)s; reload and try again",
    "只有按周的服务可以指定服务日": "Only weekly services can name weekdays",
    "备注不超过 500 个字": "Note: at most 500 characters", "失能等级应为 1 至 5 级": "Level must be 1 to 5",
    "服务名称不超过 100 个字": "Service name: at most 100 characters", "服务名称重复": "Service name repeated",
    "服务日应为周一至周日，不可重复": "Weekdays must be Monday to Sunday, each once",
    "服务项目重复": "Service item repeated", "未知的服务形式": "Unknown care type",
    "至少填写一种服务": "Fill in at least one service", "至少选择一个服务项目": "Choose at least one service item",
    "请填写服务名称": "Enter the service name", "频次单位应为每周或每月": "Frequency unit must be weekly or monthly",
    "REF 政策参数无效": "The reference policy parameters are invalid",
    "“其他原因”须填写说明": "“Other reason” needs an explanation",
    "上线迁移的评估结论不经四方审核，不能据此发起待遇审核；请在重新评估后办理":
        "A migrated conclusion was not reviewed by the four parties and cannot open an entitlement review; "
        "handle it after a reassessment",
    "不予受理原因无效": "Invalid refusal reason", "不能停用自己的账号": "You cannot deactivate your own account",
    "不能移除自己的管理员角色": "You cannot remove your own admin role",
    "两名确认专家中至少一名须未参与现场评估": "At least one of the two confirming experts must not have been on site",
    "保留的参保人须是冲突双方之一": "The person kept must be one of the two in the collision",
    "其中一人已被合并": "One of them has already been merged",
    "出院日期早于入院日期": "Discharge date is before the admission date",
    "区县代码不能包含逗号、顿号、分号或换行": "District code cannot contain commas, semicolons or line breaks",
    "区县代码必填": "District code is required", "区县名称必填": "District name is required",
    "区县已是该状态": "The district already has this state",
    "协议编号不能超过 60 个字符": "Agreement no.: at most 60 characters", "协议编号必填": "Agreement no. is required",
    "原因不能超过 500 个字符": "Reason: at most 500 characters",
    "原因为“其他”时须写明具体原因": "With “Other”, state the reason", "参保人不存在": "No such insured person",
    "参保人不存在，请核对身份证号": "No such insured person; check the ID number",
    "发证机关最多 200 个字符": "Issued by: at most 200 characters",
    "受理后不能再修改自评表": "The self-assessment cannot be changed after acceptance",
    "变更后的待遇须晚于被替换待遇的开始日期开始": "The new entitlement must start after the replaced one starts",
    "只有变更服务形式或护理机构时才能指定开始日期":
        "A start date can only be given when the care type or the provider changes",
    "只有定点护理服务机构登记服务形式、等级、床位、价格和区县":
        "Only care providers record care types, grades, beds, prices and districts",
    "只有本次上门的评估人员可以录入和签名评估记录": "Only the assessors of this visit may enter and sign the record",
    "只有本次上门的评估人员本人可以作出回避声明": "Only an assessor of this visit may declare a recusal",
    "只有评估机构的人员可以登记为评估专家": "Only staff of an assessment agency can be registered as experts",
    "只能更正冲突双方之一的身份证号": "Only the ID number of one of the two can be corrected",
    "只能管理本机构的用户": "You can manage only your organisation's users", "合同已在该日终止": "The contract already ends on that day",
    "同一专家不能重复确认": "The same expert cannot confirm twice",
    "同一参保人、医院和入院日期重复": "Same person, hospital and admission date already recorded",
    "备注不能超过 200 个字符": "Note: at most 200 characters",
    "复评由异议产生，不能直接提交": "A re-examination comes from an objection and cannot be filed directly",
    "姓名必填": "Name is required", "已生效的政策版本不能废止；请发布新版本替代":
        "A policy version in force cannot be retired; publish a new version instead",
    "年份应在 2000–2100 之间": "The year must be between 2000 and 2100",
    "床位数应为不小于 0 的整数": "Beds must be a whole number of at least 0", "开始日期必填": "Start date is required",
    "异议复评中的申请不能撤回；如不再异议，请撤回复评申请":
        "An application under objection cannot be withdrawn; withdraw the re-examination instead",
    "当前密码不正确": "The current password is wrong", "当前步骤不由贵机构办理": "Your organisation does not handle this step",
    "当日没有正常状态且在协议期内的评估机构可派单": "No assessment agency in good standing with an agreement that day",
    "您已签名该评估记录": "You have already signed this record",
    "您的角色不办理任何审核步骤": "Your roles handle no review step",
    "意向护理服务机构无效": "Invalid preferred provider", "所选机构不是评估机构": "The chosen organisation is not an assessment agency",
    "承办合同只能与承办商保公司签订": "Insurer contracts are signed with insurers only",
    "护理服务机构不存在": "No such care provider",
    "护理服务机构只能代参保人提交首次申请": "A care provider can file only first applications for a person",
    "护理计划刚被其他用户修改，请刷新后重新保存": "Another user just changed the care plan; reload and save again",
    "指定评估机构须填写理由（500 字以内）": "Naming the agency needs a reason (at most 500 characters)",
    "改约原因不能超过 480 个字符": "Reschedule reason: at most 480 characters",
    "改约原因为“其他”时须填写说明": "With “Other”, explain the rescheduling",
    "改约须选择或填写原因": "Choose or enter a reason for rescheduling", "政策版本不存在": "No such policy version",
    "文件不存在或无权访问": "No such file, or you may not open it",
    "文件有错误，未导入任何数据": "The file has errors; nothing was imported", "无权查看该工作队列": "You may not view this queue",
    "日护理价格不能为负数": "The daily price cannot be negative", "日护理价格应为金额": "The daily price must be an amount",
    "服务形式无效": "Invalid care type", "服务项目不存在": "No such service item", "未知的改约原因": "Unknown reschedule reason",
    "机构名称必填": "Organisation name is required", "机构等级无效": "Invalid facility grade",
    "机构类型无效": "Invalid organisation kind",
    "死亡日期不能晚于今天或早于出生日期": "The date of death cannot be after today or before the date of birth",
    "没有其他可承担复评的评估机构": "No other agency can take the re-examination",
    "没有该身份证号冲突记录": "No such ID-number collision", "没有这个任务单元": "No such job unit",
    "没有这个定时任务": "No such job", "没有这个工作队列": "No such queue", "状态无效": "Invalid status",
    "用户名应为 3–60 位小写字母、数字或 _ . -，以字母或数字开头":
        "Username: 3–60 lower-case letters, digits or _ . -, starting with a letter or digit",
    "申请不存在": "No such application", "申请已办结，不能再上传材料": "The application is closed; no more documents",
    "系统中已有医保经办机构，只能有一个": "There is already a medical insurance agency; there can be only one",
    "终止日期必填": "End date is required", "终止日期必须晚于开始日期": "The end date must be after the start date",
    "结束日期必须晚于开始日期": "The end date must be after the start date",
    "结束日期必须晚于生效日期": "The end date must be after the effective date",
    "结束日期必须晚于证书起始日期": "The end date must be after the certificate's start",
    "至少选择一个角色": "Choose at least one role", "至少选择一种可提供该项目的人员类别": "Choose at least one staff type",
    "至少选择一种服务形式": "Choose at least one care type", "英文名称不超过 200 字": "English name: at most 200 characters",
    "被替换的待遇属于其他参保人": "The replaced entitlement belongs to another person",
    "被替换的待遇已被其他待遇替换": "The replaced entitlement has already been replaced",
    "记录不存在或无权访问": "No such record, or you may not open it",
    "证书编号必填，最多 50 个字符": "Certificate no. is required, at most 50 characters",
    "评估人员须为本机构在岗的评估员": "Assessors must be active assessors of your agency",
    "评估结论有效期结束日须晚于结论日期": "The conclusion's validity must end after the conclusion date",
    "评估记录尚未录入": "The assessment has not been entered",
    "该任务正在运行或已在队列中，请结束后再重试": "The job is running or queued; retry when it has finished",
    "该冲突已处理": "This collision is resolved", "该冲突没有另一人，不能合并，请更正号码":
        "This collision has no second person to merge; correct the number",
    "该单元没有失败，无需重试": "This unit did not fail; nothing to retry",
    "该参保人已有进行中的待遇审核": "This person already has an entitlement review in progress",
    "该参保人已登记死亡，不能变更参保状态": "This person's death is recorded; the status cannot change",
    "该参保人没有登记死亡": "No death is recorded for this person", "该审核案件已结束": "This review case is closed",
    "该日期没有调整记录": "No override on that date",
    "该用户没有评估员角色，不能登记为评估专家": "This user has no assessor role and cannot be registered as an expert",
    "该申请尚无最终评估结论": "The application has no final conclusion yet",
    "该申请尚无评估结论": "The application has no conclusion yet",
    "该申请已被他人同时修改，请刷新后重试": "Someone else changed the application at the same time; reload and retry",
    "说明不能超过 500 个字符": "Explanation: at most 500 characters", "说明不超过1000字": "Explanation: at most 1000 characters",
    "请先录入自评表": "Enter the self-assessment first", "请填写取消原因": "Enter the reason for cancelling",
    "请填写合并原因": "Enter the reason for merging", "请填写异议理由（500 字以内）": "Enter the objection (at most 500 characters)",
    "请填写撤销死亡登记的原因（不超过500字）": "Enter why the death record is removed (at most 500 characters)",
    "账号不存在或已停用": "No such account, or it is deactivated", "身份证号没有变化": "The ID number did not change",
    "退回须写明具体原因": "A return needs a stated reason", "通知书不存在": "No such notice",
    "通知书不存在或无权访问": "No such notice, or you may not open it",
    "项目名称必填，不超过 100 字": "Item name is required, at most 100 characters", "项目类别无效": "Invalid item category",
    "项目编码重复": "Item code repeated", "须指派两名不同的评估人员上门": "Assign two different assessors to the visit",
})

# stays and leaves (issue 10 point 2): messages looked up at run time
EN.update({
    "请假中": "On leave",
    "已出院": "Discharged",
    "在院记录导入模板": "Stay import template",
    "请假记录导入模板": "Leave import template",
    "在院记录导入": "Stay import",
    "请假导入": "Leave import",
    "服务形式须为医疗专护或机构护理": "The care type must be medical special care or institutional care",
    "参保人不存在或不是本机构的服务对象": "No such person, or not a beneficiary of your organisation",
    "%(day)s 晚于今天": "%(day)s is after today",
    "该参保人在本机构已有与之重叠的在院记录（%(admitted)s 入院）": "This person already has an overlapping stay here (admitted %(admitted)s)",
    "请假须在在院期间内（%(admitted)s 至 %(discharged)s）": "A leave must lie within its stay (%(admitted)s to %(discharged)s)",
    "返回日期须晚于离开日期": "The return must be after the day out",
    "与 %(out)s 起的请假重叠": "Overlaps the leave from %(out)s",
    "该记录已结算，不能更正；请在以后的结算中申请调整": "This record is settled and cannot be corrected; ask for an adjustment in a later settlement",
    "请填写更正原因": "Enter the reason for the correction",
    "该在院记录已出院；如需修改出院日期请更正记录": "This stay is already discharged; correct the record to change the discharge date",
    "没有修改任何内容": "Nothing was changed",
    "该请假已销假；如需修改返回日期请更正记录": "This leave has ended; correct the record to change the return date",
    "请假（可支付）": "Leave (payable)",
    "请假（不予支付）": "Leave (not payable)",
    "不在您的服务范围内": "not in your scope", "不能是将来的日期": "cannot be in the future",
    "不在在院期间内": "outside the stay", "须晚于请假日期": "must be after the day of leaving",
    "已结算": "settled", "不是床位护理": "not bed-based care", "不是数字": "not a number", "已关联": "already linked",
    "属于其他机构": "belongs to another organisation", "不是护理人员": "not a carer",
    "须晚于入职日期": "must be after the employment date",
    "未知的服务项目 %(code)s": "unknown service item %(code)s", "服务项目 %(code)s 已停用": "service item %(code)s is inactive",
    "服务项目 %(code)s 不属于服务形式 %(care_type)s": "service item %(code)s is not part of %(care_type)s",
    "服务项目 %(code)s 不能由 %(staff_type)s 提供": "service item %(code)s may not be delivered by a %(staff_type)s",
    "频次应为 1 至 %(n)s 次": "frequency must be 1 to %(n)s", "计划分钟数应为 1 至 %(n)s": "planned minutes must be 1 to %(n)s",
    "每周 %(n)s 次不能平均安排在 %(days)s 个服务日": "%(n)s a week cannot be spread over %(days)s service days",
    "服务种类不超过 %(n)s 种": "at most %(n)s visit types",
    "缺少请求头 %(header)s：设备的每次写入都须带有自己的幂等键，重试时保持不变":
        "missing %(header)s header: every write from a device carries a key of its own, the same on each retry",
    "请求头 %(header)s 无效": "invalid %(header)s header", "已用于另一个请求": "already used for a different request",
    "处理中": "in progress", "不存在": "not found", "1–%(n)s 个可见 ASCII 字符": "1–%(n)s visible ASCII characters",
})

# Compliance rules: policy section, explanations of findings.
EN.update({
    "规则检查结果": "Rule findings", "规则": "Rule", "全部规则": "All rules", "全部处理方式": "All handling",
    "服务月份（YYYY-MM）": "Service month (YYYY-MM)", "月份格式应为 YYYY-MM": "Enter the month as YYYY-MM",
    "全部护理机构": "All providers", "全部护理人员": "All carers", "服务记录": "Service record", "说明": "Explanation",
    "超出分钟": "Minutes over", "发现方式": "Found by", "依据": "Evidence", "记录编号": "Record no.",
    "没有符合条件的检查结果": "No findings match", "服务日期": "Service date", "护理人员": "Carer",
    "评估结论即将到期的待遇人员": "Beneficiaries whose assessment conclusion ends soon",
    "评估结论最后一日": "Conclusion's last day", "近期没有评估结论到期的待遇人员": "No assessment conclusion ends soon",
    "智能监管规则": "Compliance rules", "夜间智能监管巡检（含未签退自动签退）":
        "Nightly compliance scan (closes visits not checked out)", "处理方式": "Handling", "违规记分（确认后）": "Violation points (once confirmed)",
    "米": "m", "欺诈（商保公司有证据认定）记分": "Points for fraud (found by the insurer with evidence)",
    "评估结论到期前提醒机构和商保公司": "Remind the provider and the insurer before the conclusion expires",
    "打卡位置与登记地址的最大距离": "Greatest distance of check-in / check-out from the address",
    "实际时长不得低于计划时长的比例": "Actual duration at least this share of the planned minutes",
    "同一护理人员服务重叠超过": "One carer's visits overlapping by more than",
    "请假不超过该天数仍可支付": "A leave of up to this many days is still payable",
    "入出院日期允许相差": "Admission and discharge may differ by",
    "签到后超过该时长上传": "Uploaded later than this after check-in",
    "服务包每月（全月享受时）最少有效上门次数":
        "Least valid package visits in a month (whole month entitled)",
    "结束时间距最低时长不超过": "Visit ending no further from the minimum duration than",
    "护理人员当月服务中上述服务的占比达到": "Share of a carer's visits in the month reaching",
    "护理人员当月服务次数达到该数才检查": "Checked once a carer has this many visits in the month",
    "事实变更后重新检查的服务记录范围": "Records re-checked after a dated fact changes",
    "服务日 %(day)s 没有该服务形式和护理机构的有效待遇":
        "No active entitlement for this care type and provider on %(day)s",
    "服务日 %(day)s 评估结论已于 %(valid_to)s 到期": "On %(day)s the assessment conclusion had expired (%(valid_to)s)",
    "服务日 %(day)s 参保状态不是正常参保": "Insurance not active on %(day)s",
    "服务日 %(day)s 晚于死亡日期 %(death_date)s": "Service on %(day)s, after the date of death %(death_date)s",
    "服务日 %(day)s 参保人在住院（%(admitted_on)s 入院）":
        "On %(day)s the person was in hospital (admitted %(admitted_on)s)",
    "服务日 %(day)s 护理机构不在正常状态": "The provider was not active on %(day)s",
    "服务日 %(day)s 护理机构不在协议期内": "The provider had no agreement on %(day)s",
    "服务日 %(day)s 该服务形式不在护理机构的协议范围内":
        "On %(day)s this care type was outside the provider's agreement",
    "护理人员在 %(day)s 处于暂停执业期": "The carer was suspended on %(day)s",
    "护理人员在 %(day)s 没有有效的执业资格": "The carer held no valid qualification on %(day)s",
    "护理人员的人员类别不能提供项目 %(items)s": "The carer's staff type may not deliver %(items)s",
    "打卡位置距登记地址 %(metres)s 米，超过 %(limit)s 米":
        "Checked in or out %(metres)s m from the registered address, more than %(limit)s m",
    "实际服务 %(minutes)s 分钟，低于最低时长 %(minimum)s 分钟":
        "Actual service %(minutes)s minutes, less than the minimum of %(minimum)s minutes",
    "服务项目 %(items)s 不在护理计划内": "Items %(items)s are not in the care plan",
    "签到后 %(hours)s 小时才上传，超过 %(limit)s 小时":
        "Uploaded %(hours)s hours after check-in, later than %(limit)s hours",
    "服务日 %(day)s 结束时仍未签退，按计划时长 %(planned)s 分钟结束":
        "Not checked out by the end of %(day)s; closed at the planned %(planned)s minutes",
    "与同一护理人员的记录 %(other)s 重叠 %(minutes)s 分钟": "Overlaps record %(other)s of the same carer by %(minutes)s minutes",
    "与记录 %(other)s 重复（同一参保人、护理人员和签到时间）":
        "Duplicate of record %(other)s (same person, carer and check-in)",
    "%(day)s 当日已计床日，不能再享受其他服务": "A bed-day is already counted on %(day)s; no other service that day",
    "%(day)s 当日已有其他护理机构或其他服务形式的服务记录":
        "On %(day)s there is already a record of another provider or care type",
    "本月已达 %(cap)s 次服务上限（此前已服务 %(used)s 次）":
        "The monthly cap of %(cap)s visits is reached (%(used)s visits before)",
    "超出本月 %(cap)s 分钟服务时长上限 %(over)s 分钟": "%(over)s minutes over the monthly cap of %(cap)s minutes",
    "本月有效上门 %(valid)s 次，少于服务包要求的 %(required)s 次":
        "%(valid)s valid visits this month, fewer than the %(required)s the package requires",
    "%(out_on)s 起请假 %(days)s 天，超过 %(limit)s 天": "Leave from %(out_on)s of %(days)s days, longer than %(limit)s days",
    "%(out_on)s 起请假尚未销假，按超过 %(limit)s 天处理":
        "Leave from %(out_on)s still open: treated as longer than %(limit)s days",
    "%(day)s 的专护床日在医保专护住院记录中没有对应（允许相差 %(limit)s 天）":
        "The special-care bed-day %(day)s has no medical-insurance special-care stay (%(limit)s day allowed)",
    "定位点或照片与其他地址的服务记录相同（%(count)s 处）":
        "GPS point or photo also used on a visit to another address (%(count)s)",
    "该护理人员本月 %(share)s 的服务在最低时长附近结束":
        "%(share)s of this carer's visits this month ended near the minimum duration",
})

# the carer register (issue 10 point 1): its pages, forms, reminders, capacity check and policy field
EN.update({
    "人员类别": "Staff type", "入职日期": "Employed from", "资格类别": "Qualified as", "登记资格": "Record qualification",
    "证书名称": "Certificate name", "培训日期": "Training date", "学时": "Hours", "培训内容": "Training topic",
    "登记培训": "Record training", "暂停起始日期": "Suspended from", "恢复日期（留空为直至解除）":
        "Works again from (blank: until lifted)", "暂停原因": "Reason for suspension", "暂停服务": "Suspended",
    "离职日期（当日起不再在职）": "Leaves on (no longer on the staff from that day)", "登记离职": "Record leaving",
    "创建登录账号": "Create login", "已有的护理员账号": "Existing care-worker login", "关联账号": "Link login",
    "登记执业资格": "Record qualification", "已登记执业资格": "Qualification recorded",
    "结束执业资格": "End qualification", "执业资格已结束": "Qualification ended", "已登记证书": "Certificate recorded",
    "已登记培训": "Training recorded", "已暂停该护理人员的服务": "The care worker is suspended",
    "解除暂停": "Lift suspension", "已解除暂停": "Suspension lifted", "已登记离职": "Leaving recorded",
    "已创建登录账号": "Login created", "关联已有账号": "Link an existing login", "已关联登录账号": "Login linked",
    "尚未入职": "Not employed yet", "已登记护理人员 %(name)s": "Care worker %(name)s registered",
    "登记护理人员": "Register care worker", "编辑护理人员": "Edit care worker",
    "批量导入护理人员": "Import care workers", "护理人员导入模板": "Care worker import template",
    "护理人员名册": "Care worker register", "我的名册信息": "My register entry", "在职期间": "Employment",
    "近 12 个月培训学时": "Training hours in the last 12 months", "登录账号": "Login", "执业资格": "Qualifications",
    "其他证书": "Other certificates", "培训": "Training", "内容": "Content",
    "上传 UTF-8 编码的 CSV 或 XLSX 文件，第一行为表头：身份证号、姓名、人员类别、电话、入职日期。":
        "Upload a UTF-8 CSV or an XLSX file whose first row is the header: 身份证号, 姓名, 人员类别, 电话, 入职日期 "
        "(ID number, name, staff type, phone, employed from).",
    "下载模板（Excel）": "Download template (Excel)", "下载模板（CSV）": "Download template (CSV)",
    "人员类别：护理员、护士、医生或乡村医生。": "Staff type: 护理员, 护士, 医生 or 乡村医生 (care worker, nurse, doctor, "
        "village doctor).",
    "日期格式 YYYY-MM-DD。": "Dates as YYYY-MM-DD.",
    "按身份证号在本机构名册中新增或更新；重复导入同一文件不会产生变化。":
        "Rows are created or updated in your register by ID number; importing the same file again changes nothing.",
    "护理人员导入预览": "Care worker import preview", "没有符合条件的护理人员": "No matching care workers",
    "在职": "Employed", "已离职": "Left", "撤销离职": "Leaving withdrawn", "关联登录账号": "Link login",
    "护理人员": "Care workers", "护理人员导入": "Care worker import", "护理人员证书": "Care worker certificate",
    "护理人员培训": "Care worker training", "离职日期": "Left on", "资格或证书": "Qualification or certificate",
    "人": "persons", "每名护理人员服务的居家待遇人员上限": "Home beneficiaries per care worker (at most)",
    "服务能力": "Capacity",
    "核定床位 %(beds)s 张，%(day)s 已占用 %(used)s 张": "%(beds)s approved beds, %(used)s occupied on %(day)s",
    "%(day)s 无核定床位数": "No approved beds on %(day)s",
    "%(day)s 没有生效的政策参数": "No policy version in force on %(day)s",
    "%(day)s 合格护理人员 %(carers)s 名，按每名护理人员 %(ratio)s 人计可服务 %(capacity)s 人；居家待遇人员（含本次）%(served)s 人":
        "%(carers)s qualified care workers on %(day)s, at %(ratio)s per care worker room for %(capacity)s; "
        "home beneficiaries (this one included): %(served)s",
    "60 天内到期的护理人员资格和证书": "Care worker qualifications and certificates expiring within 60 days",
    "近 60 天内没有到期的护理人员资格或证书": "No care worker qualification or certificate expires within 60 days",
    "身份证号 %(id_number)s 已登记在本机构护理人员名册（%(name)s）":
        "ID number %(id_number)s is already in your care worker register (%(name)s)",
    "该护理人员信息已被他人修改，请刷新页面后重新填写":
        "Someone else changed this care worker meanwhile; reload the page and enter your change again",
    "离职日期必须晚于入职日期": "The leaving date must be after the first day of employment",
    "该护理人员已有登录账号": "This care worker already has a login",
    "只能关联本机构的用户": "Only a user of your own organisation can be linked",
    "该用户没有护理员角色": "This user does not have the care worker role",
    "用户 %(username)s 已关联护理人员 %(name)s": "User %(username)s is already linked to care worker %(name)s",
    "请填写证书编号": "Enter the certificate number", "请填写证书名称": "Enter the certificate name",
    "请填写培训内容": "Enter the training topic", "请填写暂停原因": "Enter the reason for the suspension",
    "最多 %(limit)s 个字符，且不能包含控制字符": "At most %(limit)s characters, without control characters",
    "只能提前结束（当前结束日期 %(end)s）": "Can only be ended earlier (it currently ends on %(end)s)",
    "人员类别无效": "Invalid staff type", "培训学时应为数字": "Training hours must be a number",
    "培训学时应大于 0 且不超过 24": "Training hours must be more than 0 and at most 24",
    "培训日期不能晚于今天": "The training date cannot be after today",
    "该身份证号已登记在本机构护理人员名册（可能是他人刚刚登记），请刷新后查看":
        "This ID number is already in your care worker register (perhaps someone just registered it); reload to see it",
    "该登录账号已关联其他护理人员，请刷新后查看": "This login is already linked to another care worker; reload to see it",
    "人员类别应为护理员、护士、医生或乡村医生": "Staff type must be care worker, nurse, doctor or village doctor",
    "导入护理人员名册（大文件）": "Import care worker register (large file)",
    "您的登录账号尚未关联本机构护理人员名册中的记录，请联系本机构管理员关联。":
        "Your login is not linked to an entry of your organisation's care worker register yet; ask your "
        "administrator to link it.",
})

# billing documents (issue 11 point 7): menu entries and the job title, looked up at run time
EN.update({
    "结算单据": "Billing documents", "结算支付清单": "Payment list", "参保人结算单": "Beneficiary statements",
    "生成已支付结算的参保人结算单": "Render beneficiary statements of paid settlements",
})

# billing money: provider stars, quality deposits, net payments, family allowances
EN.update({
    '%(year)s 年度星级尚未评定，暂不能清算质量保证金': 'The annual star of %(year)s is not set yet; the quality deposit cannot be cleared',
    '%(year)s 年度质量保证金返还（年度星级 %(stars)s 星，返还 %(percent)s%%）': 'Quality deposit of %(year)s released (annual star %(stars)s, %(percent)s%% released)',
    '%(year)s 年度还有未支付的结算（%(months)s），暂不能清算': 'Settlements of %(year)s are not paid yet (%(months)s); the deposit cannot be cleared',
    '1 星': '1 star',
    '2 星': '2 stars',
    '3 星': '3 stars',
    '4 星': '4 stars',
    '5 星': '5 stars',
    '上一年度星级': "Last year's star",
    '上期结转': 'Carried in',
    '亲情照护补贴': 'Family-care allowances',
    '亲情照护补贴发放名单': 'Family-care allowance payment list',
    '人工录入': 'Entered by hand',
    '余额': 'Balance',
    '依本人申请变更银行账户': "Change the bank account on the person's request",
    '保证金与补贴': 'Deposits and allowances',
    '保证金年终清算': 'Year-end deposit clearing',
    '保证金明细': 'Deposit movements',
    '保证金比例': 'Deposit ratio',
    '共 %(n)s 人，合计 %(amount)s 元': '%(n)s persons, %(amount)s CNY in total',
    '净额': 'Net',
    '历史': 'History',
    '原因不能超过 %(n)s 个字符': 'The reason must not exceed %(n)s characters',
    '原星级': 'Star before',
    '变更原因': 'Reason for the change',
    '变更银行账户': 'Change bank account',
    '只有承办机构可以依本人申请变更银行账户': "Only the insurer can change the bank account, on the person's request",
    '只能为定点护理服务机构评定星级': 'Only care providers have stars',
    '只能评定已结束的年度': 'Only a year that is over can be rated',
    '只能评定已结束的月份': 'Only a month that is over can be rated',
    '台账': 'Ledger',
    '实付': 'Paid out',
    '尚未清算': 'Not cleared yet',
    '已支付': 'Paid',
    '已支付的结算不能再变更': 'A paid settlement cannot be changed',
    '已登记 %(n)s 人补贴支付，合计 %(amount)s 元': 'Payment recorded for %(n)s persons, %(amount)s CNY in total',
    '年度': 'Year',
    '年度星级': 'Annual star',
    '年终清算': 'Year-end clearing',
    '年终清算保证金': 'Clear deposit',
    '年终清算质量保证金': 'Year-end clearing of quality deposits',
    '年终清算质量保证金（上年结算全部支付且年度星级已评定后）': "Year-end clearing of quality deposits (once last year's settlements are paid and the annual star is set)",
    '年终质量保证金返还比例（按年度星级）': 'Year-end quality deposit release share (by annual star)',
    '当前月度星级': 'Monthly star in force',
    '当前账户': 'Current account',
    '录入原因': 'Reason for the entry',
    '录入星级': 'Enter a star',
    '待支付': 'To be paid',
    '户名': 'Account holder',
    '扣留': 'Withheld',
    '扣除天数': 'Days excluded',
    '承办机构依本人申请变更': "Changed by the insurer on the person's request",
    '按年度': 'By year',
    '支付日期': 'Payment date',
    '星级': 'Stars',
    '星级已登记': 'Star recorded',
    '星级未变化': 'The star is unchanged',
    '星级类型': 'Star kind',
    '星级须为 1 至 5 星': 'Stars must be 1 to 5',
    '暂无': 'None yet',
    '暂无保证金记录': 'No deposit movements yet',
    '暂缓支付（缺银行账户）': 'Held (no bank account)',
    '最近年度星级': 'Latest annual star',
    '月度星级': 'Monthly star',
    '月度星级自次月1日起生效，用于结算抽审比例；年度星级用于年终质量保证金返还。评级功能上线前由医保经办机构管理员录入。': "A monthly star is in force from the 1st of the next month and sets the settlement audit's sample rate; the annual star sets the year-end release of the quality deposit. Until the ratings run exists, the medical-insurance agency's administrator enters them.",
    '服务月份': 'Service month',
    '本人申请': "Person's request",
    '本人申请（方式、日期）': "Person's request (how, date)",
    '本月没有亲情照护补贴': 'No family-care allowances this month',
    '本月没有待支付的补贴': 'Nothing to pay this month',
    '机构星级': 'Provider stars',
    '核定基金支付': 'Approved fund',
    '每月结算审批时按核定基金支付额的比例扣留质量保证金；年终按机构年度星级返还，其余返还基金。': "A quality deposit is withheld from the approved fund of each monthly settlement; at year end it is released by the provider's annual star and the rest returns to the fund.",
    '没有护理服务机构': 'No care providers',
    '清算时间': 'Cleared at',
    '生成上月亲情照护补贴发放名单': "Build last month's family-care allowance list",
    '申请表': 'Application',
    '申请表未填写银行账户，也没有变更记录': 'The application gave no bank account and none was recorded since',
    '登记已支付': 'Record as paid',
    '登记支付': 'Record payment',
    '登记星级': 'Record star',
    '登记本月补贴已支付': "Record this month's allowances as paid",
    '系统评定': 'Computed',
    '结算净额': 'Net payments',
    '结转下期': 'Carried forward',
    '缺少银行账户': 'No bank account',
    '缺少银行账户，补贴暂缓支付': 'No bank account: the allowance is held',
    '补贴天数': 'Allowance days',
    '补贴直接发放给参保人本人，不经护理服务机构结算，不扣质量保证金。补贴天数为享受待遇且在世、参保有效、未住院的天数。缺少银行账户的暂缓支付，补录账户后转为待支付。': "The allowance is paid to the insured person, not through the provider's settlement, and no deposit is withheld. Allowance days are the entitled days on which the person is alive, insured and not in hospital. Without a bank account the payment is held until one is entered.",
    '补贴银行账户': 'Allowance bank account',
    '计算结算净额': 'Compute net payment',
    '记账时间': 'Booked at',
    '评定年度': 'Rated year',
    '评定年度（年度星级）': 'Rated year (annual star)',
    '评定月份': 'Rated month',
    '评定月份（月度星级，次月1日起生效）': 'Rated month (monthly star, in force from the 1st of the next month)',
    '评定期间': 'Rated period',
    '该星级已由系统评定，不能人工修改': 'This star was computed and cannot be changed by hand',
    '请填写全部账户信息、本人申请和变更原因': "Enter the whole account, the person's request and the reason",
    '请填写年度': 'Enter the year',
    '请选择月份': 'Choose the month',
    '请填写录入原因': 'Enter the reason',
    '请填写银行流水号（不超过 %(n)s 个字符）': 'Enter the bank reference (at most %(n)s characters)',
    '调整': 'Adjustments',
    '负数结转下期': 'Negative, carried forward',
    '质量保证金': 'Quality deposit',
    '质量保证金台账': 'Quality deposit ledger',
    '返还基金': 'Returned to the fund',
    '返还机构': 'Released',
    '返还比例': 'Release share',
    '还没有已审批的结算': 'No approved settlements yet',
    '还没有星级记录': 'No stars yet',
    '金额': 'Amount',
    '银行流水号': 'Bank reference',
    '银行账号须为至少 8 位数字': 'The account number must be at least 8 digits',
    '银行账户': 'Bank account',
    '银行账户已变更': 'Bank account changed',
    '内容过长': 'Too long',
    '账户': 'Account',
    '年度星级尚未评定': 'no annual star yet',
    '有未支付的结算': 'settlements not paid yet',
    '没有待支付的补贴': 'nothing to pay',
    '月份尚未结束': 'the month is not over',
    '年度尚未结束': 'the year is not over',
    '已由系统评定': 'computed by the ratings run',
})

# monthly settlements (issue 11 point 3)
EN.update({
    "月度结算": "Monthly settlements", "草稿": "Draft", "已提交": "Submitted", "已审核": "Audited",
    "已审批": "Approved", "已支付": "Paid", "已退回": "Returned", "本月服务": "This month's care",
    "补记": "Late entry", "调整": "Adjustment", "床日": "Bed-day",
    "服务包": "Package", "重新核定": "Re-evaluation", "申诉成立": "Appeal upheld", "追回": "Recovery",
    "质量保证金返还": "Quality deposit release", "定时生成": "Scheduled run", "机构重新生成": "Regenerated by the provider",
    "夜间重新生成": "Regenerated overnight", "命令行生成": "Command line", "生成上月月度结算": "Generate last month's settlements",
    "重新生成结算草稿": "Regenerate a settlement draft", "不予支付": "Not payable", "与上一版本相比": "Against the previous revision",
    "个人负担": "Own share", "其他检查结果": "Other findings", "删除明细 %(n)s 条": "%(n)s lines removed",
    "单位": "Unit", "可支付": "Payable", "基金支付": "Fund pays",
    "已完成 %(done)s / %(total)s": "%(done)s of %(total)s done", "应付金额": "Net payment",
    "所属月份": "Service month", "支付比例": "Fund ratio", "新增明细 %(n)s 条": "%(n)s lines added",
    "最近一次重新生成": "Latest regeneration", "服务月份": "Service month",
    "期间": "Period", "本月没有结算明细": "No settlement lines this month", "来源": "Source",
    "没有符合条件的结算": "No settlements match", "版本记录": "Revisions", "生成于": "generated on",
    "生成时间": "Generated at", "类别": "Kind", "结算明细": "Settlement lines", "计费金额": "Billable",
    "质量保证金": "Quality deposit", "超过补记时限": "Beyond the late-entry limit", "重新生成草稿": "Regenerate draft",
    "首个版本": "First revision", "生成结算": "Generate settlement", "重新生成结算": "Regenerate settlement",
    "登记调整": "Record adjustment", "结算调整": "Settlement adjustment", "已提交重新生成，后台处理完成后本页显示新版本":
        "Regeneration queued; this page shows the new revision once the background run is done",
    "只能重新生成本机构的结算": "Only your own organisation's settlements can be regenerated",
    "结算已提交，不能重新生成": "The settlement was submitted and can no longer be regenerated",
    "补记：%(month)s 已提交后录入的服务记录": "Late entry: records of %(month)s entered after it was submitted",
    "补记超过时限：服务日起 %(months)s 个月内可补记，%(month)s 的记录已不能结算":
        "Too late: records can be entered late within %(months)s months of their service date; those of %(month)s can no longer be settled",
    "重新核定：%(month)s 的服务记录按现行事实重新审核，可支付单位数由 %(before)s 变为 %(after)s":
        "Re-evaluation: the records of %(month)s checked again against the facts now; payable units from %(before)s to %(after)s",
})

# the settlement review (issue 11 point 4): labels, case types, policy fields, checks, row errors
EN.update({
    "予以支付": "Pay",
    "待审核记录": "Flagged records",
    "抽查记录": "Sampled records",
    "审理中": "Under review",
    "申诉成立": "Appeal upheld",
    "申诉不成立": "Appeal rejected",
    "审核扣减": "Audit deductions",
    "系统拒付": "Automatic rejection",
    "待银行回盘": "Awaiting the bank's return",
    "已支付": "Paid",
    "支付失败": "Payment failed",
    "服务未实际提供": "Service not delivered",
    "证据不足": "Insufficient evidence",
    "服务地点不符": "Wrong place of service",
    "服务时长不符": "Wrong duration",
    "提交结算": "Submit settlement",
    "记录说明": "Remark on a record",
    "记录审核": "Record decided",
    "抽取样本": "Sample drawn",
    "审核完成": "Audit finished",
    "审核退回": "Returned by the audit",
    "医保审批通过": "Approved by the MIA",
    "医保退回商保公司": "Returned to the insurer by the MIA",
    "导出银行批量文件": "Export bank batch file",
    "银行支付失败": "Bank payment failed",
    "提出申诉": "File an appeal",
    "护理机构提交结算": "Provider submits the settlement",
    "医保经办机构审批": "MIA approval",
    "商保公司支付": "Insurer payment",
    "护理机构提出申诉": "Provider files the appeal",
    "商保公司复核申诉": "Insurer reviews the appeal",
    "需补充证据或说明": "Evidence or explanation needed",
    "审核意见需复核": "The audit needs another look",
    "扣减金额有误": "Deduction amounts are wrong",
    "申诉理由不成立": "The grounds do not hold",
    "未提供有效证据": "No valid evidence given",
    "月度结算审核": "Monthly settlement review",
    "结算申诉": "Settlement appeal",
    "1 星": "1 star",
    "2 星": "2 stars",
    "3 星": "3 stars",
    "4 星": "4 stars",
    "5 星": "5 stars",
    "抽查比例（尚无星级）": "Sample rate (no star yet)",
    "抽查比例（按机构月度星级）": "Sample rate (by the provider's monthly star)",
    "最少抽查人数": "Smallest sample",
    "申诉期限（审核完成后）": "Appeal window (after the audit)",
    "结算审核": "Settlement review",
    "已提交过": "already submitted",
    "没有可支付的结算": "nothing to pay",
    "不在此审核环节": "not at this step",
    "样本已抽取": "already drawn",
    "申诉期已过": "appeal window closed",
    "缺少列": "missing columns",
    "无数据": "empty",
    "编码错误": "wrong encoding",
    "不是草稿": "not a draft",
    "不是待审核记录": "not a flagged record",
    "不是系统拒付记录": "not an automatic rejection",
    "尚未审核": "not audited",
    "非不予支付记录": "not refused",
    "不属于抽查对象": "not sampled",
    "不是本机构的结算": "not your settlement",
    "行有误": "rows with errors",
    "结算金额": "Settlement amounts",
    "应付 %(billable)s 元，基金支付 %(fund)s 元": "Billable %(billable)s CNY, fund %(fund)s CNY",
    "已决定 %(done)s / %(all)s": "Decided %(done)s / %(all)s",
    "抽查": "Sample",
    "已审核 %(done)s / %(all)s 条记录": "Reviewed %(done)s / %(all)s records",
    "%(count)s 条记录，扣减基金 %(fund)s 元": "%(count)s records, fund deducted %(fund)s CNY",
    "尚有待审核记录未作决定": "Some flagged records are not decided yet",
    "尚未抽取抽查样本": "The sample is not drawn yet",
    "尚有抽查记录未审核": "Some sampled records are not reviewed yet",
    "尚未登记支付日期和银行流水号": "No payment date and bank reference recorded yet",
    "申诉成立：%(month)s 结算的记录予以支付（申诉案件 %(case)s）": "Appeal upheld: a record of the %(month)s settlement is paid (appeal case %(case)s)",
    "已决定 %(n)s 条记录": "%(n)s records decided",
    "已抽取 %(n)s 名参保人": "%(n)s insured persons drawn",
    "审核已完成，已报医保经办机构审批": "Audit finished and sent to the MIA for approval",
    "申诉已提交，等待商保公司复核": "Appeal filed; the insurer will review it",
    "申诉复核已记录": "Appeal decision recorded",
    "第 %(row)s 行：批次行号无效": "Row %(row)s: invalid batch line number",
    "第 %(row)s 行：批次行号 %(line)s 不属于本批次": "Row %(row)s: batch line %(line)s is not in this batch",
    "第 %(row)s 行：批次行号 %(line)s 重复": "Row %(row)s: batch line %(line)s appears twice",
    "第 %(row)s 行：批次行号 %(line)s 已处理": "Row %(row)s: batch line %(line)s is done already",
    "第 %(row)s 行：结果须为“成功”或“失败”": "Row %(row)s: the result must be 成功 (paid) or 失败 (failed)",
    "第 %(row)s 行：支付成功须填写银行流水号": "Row %(row)s: a paid line needs the bank reference",
    "第 %(row)s 行：支付日期须为 YYYY-MM-DD": "Row %(row)s: the payment date must be YYYY-MM-DD",
    "第 %(row)s 行：支付失败须填写失败原因": "Row %(row)s: a failed line needs the bank's reason",
    "请在结算审核页面办理本步骤": "Decide this step on the settlement review pages",
    "批量审批月度结算": "Approve monthly settlements in bulk",
    "生成一个机构的月度结算（命令行）": "Generate one provider's monthly settlement (command line)",
})

# re-evaluation per service date (issue 11, second wave): the note and the facts it names
EN.update({
    "重新核定：%(month)s 服务日 %(dates)s，%(fact)s；可支付单位数由 %(before)s 变为 %(after)s":
        "Re-evaluation: %(month)s, service dates %(dates)s, %(fact)s; payable units from %(before)s to %(after)s",
    "不再支付：%s": "no longer payable: %s", "改为支付：原“%s”已不成立": "now payable: “%s” no longer applies",
    "单价变更（类别、护理等级或机构日价格）": "unit amount changed (category, care level or the provider's daily price)",
    "支付比例变更（人员类别或标签）": "fund ratio changed (insurance category or tags)",
    "服务记录变更": "service record changed",
})

# violation points and the ratings section (SPEC §6, §8)
EN.update({
    "违规记分": "Violation points", "护理人员违规记分": "Carer violation points",
    "近 %(months)s 个月记分：%(points)s 分（达到 %(threshold)s 分暂停服务 %(length)s 个月）":
        "Points in the last %(months)s months: %(points)s (%(threshold)s points suspend the carer for %(length)s months)",
    "因违规记分暂停服务": "Suspended for violation points",
    "%(day)s 记分累计 %(points)s 分：%(start)s 至 %(end)s 暂停服务":
        "%(points)s points on %(day)s: suspended from %(start)s to %(end)s",
    "%(day)s 记分累计 %(points)s 分：该护理人员已被暂停服务（未定结束日期）":
        "%(points)s points on %(day)s: the carer was already suspended until further notice",
    "记分日期": "Attached on", "记分": "Points", "结算月份": "Settlement month", "记分原因": "Why",
    "确认方式": "Confirmed by", "商保公司说明": "Insurer's words", "该护理人员没有违规记分": "No violation points",
    "%(months)s 个月内累计 %(points)s 分暂停服务 %(length)s 个月。":
        "%(points)s points within %(months)s months suspend the carer for %(length)s months.",
    "近 %(months)s 个月记分": "Points, last %(months)s months", "累计记分": "All points",
    "最近记分日期": "Last attached on", "没有护理人员被记分": "No carer has violation points",
    "系统拒付已确认": "Automatic rejection confirmed", "待审核记录经商保公司审核不予支付": "Flagged record refused by the insurer",
    "商保公司认定服务记录系伪造": "Record found falsified by the insurer",
    "商保公司有证据认定欺诈": "Fraud found by the insurer with evidence", "欺诈（商保公司认定）": "Fraud (found by the insurer)",
    "申诉期满未申诉": "No appeal within the appeal window", "申诉不成立": "Appeal rejected",
    "伪造服务记录（经核实）": "Falsified record (verified)", "欺诈（有证据）": "Fraud (with evidence)",
    "认定伪造服务记录时须写明依据": "Write down the grounds for finding the record falsified",
    "认定欺诈时须写明证据": "Write down the evidence of fraud",
    "因违规记分暂停服务的护理人员": "Carers suspended for violation points", "暂停开始": "Suspended from",
    "护理人员违规记分（申诉期满或申诉不成立）及暂停服务":
        "Carer violation points (appeal window over or appeal lost) and suspensions",
    "违规记分（确认后）": "Violation points (once confirmed)",
    "四评与星级评定": "Evaluations and star ratings", "星级最低得分": "Lowest score of each star",
    "护理人员星级的权重": "Weights of the carer star", "服务合规率": "Visit compliance",
    "回访满意度": "Follow-up satisfaction", "抽查审核通过率": "Review pass rate", "准时率": "Punctuality", "培训": "Training",
    "准时：签到不晚于计划开始时间": "Punctual: check-in at most this late after the scheduled start",
    "培训满分所需学时（近 12 个月）": "Training hours for full marks (last 12 months)", "学时": "hours",
    "培训学时的统计期": "Training hours counted over", "绩效评价的权重": "Weights of cost-performance",
    "人月基金支出（与全市同护理形式、同等级平均相比）":
        "Fund per beneficiary-month (against the scheme average of the same care type and level)",
    "审核拒付占申报基金的比例": "Refused share of the claimed fund", "有效投诉率": "Upheld complaint rate",
    "有效投诉率得零分的上限（每 100 人月）": "Upheld complaints per 100 beneficiary-months that score zero",
    "诚信评价的扣分": "Integrity deductions", "一般违规（记 1 分的违规）": "Minor violation (worth 1 point)",
    "严重违规（记 3 分或 6 分的违规及机构层面的拒付）":
        "Serious violation (worth 3 or 6 points, and provider-level refusals)",
    "欺诈": "Fraud", "诚信评价的统计期": "Integrity counted over", "机构星级的权重": "Weights of the provider star",
    "护理人员平均星级（无上门服务的机构：人员配置）": "Carer average stars (providers without visits: staffing)",
    "绩效评价": "Cost-performance", "诚信评价": "Integrity",
    "护理人员平均星级折算为分数（每星）": "Score per carer star", "人员配置：每名持证护理人员对应的床位":
        "Staffing: beds per qualified carer", "张": "beds", "小样本向全市平均收缩的常数 k": "Shrinkage constant k",
    "欺诈认定后机构星级限为 1 星": "Fraud caps the provider star at 1 star for",
    "违规记分达到该分数暂停护理人员服务": "Points that suspend a carer", "违规记分的累计期（滚动）": "Points counted over (rolling)",
    "暂停服务时长": "Suspension length", "件": "complaints", "扣分": "points deducted",
})

# follow-up visits and complaints (issue 12 points 1–2)
EN.update({
    '改派回访任务': 'Reassign a follow-up',
    '办结投诉': 'Close a complaint',
    '没有承办机构': 'no insurer',
    '不是本机构的回访人员': "not one of the insurer's follow-up staff",
    '早于列入回访任务的日期': 'before the follow-up was listed',
    '不是该机构的护理人员': 'not a carer of this provider',
    '须为 1–5 分': 'must be 1–5',
    '%(month)s 的服务记录暂缓支付，待承办机构审核': "the service records of %(month)s are held for the insurer's review",
    '1（很不满意）– 5（很满意）': '1 (very dissatisfied) – 5 (very satisfied)',
    '不属实': 'Not confirmed',
    '不属实（暂缓支付本月记录）': "Not confirmed (hold this month's records)",
    '专业技能': 'Skill',
    '入户': 'Home visit',
    '准时性': 'Punctuality',
    '列入回访任务': 'Listed for a follow-up',
    '列入日期': 'Listed on',
    '办结': 'Close',
    '办结答复': 'Closed with a reply',
    '发现参保人情况与失能等级不符（发起重新评估）': 'The person no longer fits the level (open a reassessment)',
    '发生日期': 'Date it happened',
    '只有承办该投诉的机构可以办结': 'Only the insurer handling this complaint may close it',
    '只能改派给本机构的回访人员': "Reassign only to the insurer's own follow-up staff",
    '回访人员': 'Follow-up staff',
    '回访人员工作量': 'Follow-up workload per staff member',
    '回访任务': 'Follow-up',
    '回访任务已改派': 'Follow-up reassigned',
    '回访任务来自新享受待遇人员、每月抽样、投诉和疑点记录抽样。回访发现服务不属实的，该参保人当月的服务记录暂缓支付，由承办机构在结算审核中处理。': "Follow-ups come from new beneficiaries, the monthly sample, complaints and the sample of flagged records. When a follow-up does not confirm the services, the person's records of that month are held and the insurer decides them in the settlement audit.",
    '回访发现': 'Findings',
    '回访方式': 'Channel',
    '回访日期': 'Follow-up date',
    '回访未确认服务': 'Not confirmed at follow-up',
    '回访结果已登记': 'Follow-up recorded',
    '回访评价': 'Follow-up visits',
    '回访评价与投诉': 'Follow-ups and complaints',
    '处理结论': 'Outcome',
    '处理记录': 'History',
    '家属': 'Family',
    '属实': 'Confirmed',
    '已分派给该人员': 'Already assigned to this person',
    '已办结': 'Closed',
    '已发起重新评估': 'Reassessment opened',
    '已回访': 'Done',
    '应办结日期': 'Due on',
    '应完成日期': 'Due on',
    '待回访': 'Open',
    '总体满意度': 'Overall satisfaction',
    '我的回访任务': 'My follow-ups',
    '投诉': 'Complaint',
    '投诉不属实': 'Not upheld',
    '投诉人': 'Complainant',
    '投诉人姓名': "Complainant's name",
    '投诉信息不完整或有误，请检查标出的栏目': 'The complaint is incomplete or wrong: check the marked fields',
    '投诉内容': 'What happened',
    '投诉办结期限（登记后）': 'Complaint handling time (after registration)',
    '投诉回访': 'Complaint',
    '投诉属实': 'Upheld',
    '投诉已办结': 'Complaint closed',
    '投诉已登记，并已列入回访任务': 'Complaint registered and listed for a follow-up',
    '投诉渠道': 'Channel',
    '投诉由承办机构在规定工作日内办结并答复投诉人；每件投诉都会列入回访任务。': 'The insurer closes each complaint within the set working days and replies to the complainant; every complaint is listed for a follow-up.',
    '投诉登记': 'Complaints',
    '投诉超时标记': 'Mark overdue complaints',
    '抽取本月回访样本': "Draw this month's follow-up sample",
    '改派原因': 'Reason for reassigning',
    '改派给': 'Reassign to',
    '新享受待遇人员': 'New beneficiary',
    '新享受待遇人员列入回访任务': 'List new beneficiaries for follow-ups',
    '新享受待遇人员回访期限（待遇核定后）': 'Follow-up of a new beneficiary within (after the grant)',
    '无权改派回访任务': 'You may not reassign follow-ups',
    '无权登记回访结果': 'You may not record follow-ups',
    '无权办结投诉': 'You may not close complaints',
    '无权登记投诉': 'You may not register complaints',
    '最近应完成日期': 'Next due',
    '月度抽样': 'Monthly sample',
    '服务态度': 'Attitude',
    '服务是否属实': 'Services confirmed',
    '未分派': 'Unassigned',
    '未找到该身份证号的参保人': 'No insured person with this ID number',
    '未能发起重新评估（该参保人已不在享受待遇或没有有效评估结论）': 'No reassessment opened (the person has no entitlement or no valid conclusion any more)',
    '查看投诉': 'View the complaint',
    '每月抽样回访比例（在享受待遇人员中）': 'Monthly follow-up sample (share of active beneficiaries)',
    '没有回访任务': 'No follow-ups',
    '没有待完成的回访任务': 'No open follow-ups',
    '没有投诉': 'No complaints',
    '疑点记录人员抽样回访比例': 'Follow-up sample of persons with flagged records',
    '疑点记录抽样': 'Flagged-record sample',
    '登记回访结果': 'Record the follow-up',
    '登记投诉': 'Register a complaint',
    '登记日期': 'Registered on',
    '窗口': 'At the counter',
    '给投诉人的答复': 'Reply to the complainant',
    '联系电话': 'Contact phone',
    '被投诉的护理人员编号（可不填）': 'Carer complained about, register no. (optional)',
    '被投诉的护理服务机构': 'Provider complained about',
    '视频': 'Video',
    '该参保人所在区县目前没有承办机构，无法登记投诉': "No insurer holds this person's district now: the complaint cannot be registered",
    '请填写改派原因': 'Give the reason for reassigning',
    '请填写给投诉人的答复': 'Write the reply to the complainant',
    '请选择处理结论': 'Choose the outcome',
    '超时未办结': 'Overdue',
    '回访日期不能晚于今天，也不能早于列入回访任务的日期': 'The follow-up date cannot be after today or before the follow-up was listed',
    '认为不再符合失能等级时须写明发现的情况': 'Describe the findings when the person no longer fits the level',
    '请填写完整的回访结果（满意度为 1–5 分）': 'Fill in the whole follow-up (satisfaction 1–5)',
})

# dynamic management (SPEC §8 effects): labels and nav entries
EN.update({
    "待机构整改答复": "Awaiting the provider's response",
    "待承办机构核查": "Awaiting the insurer's check",
    "整改已通过": "Rectification accepted",
    "不通过": "Not accepted",
    "年度星级为一星": "Annual rating of 1 star",
    "连续两个年度星级为二星": "2 stars in two consecutive annual ratings",
    "待医保经办机构处理": "Awaiting the MIA's decision",
    "已暂停协议": "Agreement suspended",
    "已终止协议": "Agreement ended",
    "维持协议": "Keep the agreement",
    "暂停协议": "Suspend the agreement",
    "终止协议": "End the agreement",
    "发出整改通知": "Rectification notice issued",
    "机构提交整改答复": "Provider responded",
    "核查通过": "Response accepted",
    "核查不通过": "Response not accepted",
    "提出协议处理建议": "Agreement review proposed",
    "整改通知": "Rectification notices",
    "协议处理建议": "Agreement review proposals",
    "待答复的整改通知": "Rectification notices to answer",
    "待核查的整改答复": "Rectification responses to check",
    "通知编号": "Notice no.", "文件": "File", "文件摘要": "File digest (SHA-256)",
})

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "ltc/translations/en/LC_MESSAGES/messages.po"


# the ratings run (issue 12 points 4–6)
EN.update({
    "计算护理人员与机构星级（月度及年度）": "Compute carer and provider stars (monthly and annual)",
    "护理人员平均星级": "Carer average stars", "人员配置": "Staffing",
    "系统评定：%(kind)s %(period)s，综合得分 %(score)s": "Computed: %(kind)s %(period)s, composite %(score)s",
    "星级评定": "Provider star rating", "评定期间": "Rated period", "星级类型": "Kind of star", "综合得分": "Composite score",
    "星级": "Stars", "暂无星级": "No star yet", "没有星级评定": "No ratings",
    "欺诈认定后 %(months)s 个月内限为 1 星": "Capped at 1 star for %(months)s months after a fraud finding",
    "活动数据（上门服务、准时、回访、投诉、培训）：%(a)s 至 %(b)s；结算结果（确认的违规、拒付、抽查、基金）：%(c)s 至 %(d)s。":
        "Activity (visits, punctuality, follow-ups, complaints, training): %(a)s to %(b)s; settlement results "
        "(confirmed violations, refusals, samples, fund): %(c)s to %(d)s.",
    "评价项目": "Component", "样本数 n": "Observations n", "原始得分": "Raw score", "全市平均": "Scheme mean",
    "收缩后得分": "Shrunk score", "权重": "Weight", "依据": "Figures",
    "收缩后得分 = (n × 原始得分 + k × 全市平均) ÷ (n + k)，k = %(k)s；没有数据的项目不计入，其权重按比例分给其他项目；综合得分 = Σ 权重 × 收缩后得分 ÷ Σ 权重，四舍五入到 0.01。":
        "Shrunk score = (n × raw score + k × scheme mean) ÷ (n + k), k = %(k)s; a component without data is "
        "left out and its weight spread over the others; composite = Σ weight × shrunk score ÷ Σ weight, "
        "rounded half-up to 0.01.",
    "星级：≥ %(s5)s 分 5 星，≥ %(s4)s 分 4 星，≥ %(s3)s 分 3 星，≥ %(s2)s 分 2 星，其余 1 星。":
        "Stars: ≥ %(s5)s 5 stars, ≥ %(s4)s 4 stars, ≥ %(s3)s 3 stars, ≥ %(s2)s 2 stars, otherwise 1 star.",
    "重新计算原因": "Recomputed because", "申诉": "Appeal", "申诉期限：%(day)s（评定后 10 个工作日）":
        "Appeal by %(day)s (10 working days after the rating)", "审核进度": "Review progress", "没有申诉": "No appeals",
    "申诉理由": "Grounds of the appeal", "提交申诉": "File the appeal", "申诉已提交，由商保公司复核":
        "Appeal filed: the insurer reviews it next", "审核中": "Under review", "申诉成立": "Appeal upheld",
    "申诉不成立": "Appeal rejected", "月度星级": "Monthly star", "年度星级": "Annual star",
    "有星级的护理人员": "Carers with a star", "星级合计": "Sum of stars", "持证护理人员": "Qualified carers",
    "在住床位": "Occupied beds", "回访次数": "Follow-ups", "总体满意度合计": "Sum of overall satisfaction",
    "季度得分": "Quarterly scores", "人月数": "Beneficiary-months", "一般违规": "Minor violations",
    "严重违规": "Serious violations",
    "只有被评定的护理机构可以申诉": "Only the rated provider may appeal",
    "请填写申诉理由（不超过 %(n)s 个字符）": "Give the grounds of the appeal (at most %(n)s characters)",
    "已超过申诉期限（评定后 %(n)s 个工作日）": "The appeal window is over (%(n)s working days after the rating)",
    "该星级评定已有审核中的申诉": "An appeal of this rating is under review",
    "星级评定申诉": "Rating appeal", "护理机构提出申诉": "Provider appeals", "商保公司复核": "Insurer reviews",
    "医保经办机构决定": "MIA decides",
    "申诉成立，%(day)s 重新计算（申诉理由：%(reason)s）": "Appeal upheld, recomputed on %(day)s (grounds: %(reason)s)",
    "已超过申诉期限": "the appeal period is over", "已有审核中的申诉": "an appeal is already under review",
})

# supervision (issue 13): the findings, settlements and stars themes and the provider's own dashboard
EN.update({
    "刷新监管月度汇总数据": "Refresh the supervision monthly facts",
    "一星": "1 star", "二星": "2 stars", "三星": "3 stars", "四星": "4 stars", "五星": "5 stars",
    "新星级": "New star", "护理机构星级分布": "Providers by star",
    "每月1日生效的机构月度星级，各星级的机构数": "Providers at each monthly star in force on the month's 1st",
    "星级升降的护理机构": "Providers whose star moved",
    "月度星级较上月升高或降低的护理机构": "Providers whose monthly star rose or fell against the month before",
    "截至 %(day)s": "As of %(day)s", "在院人数": "Residents", "审核扣减基金": "Fund deducted by the audit",
    "实付金额": "Net payment", "今日在院": "Residents today",
    "今日（所选月份已结束时为该月最后一天）在院的人数与床位数":
        "Residents in a bed today (the last day of the chosen month when it is over) next to the beds",
    "今日上门服务": "Visits today",
    "今日计划的上门服务（未取消）与已完成的服务": "Today's visits scheduled (not cancelled) and done",
    "服务对象（按失能等级）": "Beneficiaries by level",
    "每月有有效待遇的本机构服务对象，按失能等级": "Persons with an entitlement at this provider in the month, by level",
    "服务对象（按服务形式）": "Beneficiaries by care type",
    "每月有有效待遇的本机构服务对象，按服务形式":
        "Persons with an entitlement at this provider in the month, by care type",
    "月末在院人数": "Residents at month end", "每月最后一天在院的人数": "Residents in a bed on the month's last day",
    "上门服务完成情况": "Visits done and scheduled",
    "每月计划的上门服务（未取消）与已完成的服务": "Visits of the month scheduled (not cancelled) and done",
    "规则检查问题趋势": "Findings trend",
    "每月仍有效的规则检查问题，按严重程度": "Open findings of each month by severity",
    "月度结算状态": "Monthly settlements",
    "各服务月份本机构结算的状态、基金支付、审核扣减与实付金额":
        "This provider's settlement of each service month: status, fund, audit deductions and net payment",
    "每月1日生效的本机构月度星级": "This provider's monthly star in force on the month's 1st",
    "严重程度": "Severity", "问题数": "Findings", "服务记录数": "Records",
    "每百条记录问题数": "Findings per 100 records", "各规则问题数": "Findings by rule",
    "所选月份内仍有效的规则检查问题，按规则与严重程度统计": "Open findings of the chosen months by rule and severity",
    "各月规则问题数": "Findings by rule and month", "每月仍有效的规则检查问题，按规则分列": "Open findings of each month by rule",
    "问题率最高的护理机构": "Providers with the most findings",
    "每百条服务记录（上门服务与在院记录）的问题数，取前十名":
        "Findings per 100 records (visits and stays), the top ten",
    "问题率最高的护理人员": "Carers with the most findings",
    "每百次上门服务的问题数，取前十名": "Findings per 100 visits, the top ten",
    "服务异常标记": "Visit anomaly flags",
    "定位或照片重复使用、服务时长异常集中的标记，每月标记数":
        "Flags of a GPS point or photo reused and of durations bunched at the minimum, per month",
    "拒付原因": "Refusal reason", "拒付记录数": "Records refused", "拒付基金": "Fund refused",
    "结算进度（家数）": "Settlement progress (settlements)",
    "每个服务月份的月度结算按当前状态统计：草稿（已生成）、已提交、已退回、已审核、已审批、已支付":
        "Each service month's settlements by their state: draft (generated), submitted, returned, audited, "
        "approved, paid",
    "结算进度（基金）": "Settlement progress (fund)", "每个服务月份各状态结算的基金支付额":
        "The fund of each service month's settlements by state",
    "审核拒付原因": "Refusals by reason",
    "所选服务月份结算审核中不予支付的记录，按原因统计记录数与扣减基金":
        "Records refused by the audit of the chosen service months, by reason: records and fund deducted",
})

# supervision: the assessment, review SLA and agency dashboard themes (issue 13)
EN.update({
    "评估申请（按当前状态）": "Assessment applications (by current state)",
    "每月提交的首次评估和重新评估申请数，按各申请目前所处的状态分列（复评计入异议）；状态为最近一次夜"
    "间汇总时的状态。":
        "Initial applications and reassessments filed each month, by the state each application is in now "
        "(a review assessment counts as an objection); states as of the last nightly refresh.",
    "评估时限达标率": "Assessment SLA compliance",
    "每月作出结论的申请中，在受理后 30 个工作日内作出结论的占比（全部及各评估机构）：自受理日次日起至"
    "结论作出日（第二位专家确认之日）止，按工作日历（法定节假日、调休及管理员调整）计算，不超过 30 个"
    "工作日；复评期间暂停计时。":
        "Of the applications concluded each month, the share concluded within 30 working days of acceptance "
        "(all and per agency): from the day after acceptance to the conclusion date (the second expert's "
        "confirmation) inclusive, at most 30 working days on the working-day calendar (public holidays, "
        "in-lieu workdays and the admins' overrides); the clock pauses during a review assessment.",
    "异议及复评结果": "Objections and review outcomes",
    "每月提出的异议数（按复评启动日期），按复评结果分列：复评中、维持原等级、等级上调、等级下调、撤回"
    "异议、已取消；计入原结论所在评估机构。":
        "Objections lodged each month (by the day the review assessment opened), by outcome: under review, "
        "level upheld, level raised, level lowered, objection withdrawn, cancelled; counted for the agency "
        "whose conclusion was objected to.",
    "各评估机构 4–5级结论占比": "Agencies' share of levels 4–5",
    "各评估机构评定为最高两级（4–5级）的结论占比与全市占比比较：占比与全市占比之差超过 2 个标准误时标"
    "记，标准误 SE = √(p(1−p)/n)，p 为全市占比，n 为该机构的结论数；按结论日期计数，等级为该机构评定的"
    "等级。":
        "Each agency's share of conclusions at the two highest levels (4–5) against the city's share: flagged "
        "when the difference exceeds 2 standard errors, SE = √(p(1−p)/n) with p the city's share and n the "
        "agency's conclusions; counted by conclusion date, at the level the agency graded.",
    "审核时效（按办理方与步骤）": "Review SLA (by party and step)",
    "按办理方（机构类型）和审核步骤统计：所选月份内进入该步骤且已作出决定的审核环节中，在到期日当天或"
    "之前作出决定的占比；到期日按步骤时限规则（工作日或每月固定日）自进入日期起算，次日起为逾期；尚未"
    "决定的环节不计入。":
        "By party (organisation kind) and review step: of the stages entered in the selected months and "
        "decided, the share decided on or before the due date; the due date follows the step's SLA rule "
        "(working days or a day of the month) from the entry date, overdue from the day after; stages not "
        "yet decided are not counted.",
    "审核按时率（按进入月份）": "Review steps decided on time (by month of entry)",
    "本机构待办（按状态）": "Our queue (by state)",
    "今日派给本机构、尚未经专家确认的申请，按状态分列；其中已超过结论时限（受理后 30 个工作日，复评期"
    "间暂停）的件数。":
        "Applications dispatched to us and not yet confirmed by the experts, today, by state; of which past "
        "the conclusion deadline (30 working days after acceptance, paused during a review assessment).",
    "本机构评估时限达标率": "Our assessment SLA compliance",
    "每月本机构作出结论的申请中，在受理后 30 个工作日内作出结论的占比，与全市比较：自受理日次日起至结"
    "论作出日（第二位专家确认之日）止，按工作日历计算；复评期间暂停计时。":
        "Of the applications we concluded each month, the share concluded within 30 working days of acceptance, "
        "against the city: from the day after acceptance to the conclusion date (the second expert's confirmation) "
        "inclusive, on the working-day calendar; the clock pauses during a review assessment.",
    "本机构 4–5级结论占比与全市比较": "Our share of levels 4–5 against the city",
    "未来 90 天预计重新评估": "Reassessments expected in the next 90 days",
    "本机构作出、将在今日（或所选月份末，取较早者）起 90 天内到期且其待遇持续至到期日的评估结论数，按"
    "到期月份分列；到期前须重新评估。":
        "Our conclusions expiring within 90 days from today (or from the end of the selected months, whichever "
        "is earlier) whose entitlement runs until the expiry, by month of expiry; each needs a reassessment "
        "before it expires.",
    "申请数（按提交月份、当前状态）": "Applications (by month filed, current state)",
    "按时办结的申请（按结论月份）": "Applications concluded on time (by conclusion month)",
    "评估结论数（按结论月份、评定等级）": "Conclusions (by conclusion month, graded level)",
    "异议数（按提出月份、结果）": "Objections (by month lodged, outcome)",
    "已作出决定的审核步骤（按进入月份、办理方与步骤）": "Review stages decided (by month of entry, party and step)",
    "在到期日或之前作出决定的审核步骤": "Review stages decided on or before their due date",
    "结论数": "Conclusions",
    "4–5级结论数": "Conclusions at levels 4–5",
    "4–5级占比": "Share at levels 4–5",
    "全市占比": "City share",
    "标准误": "Standard error",
    "全市占比 − 2 个标准误": "City share − 2 SE",
    "全市占比 + 2 个标准误": "City share + 2 SE",
    "偏离标记": "Deviation flag",
    "办理方": "Party",
    "已决定步骤数": "Stages decided",
    "按时决定数": "Decided on time",
    "按时率": "On-time share",
    "申请数": "Applications",
    "异议数": "Objections",
    "办结数": "Concluded",
    "按时办结数": "Concluded on time",
    "按时办结率": "On-time share",
    "进入月份": "Month of entry",
    "件数": "Count",
    "其中已逾期": "Of which overdue",
    "本机构按时办结率": "Our on-time share",
    "全市按时办结率": "City on-time share",
    "到期月份": "Month of expiry",
    "到期结论数": "Conclusions expiring",
    "%(start)s 至 %(end)s 到期": "Expiring from %(start)s to %(end)s",
    "%(agency)s 的 4–5级占比 %(share)s 高于全市占比 %(city)s 超过 2 个标准误":
        "%(agency)s: share at levels 4–5 %(share)s, more than 2 standard errors above the city's %(city)s",
    "%(agency)s 的 4–5级占比 %(share)s 低于全市占比 %(city)s 超过 2 个标准误":
        "%(agency)s: share at levels 4–5 %(share)s, more than 2 standard errors below the city's %(city)s",
    "显著偏高": "Significantly high",
    "显著偏低": "Significantly low",
    "复评中": "Under review",
    "维持原等级": "Level upheld",
    "等级上调": "Level raised",
    "等级下调": "Level lowered",
    "复评已出结论": "Review concluded",
    "撤回异议": "Objection withdrawn",
})


# supervision: the beneficiaries and fund themes (figure titles, columns, descriptions, the budget section)
EN.update({
    '只有医保部门管理员可以测算政策草案': 'Only an MIA administrator may cost a policy draft',
    '没有这个政策版本': 'No such policy version',
    '只能测算草稿状态的政策版本': 'Only a policy version in draft can be costed',
    '该草案的测算已在排队或处理中，请等待完成': 'A costing of this draft is already queued or running; wait until it ends',
    '已提交测算，后台按机构逐个计算，完成后本页显示结果': 'Costing queued: it runs provider by provider in the background; this page shows the result when it is done',
    '政策草案基金测算': 'Fund cost of policy drafts',
    '用上月的服务记录，分别按当月生效的政策版本和政策草案的待遇支付标准计算基金，后台按机构逐个计算。': "Last month's service records priced under the policy version in force that month and under the draft's benefit rates, provider by provider in the background.",
    '第%(number)s版': 'Version %(number)s',
    '测算上月基金支出': "Cost last month's records",
    '最近一次测算': 'Latest costing',
    '测算月份': 'Month costed',
    '现行政策基金': 'Fund under the policy in force',
    '草案基金': 'Fund under the draft',
    '差额': 'Difference',
    '尚未完成测算': 'No completed costing yet',
    '没有草稿状态的政策版本': 'No policy version in draft',
    '测算政策草案的基金支出（上月服务记录）': "Cost a policy draft on last month's service records",
    '测算政策草案': 'Cost policy draft',
    '基金预算': 'Fund budget',
    '年度基金预算（按服务形式）': 'Annual fund budget (by care type)',
    '预算预警阈值（累计支出超出按月进度预算的比例）': 'Budget alert margin (share by which year-to-date spending exceeds the pro-rata budget)',
    '各失能等级待遇享受人数': 'Beneficiaries by disability level',
    '各服务形式待遇享受人数': 'Beneficiaries by care type',
    '各区县待遇享受人数': 'Beneficiaries by district',
    '新增与终止待遇人数': 'New and ended beneficiaries',
    '更换服务机构人数': 'Beneficiaries who changed provider',
    '每月基金支出': 'Fund spending per month',
    '基金支出与年度预算': 'Fund spending against the annual budget',
    '人均每月基金支出': 'Fund per beneficiary-month',
    '月份': 'Month',
    '新增享受待遇人员': 'New beneficiaries',
    '评估结论到期终止': 'Ended: conclusion expired',
    '死亡终止': 'Ended: death',
    '重新评估等级降低终止': 'Ended: lower conclusion',
    '同区县更换服务机构': 'Changed provider within the district',
    '跨区县更换服务机构': 'Changed provider to another district',
    '已结算基金': 'Settled fund',
    '申报中基金': 'Claimed fund (not yet approved)',
    '本年累计基金支出': 'Fund spent this year to date',
    '按月进度预算': 'Pro-rata budget',
    '年度预算': 'Annual budget',
    '政策草案': 'Policy draft',
    '待遇享受人员按月统计：每月以月末（当月为今日）有效的待遇资格计一人（同一人同一日至多一项有效待遇），按待遇的失能等级、服务形式、服务机构和参保人所属区县分组。': "Beneficiaries per month: each live entitlement in force on the month's last day (today for the current month) counts one person (a person has at most one on a date), by the entitlement's level, care type and provider and the person's district.",
    '新增：本月开始且不接续此前待遇的待遇资格（首次享受或中断后重新享受）；终止：本月最后有效且没有后续待遇接续的待遇资格，按终止原因（评估结论到期、死亡、重新评估等级降低、转出）。当月统计至今日。': 'New: entitlements starting in the month that continue no earlier one (first grants and returns after a lapse). Ended: entitlements whose last day falls in the month and that no other entitlement continues, by end reason (conclusion expired, death, lower conclusion, transferred out). The current month counts up to today.',
    '本月开始、接续同一人另一服务机构待遇的待遇资格：两家机构在变更日所属区县不同计为跨区县，否则计为同区县。参保人住址没有历史记录，搬家本身不在此统计。': "Entitlements starting in the month that continue the same person's entitlement at another provider: counted as another district when the two providers' districts on the day of the change differ, otherwise within the district. A person's address has no dated history, so a move of home alone is not counted here.",
    '按服务月份统计的结算基金（含补记和调整，不含质量保证金返还）：结算已审批或已支付为已结算，草稿、已提交、已审核和退回的为申报中。': 'Settled fund by service month (late and adjustment lines included, deposit releases left out): settled when the settlement is approved or paid; claimed when it is a draft, submitted, audited or returned.',
    '本年累计基金支出（已结算和申报中）与按月进度预算（年度预算 × 月份 ÷ 12，取各月生效的政策版本）比较。某服务形式累计支出超过按月进度预算乘以（1 + 预警阈值）时，在图下给出预算预警。预算为全市预算，不按区县和失能等级筛选。': "Year-to-date fund (settled and claimed) against the pro-rata budget (annual budget × month number ÷ 12, from the policy version in force each month). A budget alert is shown under the figure when a care type's year-to-date fund exceeds its pro-rata budget × (1 + alert margin). The budget is the city's: the figure ignores the district and level filters.",
    '已结算基金 ÷ 待遇享受人月数，按服务形式和失能等级；只计已有已结算基金的月份。': 'Settled fund ÷ beneficiary-months, by care type and level; only months with settled fund are counted.',
    '用上月的服务记录，分别按当月生效的政策版本和政策草案的待遇支付标准计算基金（与月度结算同一计算方法，违规判定按现行规则），显示每个草案最近一次完成的测算；差额 = 草案基金 − 现行政策基金。由医保部门管理员在政策草案测算页发起，后台按机构逐个计算。': "Last month's service records priced under the policy version in force that month and under the policy draft's benefit rates (the monthly settlement's calculation; rule findings as under the rules in force), the latest completed costing of each draft; difference = fund under the draft − fund in force. Started by the MIA administrator on the policy draft costing page and run provider by provider in the background.",
    '预算预警：%(care_type)s截至%(month)s累计基金支出%(spent)s元，超过按月进度预算%(budget)s元的%(margin)s以上': 'Budget alert: %(care_type)s fund spent to %(month)s, %(spent)s yuan, exceeds the pro-rata budget of %(budget)s yuan by more than %(margin)s',
    '在月末（本月为今日）有效的待遇资格人数': "Entitlements in force on the month's last day (today for the current month)",
    '本月开始且不接续其他待遇的待遇资格': 'Entitlements starting in the month that continue none',
    '本月最后有效且无后续待遇的待遇资格，按终止原因': 'Entitlements whose last day falls in the month and that nothing continues, by end reason',
    '本月更换服务机构（跨区县或同区县）的待遇资格': 'Entitlements continuing one at another provider (another district or the same)',
    '按服务月份的结算基金：已审批或已支付为已结算，其余为申报中': 'Settlement fund by service month: settled when approved or paid, otherwise claimed',
})

# ratings leftovers (issue 12): the provider's home-page list of decided rating appeals
EN.update({
    "星级评定申诉结果": "Rating appeal outcomes", "申诉结果": "Outcome",
    "星级（申诉前 → 申诉后）": "Stars (before → after the appeal)", "决定日期": "Decided on",
})

def _kept_translations() -> dict:
    """The translations the catalogue already holds (hand-written ones included), by msgid."""
    if not PO.exists():
        return {}
    with PO.open("rb") as f:
        return {m.id: m.string for m in read_po(f, locale="en") if isinstance(m.id, str) and m.id and m.string}


# the monthly supervision report (issue 13 point 3)
EN.update({
    "监管月报": "Supervision reports", "生成上月监管月报": "Supervision report of the previous month",
    "刷新监管月度汇总数据": "Refresh the supervision monthly figures",
})


def main() -> None:
    pot = ROOT / "build/messages.pot"
    pot.parent.mkdir(exist_ok=True)
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
                    "-k", "_l", "-k", "lazy_gettext", "--ignore-dirs=.venv instance tests build",
                    "-o", str(pot), "."], cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as f:
        catalog = read_po(f, locale="en")
    kept = _kept_translations()
    for message in catalog:
        if message.id and message.id in EN:
            message.string = EN[message.id]
        elif message.id and kept.get(message.id):
            message.string = kept[message.id]
    for msgid in sorted(set(EN) - {m.id for m in catalog}):
        catalog.add(msgid, EN[msgid], auto_comments=["looked up at run time (label, nav entry or policy field)"])
    # entries written into the catalogue by hand (service messages with params, labels) are kept
    for msgid in sorted(set(kept) - {m.id for m in catalog}):
        catalog.add(msgid, kept[msgid], auto_comments=["kept from the catalogue"])
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as f:
        write_po(f, catalog, omit_header=False, width=100)
    done = sum(1 for m in catalog if m.id and m.string)
    print(f"{PO.relative_to(ROOT)}: {done} of {len(catalog)} messages translated")


if __name__ == "__main__":
    main()
