"""Filing an application (SPEC §3.1): who may file, applicant data, self-assessment, documents."""
from datetime import date

import pytest
from sqlalchemy import select

from ltc.assessment.applications.services import intake
from ltc.assessment.applications.models import Application, ApplicationDocument, ApplicationEvent
from ltc.assessment.applications.services.documents import MAX_BYTES, open_document, store_document
from ltc.core.audit import AuditEntry
from ltc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ltc.people import services as people
from tests.assessment_builders import ANSWERS_D, ANSWERS_E, file
from tests.conftest import NOW
from tests.people_builders import person
from tests.assessment_builders import past_conclusion
from tests.entitlement_builders import grant

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture
def c(shared_cast):
    return shared_cast


def test_an_insurer_operator_files_an_application_for_a_person_of_its_district(session, c):
    app = file(session, c, care_type="home", provider_id=c.world.provider.id,
               bank=intake.BankAccount(holder="李小光", bank="工商银行", account_no="6222 0000 1111 2222"))
    assert app.status == "submitted" and app.kind == "initial"
    assert app.submitted_on == date(2026, 3, 16)
    assert app.acceptance_due_on == date(2026, 3, 23)          # 5 working days after Monday 16 March
    assert app.filed_by_org_id == c.world.insurer.id
    assert (app.self_assessment.a_count, app.self_assessment.b_count, app.self_assessment.grade) == (3, 0, "E")
    assert app.bank_account_no == "6222000011112222"
    [event] = app.events
    assert (event.from_status, event.to_status, event.action) == (None, "submitted", "file")
    assert session.scalar(select(AuditEntry).where(AuditEntry.entity == "application",
                                                   AuditEntry.entity_id == str(app.id))).action == "file"


def test_a_provider_operator_files_for_any_insured_person(session, c):
    far = person(session, 7, name="王五", district="朝阳区")
    app = file(session, c, by="pr_op", person_id=far.id)
    assert app.filed_by_org_id == c.world.provider.id and app.status == "submitted"


@pytest.mark.parametrize("username", ["mia_admin", "mia_op", "ins_admin", "ins_rev", "ag_admin", "ag_assessor",
                                      "pr_admin", "pr_carer"])
def test_other_roles_may_not_file(session, c, username):
    with pytest.raises(Forbidden):
        file(session, c, by=username)
    assert session.scalar(select(Application.id)) is None


def test_an_insurer_cannot_file_outside_its_districts(session, c):
    far = person(session, 7, name="王五", district="朝阳区")
    with pytest.raises(NotFound):
        file(session, c, person_id=far.id)


def test_only_an_insurer_orders_a_reassessment_and_it_names_the_reason(session, c):
    with pytest.raises(Forbidden):
        file(session, c, by="pr_op", kind="reassessment", reassessment_reason="follow_up")
    with pytest.raises(ValidationFailed) as caught:
        file(session, c, kind="reassessment")
    assert "reassessment_reason" in caught.value.fields
    with pytest.raises(ValidationFailed):
        file(session, c, kind="review")
    grant(session, c.persons[0], c.world.provider, care_type="home",
          conclusion_of=past_conclusion(session, c.persons[0].id, date(2025, 6, 1)))   # a beneficiary (SPEC §3.1)
    app = file(session, c, kind="reassessment", reassessment_reason="follow_up")
    assert (app.kind, app.reassessment_reason) == ("reassessment", "follow_up")


def test_a_deceased_person_cannot_apply(session, c):
    people.record_death(session, c.persons[0], death_date=date(2026, 3, 1), actor=c.ins, now=NOW)
    with pytest.raises(Conflict):
        file(session, c)


def test_bad_applicant_data_is_refused_with_the_fields_named(session, c):
    bad = intake.Applicant(name="", relation="neighbour", phone="call me", id_number="110101195001010000")
    with pytest.raises(ValidationFailed) as caught:
        intake.file_application(session, actor=c.ins, now=NOW, person_id=c.persons[0].id, applicant=bad,
                                declared_disability_6m=True, self_assessment=ANSWERS_E)
    assert set(caught.value.fields) == {"applicant.name", "applicant.relation", "applicant.phone",
                                        "applicant.id_number"}
    assert session.scalar(select(Application.id)) is None


