"""Organisation services: creation rules, editing, dated status and agreement, audit."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from ltc.core.audit import SYSTEM, AuditEntry
from ltc.core.errors import Conflict, ValidationFailed
from ltc.core.periods import periods_of
from ltc.orgs import services
from ltc.orgs.models import AgreementPeriod, Organisation, OrgStatusPeriod
from tests.builders import uscc

NOW = datetime(2026, 3, 16, 2, 0, tzinfo=timezone.utc)


def new_org(session, kind="agency", n=501, **kw):
    kw.setdefault("name", f"机构{n}")
    return services.create_org(session, actor=SYSTEM, now=NOW, kind=kind, uscc=uscc(n), **kw)


def audit_rows(session, org_id, action=None):
    stmt = select(AuditEntry).where(AuditEntry.entity == "organisation",
                                    AuditEntry.entity_id == str(org_id)).order_by(AuditEntry.id)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    return list(session.scalars(stmt))


def test_create_org_stores_the_normalised_uscc_and_opens_the_active_status(session):
    code = uscc(502)
    org = services.create_org(session, actor=SYSTEM, now=NOW, kind="provider", name=" 颐和护理院 ",
                              uscc=code.lower(), active_from=date(2026, 1, 1))
    assert (org.uscc, org.name, org.kind) == (code, "颐和护理院", "provider")
    assert services.status_on(session, org, date(2026, 1, 1)) == "active"
    assert services.status_on(session, org, date(2025, 12, 31)) is None
    [row] = audit_rows(session, org.id, "create")
    assert row.after["uscc"] == code and row.after["kind"] == "provider"


def test_invalid_uscc_is_refused_with_a_chinese_message_and_nothing_is_created(session):
    with pytest.raises(ValidationFailed, match="校验位不正确") as caught:
        services.create_org(session, actor=SYSTEM, now=NOW, kind="agency", name="甲",
                            uscc="91110000802100433A")
    assert caught.value.fields == {"uscc": "invalid"}
    assert session.scalar(select(Organisation).where(Organisation.name == "甲")) is None


def test_a_uscc_already_held_by_another_organisation_is_a_conflict(session):
    new_org(session, n=503)
    with pytest.raises(Conflict, match="已被其他机构使用"):
        new_org(session, n=503, name="另一家")


def test_unknown_kind_is_refused(session):
    with pytest.raises(ValidationFailed, match="机构类型无效"):
        new_org(session, kind="hospital")


def test_there_is_only_one_mia(session):
    new_org(session, kind="mia", n=520)
    with pytest.raises(Conflict, match="已有医保经办机构"):
        new_org(session, kind="mia", n=521)


def test_an_insurer_is_created_without_districts_they_are_its_contracts(session):
    from ltc.orgs.models import InsurerContract

    insurer = new_org(session, kind="insurer", n=506)
    assert session.scalars(select(InsurerContract).where(InsurerContract.insurer_id == insurer.id)).all() == []
    with pytest.raises(TypeError):
        new_org(session, kind="insurer", n=505, districts=["东城区"])


def test_update_org_edits_facts_but_never_the_kind(session):
    org = new_org(session, n=507)
    services.update_org(session, org, actor=SYSTEM, now=NOW, name="新名称", uscc=uscc(508),
                        address="民生路 1 号")
    assert (org.name, org.uscc, org.address, org.kind) == ("新名称", uscc(508), "民生路 1 号", "agency")
    [row] = audit_rows(session, org.id, "update")
    assert row.before == {"name": "机构507", "uscc": uscc(507), "address": None}
    assert row.after == {"name": "新名称", "uscc": uscc(508), "address": "民生路 1 号"}
    with pytest.raises(TypeError):
        services.update_org(session, org, actor=SYSTEM, now=NOW, name="x", uscc=uscc(508),
                            kind="provider")


def test_update_org_may_keep_its_own_uscc_but_not_take_another(session):
    org = new_org(session, n=509)
    other = new_org(session, n=510)
    services.update_org(session, org, actor=SYSTEM, now=NOW, name="同码", uscc=org.uscc)
    with pytest.raises(Conflict):
        services.update_org(session, org, actor=SYSTEM, now=NOW, name="同码", uscc=other.uscc)


def test_status_history_answers_what_was_true_on_a_date(session):
    org = new_org(session, n=511, active_from=date(2025, 1, 1))
    services.set_status(session, org, actor=SYSTEM, now=NOW, status="suspended", valid_from=date(2026, 2, 1))
    services.set_status(session, org, actor=SYSTEM, now=NOW, status="active", valid_from=date(2026, 3, 1))
    on = {d: services.status_on(session, org, d) for d in
          (date(2024, 12, 31), date(2025, 6, 1), date(2026, 1, 31), date(2026, 2, 1), date(2026, 2, 28),
           date(2026, 3, 1), date(2030, 1, 1))}
    assert on == {date(2024, 12, 31): None, date(2025, 6, 1): "active", date(2026, 1, 31): "active",
                  date(2026, 2, 1): "suspended", date(2026, 2, 28): "suspended",
                  date(2026, 3, 1): "active", date(2030, 1, 1): "active"}
    spans = [(p.valid_from, p.valid_to, p.status) for p in org_statuses(session, org)]
    assert spans == [(date(2025, 1, 1), date(2026, 2, 1), "active"),
                     (date(2026, 2, 1), date(2026, 3, 1), "suspended"),
                     (date(2026, 3, 1), None, "active")]
    rows = audit_rows(session, org.id, "set_status")
    assert [(r.before["status"], r.after["status"]) for r in rows] == [("active", "suspended"),
                                                                      ("suspended", "active")]


def test_setting_the_status_already_in_force_is_refused(session):
    org = new_org(session, n=512, active_from=date(2025, 1, 1))
    with pytest.raises(ValidationFailed, match="无需变更"):
        services.set_status(session, org, actor=SYSTEM, now=NOW, status="active", valid_from=date(2026, 1, 1))


def test_a_status_from_the_same_day_as_the_open_period_corrects_it(session):
    org = new_org(session, n=513, active_from=date(2026, 1, 1))
    services.set_status(session, org, actor=SYSTEM, now=NOW, status="exited", valid_from=date(2026, 1, 1))
    assert [(p.valid_from, p.valid_to, p.status) for p in org_statuses(session, org)] == [
        (date(2026, 1, 1), None, "exited")]


def org_statuses(session, org):
    return periods_of(session, OrgStatusPeriod, org_id=org.id)


def test_a_status_change_before_a_later_period_is_a_conflict(session):
    org = new_org(session, n=514, active_from=date(2025, 1, 1))
    services.set_status(session, org, actor=SYSTEM, now=NOW, status="exited", valid_from=date(2026, 6, 1))
    with pytest.raises(Conflict, match="重叠"):
        services.set_status(session, org, actor=SYSTEM, now=NOW, status="suspended",
                            valid_from=date(2026, 3, 1))


def test_unknown_status_is_refused(session):
    org = new_org(session, n=515)
    with pytest.raises(ValidationFailed):
        services.set_status(session, org, actor=SYSTEM, now=NOW, status="closed", valid_from=date(2026, 1, 1))


def test_agreements_follow_each_other_and_never_overlap(session):
    org = new_org(session, n=516)
    services.set_agreement(session, org, actor=SYSTEM, now=NOW, agreement_no="XY-1",
                           valid_from=date(2024, 1, 1), valid_to=date(2026, 1, 1))
    services.set_agreement(session, org, actor=SYSTEM, now=NOW, agreement_no=" XY-2 ",
                           valid_from=date(2026, 1, 1))
    spans = [(p.agreement_no, p.valid_from, p.valid_to)
             for p in periods_of(session, AgreementPeriod, org_id=org.id)]
    assert spans == [("XY-1", date(2024, 1, 1), date(2026, 1, 1)), ("XY-2", date(2026, 1, 1), None)]
    with pytest.raises(Conflict):
        services.set_agreement(session, org, actor=SYSTEM, now=NOW, agreement_no="XY-0",
                               valid_from=date(2025, 6, 1), valid_to=date(2025, 12, 1))
    with pytest.raises(ValidationFailed, match="结束日期必须晚于开始日期"):
        services.set_agreement(session, org, actor=SYSTEM, now=NOW, agreement_no="XY-9",
                               valid_from=date(2030, 1, 1), valid_to=date(2029, 1, 1))
    assert len(audit_rows(session, org.id, "set_agreement")) == 2


def test_an_open_agreement_ends_where_a_new_one_starts(session):
    org = new_org(session, n=517)
    services.set_agreement(session, org, actor=SYSTEM, now=NOW, agreement_no="A", valid_from=date(2024, 1, 1))
    services.set_agreement(session, org, actor=SYSTEM, now=NOW, agreement_no="B", valid_from=date(2026, 1, 1),
                           valid_to=date(2029, 1, 1))
    first, second = periods_of(session, AgreementPeriod, org_id=org.id)
    assert (first.valid_to, second.valid_to) == (date(2026, 1, 1), date(2029, 1, 1))
    row = audit_rows(session, org.id, "set_agreement")[-1]
    assert row.before["agreement_no"] == "A" and row.after["agreement_no"] == "B"


def test_search_lists_todays_status_and_filters_by_kind_and_name(session, world):
    mia_admin = world.users["mia_admin"]
    services.set_status(session, world.provider2, actor=SYSTEM, now=NOW, status="suspended",
                        valid_from=date(2026, 3, 1))
    page = services.search_orgs(session, mia_admin, day=date(2026, 3, 16), kind="provider")
    assert {(o.name, status) for o, status in page.items} == {("居家护理甲", "active"), ("养老院乙", "suspended")}
    page = services.search_orgs(session, mia_admin, day=date(2026, 2, 1), text="养老")
    assert [(o.name, status) for o, status in page.items] == [("养老院乙", "active")]
    page = services.search_orgs(session, mia_admin, day=date(2026, 3, 16), text=world.agency.uscc)
    assert [o.name for o, _ in page.items] == ["评估机构甲"]


def test_search_is_scoped_to_the_viewers_organisation_outside_the_mia(session, world):
    page = services.search_orgs(session, world.users["pr_admin"], day=date(2026, 3, 16))
    assert [o.id for o, _ in page.items] == [world.provider.id]
