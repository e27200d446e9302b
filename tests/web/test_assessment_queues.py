"""Work queues per role (SPEC §3.1): who sees which applications, SLA colouring, filters, exports."""
import pytest

from ltc.auth.services import actor_of
from ltc.assessment.applications.services import evaluation
from ltc.core.clock import utcnow
from ltc.people.models import InsuredPerson
from tests import assessment_builders as ab
from tests import assessment_web_builders as wb
from tests.conftest import NOW, login


@pytest.fixture
def c(shared_cast):
    return shared_cast


def queue(client, name, **args):
    return client.get(f"/assessment/queues/{name}", query_string=args)


def test_insurer_operator_queues_hold_submitted_and_accepted_applications(client, session, c):
    new = wb.submitted(session, c)
    taken = wb.accepted(session, c)
    login(client, "ins_op")
    assert wb.row_ids(queue(client, "to_accept")) == [new.id]
    assert wb.row_ids(queue(client, "to_dispatch")) == [taken.id]
    assert sorted(wb.row_ids(queue(client, "all"))) == sorted([new.id, taken.id])
    page = wb.html(queue(client, "to_accept"))
    assert "王五" in page and "data-testid=\"tab-to_dispatch\"" in page


def test_the_index_opens_the_first_queue_of_the_role(client, c):
    login(client, "ag1_admin")
    assert client.get("/assessment/").headers["Location"].endswith("/assessment/queues/to_schedule")


def test_an_insurer_does_not_see_applications_outside_its_districts(client, session, c):
    elsewhere = wb.submitted(session, c, by="pr_op", district="朝阳区")
    mine = wb.submitted(session, c)
    login(client, "ins_op")
    assert wb.row_ids(queue(client, "to_accept")) == [mine.id]
    assert client.get(f"/assessment/{elsewhere.id}").status_code == 404
    exported = wb.parse_csv(queue(client, "all", format="csv"))
    assert [row[0] for row in exported[1:]] == [f"SQ-{mine.submitted_on.year}-{mine.id:06d}"]


def test_an_agency_sees_only_the_applications_dispatched_to_it(client, session, c):
    ours, theirs = wb.dispatched(session, c, agency=0), wb.dispatched(session, c, agency=1)
    booked = wb.scheduled(session, c, agency=0)
    login(client, "ag1_admin")
    assert wb.row_ids(queue(client, "to_schedule")) == [ours.id]
    assert wb.row_ids(queue(client, "scheduled")) == [booked.id]
    assert client.get(f"/assessment/{theirs.id}").status_code == 404
    assert client.get(f"/assessment/{ours.id}").status_code == 200


def test_assessor_queues_follow_the_visit_the_record_and_the_certificate(client, session, c):
    a = c.agencies[0]
    visit = wb.scheduled(session, c)
    record = wb.entered(session, c)
    done = wb.assessed(session, c)
    other_agency = wb.assessed(session, c, agency=1)
    session.commit()

    login(client, "ag1_e1")  # on site of every visit of agency 1, entered each record
    assert wb.row_ids(queue(client, "to_assess")) == [visit.id]
    assert wb.row_ids(queue(client, "to_cosign")) == []
    assert wb.row_ids(queue(client, "to_confirm")) == [done.id]      # an on-site expert may confirm
    wb.switch_to(client, "ag1_a")  # the non-expert on site
    assert wb.row_ids(queue(client, "to_cosign")) == [record.id]
    assert wb.row_ids(queue(client, "to_confirm")) == []             # no certificate
    wb.switch_to(client, "ag1_e2")  # an expert not on site
    assert wb.row_ids(queue(client, "to_assess")) == []
    assert wb.row_ids(queue(client, "to_confirm")) == [done.id]
    evaluation.confirm(session, done.id, actor=actor_of(a.experts[1]), now=utcnow())
    session.commit()
    assert wb.row_ids(queue(client, "to_confirm")) == []             # confirmed by me already
    assert other_agency.id not in wb.row_ids(queue(client, "all"))