@pytest.mark.parametrize("extra,field", [
    ({"care_type": "luxury"}, "care_type"),
    ({"provider_id": -1}, "provider_id"),
    ({"bank": intake.BankAccount(holder="李小光", bank="", account_no="12ab")}, "bank.account_no"),
    ({"bank": intake.BankAccount(holder="李小光", bank="工行", account_no="６２２２０００１１１")}, "bank.account_no"),
    ({"answers": {"feeding": "dependent"}}, "self_assessment.bathing"),
])
def test_bad_preferences_bank_or_self_assessment_are_refused(session, c, extra, field):
    with pytest.raises(ValidationFailed) as caught:
        file(session, c, **extra)
    assert field in caught.value.fields


def test_the_agencys_id_is_not_a_provider(session, c):
    with pytest.raises(ValidationFailed):
        file(session, c, provider_id=c.world.agency.id)


def test_the_self_assessment_is_replaced_while_submitted(session, c):
    app = file(session, c)
    row = intake.record_self_assessment(session, app.id, ANSWERS_D, actor=c.ins, now=NOW)
    session.refresh(app)
    assert app.self_assessment.grade == "D" and row.id == app.self_assessment.id
    assert [e.action for e in app.events] == ["file", "record_self_assessment"]
    with pytest.raises(NotFound):
        intake.record_self_assessment(session, app.id, ANSWERS_E, actor=c.actor("pr_op"), now=NOW)
    with pytest.raises(Forbidden):
        intake.record_self_assessment(session, app.id, ANSWERS_E, actor=c.actor("ins_rev"), now=NOW)


# --- documents -----------------------------------------------------------------------------

@pytest.mark.parametrize("data,content_type", [(PDF, "application/pdf"), (PNG, "image/png"), (JPG, "image/jpeg")])
def test_documents_are_typed_by_content_and_stored_outside_the_web_root(tmp_path, data, content_type):
    stored = store_document(data, "../../etc/诊断证明.bin", root=tmp_path)
    assert stored.content_type == content_type and stored.size == len(data)
    assert stored.file_name == "诊断证明.bin"
    assert (tmp_path / stored.storage_path).read_bytes() == data
    assert stored.storage_path.startswith(stored.sha256[:2] + "/")


@pytest.mark.parametrize("data,name,problem", [
    (b"<html><script>alert(1)</script></html>", "report.pdf", "PDF、JPG 或 PNG"),
    (b"MZ\x90\x00 executable", "scan.png", "PDF、JPG 或 PNG"),
    (b"", "empty.pdf", "为空"),
    (b"%PDF-" + b"0" * MAX_BYTES, "big.pdf", "10 MB"),
])
def test_other_content_empty_or_oversized_files_are_refused(tmp_path, data, name, problem):
    with pytest.raises(ValidationFailed) as caught:
        store_document(data, name, root=tmp_path)
    assert problem in caught.value.message and set(caught.value.fields) == {"documents"}
    assert list(tmp_path.iterdir()) == []


def test_a_file_of_exactly_10_mb_is_accepted(tmp_path):
    assert store_document(b"%PDF-" + b"0" * (MAX_BYTES - 5), "big.pdf", root=tmp_path).size == MAX_BYTES


def test_documents_are_attached_and_served_only_within_scope(session, c, tmp_path):
    app = file(session, c, documents=[store_document(PDF, "出院小结.pdf", root=tmp_path)])
    intake.add_document(session, app.id, store_document(PNG, "照片.png", root=tmp_path), actor=c.ins, now=NOW)
    docs = session.scalars(select(ApplicationDocument).where(ApplicationDocument.application_id == app.id)
                           .order_by(ApplicationDocument.id)).all()
    assert [d.file_name for d in docs] == ["出院小结.pdf", "照片.png"]
    doc, path = open_document(session, c.world.users["ins_op"], docs[0].id, now=NOW, root=tmp_path)
    assert path.read_bytes() == PDF
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "view_document")) is not None
    for outsider in ("pr_op", "ag_admin", "pr2_op"):
        with pytest.raises(NotFound):
            open_document(session, c.world.users[outsider], docs[0].id, now=NOW, root=tmp_path)
    assert "add_document" in [e.action for e in session.scalars(select(ApplicationEvent))]


def test_the_filing_provider_sees_its_documents_but_not_its_carers(session, c, tmp_path):
    app = file(session, c, by="pr_op", documents=[store_document(JPG, "a.jpg", root=tmp_path)])
    doc = app.documents[0]
    assert open_document(session, c.world.users["pr_admin"], doc.id, now=NOW, root=tmp_path)[0] is doc
    with pytest.raises(NotFound):
        open_document(session, c.world.users["pr_carer"], doc.id, now=NOW, root=tmp_path)

