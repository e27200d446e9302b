"""English wording for the UI (partial catalogue). `python scripts/en_terms.py` refreshes
ltc/translations/en/LC_MESSAGES/messages.po from the sources, keeping these translations."""
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
}

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "ltc/translations/en/LC_MESSAGES/messages.po"


def main() -> None:
    pot = ROOT / "build/messages.pot"
    pot.parent.mkdir(exist_ok=True)
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
                    "-k", "_l", "-k", "lazy_gettext", "--ignore-dirs=.venv instance tests build",
                    "-o", str(pot), "."], cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as f:
        catalog = read_po(f, locale="en")
    for message in catalog:
        if message.id and message.id in EN:
            message.string = EN[message.id]
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as f:
        write_po(f, catalog, omit_header=False, width=100)
    done = sum(1 for m in catalog if m.id and m.string)
    print(f"{PO.relative_to(ROOT)}: {done} of {len(catalog) - 1} messages translated")


if __name__ == "__main__":
    main()