def test_a_provider_sees_the_applications_it_filed(client, session, c):
    ours = wb.submitted(session, c, by="pr_op")
    insurers = wb.submitted(session, c)
    login(client, "pr_op")
    assert wb.row_ids(queue(client, "filed")) == [ours.id]
    assert client.get(f"/assessment/{insurers.id}").status_code == 404
    wb.switch_to(client, "pr2_op")
    assert wb.row_ids(queue(client, "filed")) == []
    assert client.get(f"/assessment/{ours.id}").status_code == 404


def test_the_mia_sees_everything_read_only(client, session, c):
    apps = [wb.submitted(session, c), wb.submitted(session, c, by="pr_op", district="朝阳区")]
    login(client, "mia_op")
    assert sorted(wb.row_ids(queue(client, "all"))) == sorted(a.id for a in apps)
    page = wb.html(client.get(f"/assessment/{apps[0].id}"))
    assert 'data-testid="no-actions"' in page and "accept-form" not in page


@pytest.mark.parametrize("username,name,status", [("ins_op", "to_schedule", 403), ("ag1_admin", "to_accept", 403),
                                                  ("pr_op", "to_dispatch", 403), ("ins_op", "nonsense", 404),
                                                  ("pr_carer", "all", 403)])
def test_queues_of_other_roles_are_refused(client, c, username, name, status):
    login(client, username)
    assert queue(client, name).status_code == status


def test_overdue_rows_are_flagged_and_can_be_shown_alone(client, session, c):
    late = wb.submitted(session, c, now=NOW)                            # due in March 2026
    soon = wb.submitted(session, c, now=ab.at(wb.day_due_soon(session)))
    fresh = wb.submitted(session, c)
    login(client, "ins_op")
    response = queue(client, "to_accept")
    assert wb.row_ids(response) == [late.id, soon.id, fresh.id]      # most urgent first
    assert wb.row_sla(response) == {late.id: "overdue", soon.id: "due_soon", fresh.id: "ok"}
    page = wb.html(response)
    assert f'class="table-danger" data-testid="queue-row" data-application="{late.id}"' in page
    assert f'class="table-warning" data-testid="queue-row" data-application="{soon.id}"' in page
    assert wb.row_ids(queue(client, "to_accept", overdue="y")) == [late.id]


def test_a_paused_clock_is_not_overdue(client, session, c):
    app = wb.accepted(session, c, now=NOW)
    login(client, "ins_op")
    assert wb.row_sla(queue(client, "to_dispatch")) == {app.id: "overdue"}
    app.paused_since = wb.today()
    session.commit()
    assert wb.row_sla(queue(client, "all")) == {app.id: "ok"}


def test_filters_by_district_and_status(client, session, c):
    east = wb.submitted(session, c, district="东城区")
    west = wb.accepted(session, c, district="西城区")
    login(client, "ins_op")
    assert wb.row_ids(queue(client, "all", district="西城区")) == [west.id]
    assert wb.row_ids(queue(client, "all", status="submitted")) == [east.id]
    assert sorted(wb.row_ids(queue(client, "all", status="bogus"))) == sorted([east.id, west.id])


