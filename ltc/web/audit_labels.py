"""Words for the audit log's actions, objects and recorded fields (msgids, translated where shown)."""

AUDIT_ACTION_LABELS = {
    "accept": "受理", "accept_review": "受理复评", "activate": "启用", "add_document": "上传材料",
    "approve": "审核通过", "cancel": "撤销", "cancel_on_death": "因死亡撤销", "cancel_with_parent": "随原申请撤销",
    "change_minutes": "修改标准时长", "close": "结束有效期", "conclude": "作出结论",
    "conclude_after_publicity": "公示期满出结论", "conclude_by_review": "复评出结论", "conclude_review": "复评结论",
    "confirm": "专家确认", "confirm_first": "第一位专家确认", "cosign": "评估员签名", "create": "新建",
    "deactivate": "停用", "decline": "拒绝接收", "declare_recusal": "声明回避", "delete": "删除", "dispatch": "派单",
    "end": "结束", "end_tag": "结束标签", "enter_assessment": "录入评估", "file": "提交申请", "final": "评估定稿",
    "finalize": "确认生效", "grant": "核定待遇", "import": "批量导入", "issue": "出具", "issue_token": "签发令牌",
    "list": "查询", "load": "载入", "mark_loaded": "标记已导入", "mark_not_loaded": "标记未导入", "merge": "合并",
    "migrate": "迁移", "normalise_id_number": "规范身份证号", "not_opened": "登记未发起", "object": "提出异议",
    "objection_closed": "异议办结", "open": "发起", "open_reassessment": "发起重新评估", "open_review": "发起复评",
    "publicize": "公示", "publish": "发布", "recompute_due": "重算办理期限", "record_death": "登记死亡",
    "record_self_assessment": "录入自评", "refuse": "不予受理", "reject": "不予通过", "render": "生成文书",
    "reopen": "重新开放", "reopen_after_death_undone": "撤销死亡后重新开放", "resolve": "处理",
    "restore_after_death_undone": "撤销死亡后恢复", "retire": "废止", "retry": "重试", "return": "退回",
    "revoke_token": "吊销令牌", "run": "运行", "schedule": "预约", "reschedule": "改约", "set_agreement": "登记协议",
    "set_beds": "登记床位", "set_care_types": "登记服务形式", "set_category": "变更参保类别",
    "set_daily_price": "登记价格", "set_district": "登记区县", "set_grade": "登记等级", "set_password": "修改密码",
    "set_status": "变更状态", "add_tag": "添加标签", "sign": "签名", "undo_death": "撤销死亡登记", "update": "修改",
    "view": "查看", "view_document": "查看材料", "void_death": "因死亡作废", "withdraw": "撤回",
    "end_death": "因死亡终止", "end_expiry": "到期终止", "end_change": "待遇变更终止", "end_transfer": "转出终止",
    "end_reassessed": "重新评估后终止", "revision_final": "变更生效", "revision_rejected": "变更未通过",
    "revision_replaced": "被新版本替代", "void_transfer": "因转出作废", "reschedule_request": "改约",
}
AUDIT_ENTITY_LABELS = {
    "api_token": "API 令牌", "application": "评估申请", "assessment_ruleset": "评估量表版本",
    "calendar_override": "工作日历调整", "calendar_year": "年度工作日历", "care_plan": "护理计划",
    "care_plan_revision": "护理计划变更", "district": "区县", "entitlement": "待遇资格",
    "entitlement_import": "待遇资格导入", "entitlement_request": "待遇审核", "expert_certificate": "评估专家证书",
    "hospital_stay": "住院记录", "hospital_stay_import": "住院记录导入", "id_number_collision": "身份证号冲突",
    "insured_person": "参保人", "insured_person_import": "参保人导入", "insurer_contract": "承办合同",
    "job": "定时任务", "job_run_unit": "任务执行单元", "notice": "文书", "organisation": "机构",
    "policy_version": "政策参数版本", "review_case": "审核案件", "review_stage": "审核步骤",
    "service_item": "服务项目", "user": "用户",
}
AUDIT_FIELD_LABELS = {
    "status": "状态", "name": "名称", "username": "用户名", "roles": "角色", "org_id": "机构", "kind": "类型",
    "care_type": "服务形式", "care_types": "服务形式", "preferred_care_type": "意向服务形式", "category": "参保类别",
    "tags": "人群标签", "tag": "人群标签", "grade": "机构等级", "decision": "决定", "reason": "原因",
    "reason_code": "原因", "refusal_code": "不予受理原因", "step": "步骤", "return_to": "退回至步骤", "round": "轮次",
    "level": "失能等级", "valid_from": "起始日期", "valid_to": "最后一日", "effective_from": "生效日期",
    "effective_to": "失效日期", "version": "版本", "sex": "性别", "district": "区县", "end_reason": "终止原因",
    "origin": "来源", "frequency_unit": "单位", "owners": "办理机构", "case_type": "案件类型", "subject": "审核对象",
    "on": "日期", "active": "启用", "id_number": "身份证号", "phone": "电话", "address": "地址",
    "reassessment_reason": "重新评估原因", "entitlement_id": "待遇资格", "visit_types": "服务安排", "why": "原因",
    "assessor": "评估员", "visit_id": "上门评估", "text": "说明", "number": "编号", "subject_type": "对象类型",
    "subject_id": "对象编号",
}
#: the label table of a recorded field's values; ``status`` and ``kind`` depend on the entity
FIELD_TABLES = {
    "roles": "role", "care_type": "care_type", "care_types": "care_type", "preferred_care_type": "care_type",
    "category": "category", "tags": "tag", "tag": "tag", "grade": "grade", "decision": "decision",
    "refusal_code": "refusal", "step": "org_kind", "return_to": "org_kind", "sex": "sex",
    "end_reason": "end_reason", "origin": "entitlement_origin", "frequency_unit": "frequency_unit",
    "reassessment_reason": "reassessment_reason", "subject_type": "audit_entity",
}
ENTITY_TABLES = {
    "application": {"status": "application_status", "kind": "application_kind"},
    "review_case": {"status": "case_status"}, "care_plan": {"status": "plan_status"},
    "entitlement_request": {"status": "request_status"}, "insured_person": {"status": "person_status"},
    "organisation": {"status": "org_status", "kind": "org_kind"}, "entitlement": {"status": "entitlement_status"},
    "notice": {"status": "notice_status"},
}