def test_queues_are_paginated(client, session, c, app, monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    ids = [wb.submitted(session, c).id for _ in range(3)]
    login(client, "ins_op")
    first, second = queue(client, "to_accept"), queue(client, "to_accept", page=2)
    assert wb.row_ids(first) + wb.row_ids(second) == ids
    assert 'data-testid="pager"' in wb.html(first)


def test_a_queue_exports_to_csv_and_xlsx_with_masked_id_numbers(client, session, c):
    late = wb.submitted(session, c, now=NOW, name="赵六")
    fresh = wb.submitted(session, c, name="钱七")
    login(client, "ins_op")
    response = queue(client, "to_accept", format="csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = wb.parse_csv(response)
    assert rows[0][:6] == ["申请编号", "类型", "状态", "参保人", "身份证号", "区县"]
    assert [r[3] for r in rows[1:]] == ["赵六", "钱七"]
    assert [r[rows[0].index("时限状态")] for r in rows[1:]] == ["已超期", "正常"]
    assert all(r[4].startswith("1101") and "**********" in r[4] for r in rows[1:])
    assert rows[1][0] == f"SQ-2026-{late.id:06d}"

    sheet = wb.parse_xlsx(queue(client, "to_accept", format="xlsx", overdue="y"))
    assert sheet[0][:4] == ("申请编号", "类型", "状态", "参保人")
    assert [r[3] for r in sheet[1:]] == ["赵六"]
    assert fresh.id != late.id


def test_workload_counts_open_visits_this_month_and_pending_cosigns(client, session, c):
    a = c.agencies[0]
    wb.scheduled(session, c)
    wb.entered(session, c)
    wb.assessed(session, c)
    session.commit()
    login(client, "ag1_admin")
    response = client.get("/assessment/workload")
    page = wb.html(response)

    def numbers(user):
        block = page.split(f'data-user="{user.id}"', 1)[1].split("</tr>", 1)[0]
        return [int(n) for n in __import__("re").findall(r'data-testid="[a-z-]+">(\d+)<', block)]

    assert numbers(a.experts[0]) == [2, 3, 0]    # open: the two not yet co-signed; month: all three
    assert numbers(a.assessor) == [2, 3, 1]      # one entered record waits for the co-signature
    assert numbers(a.experts[1]) == [0, 0, 0]
    rows = wb.parse_csv(client.get("/assessment/workload", query_string={"format": "csv"}))
    assert rows[0] == ["评估人员", "在办上门评估", "本月上门评估", "待会签"]
    assert [a.assessor.full_name, "2", "3", "1"] in rows
    wb.switch_to(client, "ag1_e1")
    assert client.get("/assessment/workload").status_code == 403


def test_the_publicity_list_shows_masks_only_to_every_user(client, session, c):
    app = wb.publicized_today(session, c, name="李四光")
    session.commit()
    login(client, "pr_carer")
    response = client.get("/assessment/publicity")
    page = wb.html(response)
    assert response.status_code == 200 and page.count('data-testid="publicity-row"') == 1
    assert "李*光" in page and "李四光" not in page
    assert str(app.publicity_start) in page and "评估机构甲" in page
    rows = wb.parse_csv(client.get("/assessment/publicity", query_string={"format": "csv"}))
    assert rows[1][:3] == ["李*光", rows[1][1], "3"] and "*" in rows[1][1]


def test_the_home_page_lists_the_queues_with_counts(client, session, c):
    wb.submitted(session, c, now=NOW)
    wb.submitted(session, c)
    login(client, "ins_op")
    page = wb.html(client.get("/"))
    assert "评估申请待办" in page
    block = page.split("评估申请待办", 1)[1].split("</table>", 1)[0]
    assert '<td><a href="/assessment/queues/to_accept">待受理</a></td><td>2</td><td>1</td>' in block


def test_a_queue_finds_an_application_by_name_id_number_or_application_number(client, session, c):
    wang = wb.submitted(session, c, name="王五")
    zhao = wb.submitted(session, c, name="赵六")
    zhao_id = session.get(InsuredPerson, zhao.person_id).id_number
    session.commit()
    login(client, "ins_op")
    assert wb.row_ids(queue(client, "to_accept", q="赵")) == [zhao.id]
    assert wb.row_ids(queue(client, "all", q=zhao_id)) == [zhao.id]
    assert wb.row_ids(queue(client, "all", q=zhao_id[-6:])) == [zhao.id]
    number = f"SQ-{wang.submitted_on.year}-{wang.id:06d}"
    assert wb.row_ids(queue(client, "all", q=number.lower())) == [wang.id]
    page = wb.html(queue(client, "to_accept", q="赵"))
    assert 'value="赵"' in page
