"""Per-procedure workflows: inter-agency opinions, pauses, results prepared outside, hand-over,
and the apology the system drafts for a dossier running late."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader
from rest_framework.test import APIClient
from weasyprint import HTML

from motcua.accounts.models import Role
from motcua.backoffice import tasks
from motcua.backoffice.models import Apology
from motcua.catalog.models import StepKind, WorkflowStep
from motcua.core.calendar import add_working_days
from motcua.core.models import AuditEntry
from motcua.dossiers import services, workflow
from motcua.dossiers.models import Consultation, Dossier, Status
from tests.factories import dossier_in, official, signature_status, stored

HUE = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def processing(staff, marriage, citizen, province):
    marriage.processing_days = 10
    marriage.save()
    dossier = dossier_in(marriage, citizen, province["commune_a"], Status.PROCESSING)
    Dossier.objects.filter(pk=dossier.pk).update(assignee=staff[("commune_a", Role.SPECIALIST)])
    return Dossier.objects.get(pk=dossier.pk)


@pytest.fixture
def justice_people(province):
    return {role: official(province["justice"], role, f"tuphap-{role}") for role in Role.values}


def consult(dossier, staff, agency, question="Xác nhận hộ tịch của người nước ngoài"):
    return services.perform(
        dossier,
        "consult",
        staff[("commune_a", Role.SPECIALIST)],
        reason=question,
        agency=agency,
    )


def test_an_opinion_round_trip_through_pages(processing, staff, province, justice_people, client):
    consult(processing, staff, province["justice"])
    processing.refresh_from_db()
    assert processing.status == Status.CONSULTING
    asked = Consultation.objects.get()
    # The Department of Justice has a fifth of the 10 days by default: 2 working days.
    assert asked.due_date == add_working_days(timezone.localdate(), 2)

    specialist = justice_people[Role.SPECIALIST]
    client.force_login(specialist)
    inbox = client.get("/mot-cua/", {"tab": "consultations"}).content.decode()
    assert processing.code in inbox
    page = client.get(f"/mot-cua/lien-thong/{asked.pk}/")
    assert page.status_code == 200 and "Xác nhận hộ tịch" in page.content.decode()
    assert client.get(f"/mot-cua/ho-so/{processing.code}/").status_code == 404, (
        "the opinion gives no access to the rest of another agency's dossier"
    )
    empty = client.post(f"/mot-cua/lien-thong/{asked.pk}/", {"opinion": ""})
    assert empty.status_code == 400
    client.post(f"/mot-cua/lien-thong/{asked.pk}/", {"opinion": "Không có vướng mắc"})

    processing.refresh_from_db()
    asked.refresh_from_db()
    assert processing.status == Status.PROCESSING
    assert asked.opinion == "Không có vướng mắc" and asked.answered_by == specialist
    assert client.get(f"/mot-cua/lien-thong/{asked.pk}/").status_code == 404, "answered once"
    logged = AuditEntry.objects.filter(object_ref=processing.code, actor=specialist)
    assert {"dossier.view", "dossier.status"} <= set(logged.values_list("action", flat=True))


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.SUPERVISOR])
def test_who_may_answer_an_opinion_through_the_api(
    role, processing, staff, province, justice_people
):
    """Only the consulted agency's specialists, heads and leaders answer; nobody else can.
    Those who may not are tried first, while the opinion is still awaited."""
    consult(processing, staff, province["justice"])
    api = APIClient()
    for person, may in [
        (staff[("commune_a", role)], False),
        (staff[("commune_b", role)], False),
        (justice_people[role], role in (Role.SPECIALIST, Role.HEAD_OF_DIVISION, Role.LEADER)),
    ]:
        api.force_authenticate(person)
        response = api.post(
            f"/api/v1/dossiers/{processing.code}/transitions",
            {"action": "give_opinion", "comment": "Đồng ý"},
            format="json",
        )
        processing.refresh_from_db()
        if may:
            assert response.status_code == 200, response.content
            assert processing.status == Status.PROCESSING
            continue
        assert response.status_code in (403, 404), (person, response.content)
        assert processing.status == Status.CONSULTING


def test_asking_ones_own_agency_or_nobody_is_refused(processing, staff, province):
    for agency in (None, province["commune_a"]):
        with pytest.raises(ValidationError):
            consult(processing, staff, agency)
    processing.refresh_from_db()
    assert processing.status == Status.PROCESSING and not Consultation.objects.exists()


def test_a_procedures_own_workflow_names_who_is_consulted_and_shares_the_time(
    processing, staff, province
):
    procedure = processing.procedure
    for position, (kind, share, agency) in enumerate(
        [
            (StepKind.PROCESS, 40, None),
            (StepKind.CONSULT, 30, province["justice"]),
            (StepKind.REVIEW, 10, None),
            (StepKind.APPROVE, 10, None),
            (StepKind.RETURN, 10, None),
        ]
    ):
        WorkflowStep.objects.create(
            procedure=procedure, position=position, kind=kind, share=share, consulted_agency=agency
        )
    received = datetime.date(2025, 3, 3)  # a Monday; 10 working days end on Monday 17 March
    processing.accepted_at = datetime.datetime(2025, 3, 3, 9, tzinfo=HUE)
    processing.due_date = add_working_days(received, 10)
    steps = workflow.plan(processing)
    assert [(s.kind, s.share) for s in steps] == [
        ("process", 40),
        ("consult", 30),
        ("review", 10),
        ("approve", 10),
        ("return", 10),
    ]
    assert [s.due_date.day for s in steps] == [7, 12, 13, 14, 17]
    assert steps[-1].due_date == processing.due_date and steps[1].agency == province["justice"]
    from motcua.dossiers.queries import consultable_agencies

    assert list(consultable_agencies(processing)) == [province["justice"]]
    consult(processing, staff, province["justice"])
    assert Consultation.objects.get().due_date == add_working_days(timezone.localdate(), 3)


def test_a_procedure_without_steps_follows_the_default_path(processing):
    processing.accepted_at = datetime.datetime(2025, 3, 3, 9, tzinfo=HUE)
    processing.due_date = add_working_days(datetime.date(2025, 3, 3), 10)
    steps = workflow.plan(processing)
    assert [s.kind for s in steps] == ["process", "review", "approve", "return"]
    assert sum(s.share for s in steps) == 100 and steps[-1].due_date == processing.due_date


def test_a_pause_stops_the_clock_and_resuming_gives_the_days_back(processing, staff, province):
    leader = staff[("commune_a", Role.LEADER)]
    today = timezone.localdate()
    processing.due_date = add_working_days(today, 6)
    processing.save()
    with pytest.raises(ValidationError):
        services.perform(processing, "pause", leader, reason=" ")
    services.perform(processing, "pause", leader, reason="Chờ kết quả giám định")
    processing.refresh_from_db()
    assert processing.status == Status.PAUSED
    assert processing.pauses.get().remaining_days == 6
    with pytest.raises(workflow.TransitionRefused):
        services.perform(processing, "send_for_review", staff[("commune_a", Role.SPECIALIST)])
    services.perform(processing, "resume", leader)
    processing.refresh_from_db()
    assert processing.status == Status.PROCESSING
    assert processing.due_date == add_working_days(today, 6)
    assert processing.pauses.get().resumed_by == leader


def test_a_paused_dossier_may_be_stopped_but_a_stopped_one_not_resumed(processing, staff):
    leader = staff[("commune_a", Role.LEADER)]
    services.perform(processing, "pause", leader, reason="Chờ bản án")
    services.perform(processing, "stop", leader, reason="Người yêu cầu đã mất")
    with pytest.raises(workflow.TransitionRefused):
        services.perform(processing, "resume", leader)
    assert Dossier.objects.get(pk=processing.pk).status == Status.STOPPED


def a_pdf(text: str) -> bytes:
    return HTML(string=f"<h1>{text}</h1>").write_pdf()


def test_a_result_prepared_outside_is_signed_with_a_qr_stamp(staff, marriage, citizen, province):
    dossier = dossier_in(marriage, citizen, province["commune_a"], Status.AWAITING_APPROVAL)
    upload = SimpleUploadedFile("quyet-dinh.pdf", a_pdf("QUYẾT ĐỊNH số 12/QĐ-UBND"))
    done = services.perform(
        dossier, "approve", staff[("commune_a", Role.LEADER)], result_file=upload
    )
    content = stored(done.result)
    status = signature_status(content)
    assert status.intact and status.valid and status.bottom_line
    reader = PdfReader(io.BytesIO(content))
    assert "QUYẾT ĐỊNH số 12/QĐ-UBND" in reader.pages[0].extract_text()
    [field] = [a for a in reader.pages[-1]["/Annots"] if a.get_object()["/FT"] == "/Sig"]
    assert field.get_object()["/AP"], "the signature is visible, with its QR stamp"


def test_a_result_file_that_is_not_a_pdf_changes_nothing(staff, marriage, citizen, province):
    dossier = dossier_in(marriage, citizen, province["commune_a"], Status.AWAITING_APPROVAL)
    png = SimpleUploadedFile("ket-qua.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    with pytest.raises(ValidationError, match="PDF"):
        services.perform(dossier, "approve", staff[("commune_a", Role.LEADER)], result_file=png)
    dossier.refresh_from_db()
    assert dossier.status == Status.AWAITING_APPROVAL and not hasattr(dossier, "result")


def test_the_desk_records_how_the_result_was_handed_over(staff, marriage, citizen, province):
    dossier = dossier_in(marriage, citizen, province["commune_a"], Status.FINISHED)
    desk = staff[("commune_a", Role.DESK_OFFICER)]
    with pytest.raises(ValidationError):
        services.perform(dossier, "return_result", desk)
    assert Dossier.objects.get(pk=dossier.pk).status == Status.FINISHED
    services.perform(dossier, "return_result", desk, delivery="post")
    dossier.refresh_from_db()
    assert (dossier.status, dossier.delivery) == (Status.RETURNED, "post")


def test_the_system_drafts_apologies_for_dossiers_running_late(
    staff, marriage, citizen, province, client
):
    today = timezone.localdate()
    late = dossier_in(marriage, citizen, province["commune_a"], Status.PROCESSING)
    due_tomorrow = dossier_in(marriage, citizen, province["commune_a"], Status.UNDER_REVIEW)
    at_leader = dossier_in(marriage, citizen, province["commune_a"], Status.AWAITING_APPROVAL)
    in_time = dossier_in(marriage, citizen, province["commune_a"], Status.PROCESSING)
    Dossier.objects.filter(pk=late.pk).update(due_date=today - datetime.timedelta(days=3))
    Dossier.objects.filter(pk=due_tomorrow.pk).update(due_date=add_working_days(today, 1))
    Dossier.objects.filter(pk=at_leader.pk).update(due_date=add_working_days(today, 1))
    Dossier.objects.filter(pk=in_time.pk).update(due_date=add_working_days(today, 5))

    assert tasks.draft_apologies.delay().get() == 1
    drafted = {letter.dossier_id: letter for letter in Apology.objects.all()}
    assert set(drafted) == {due_tomorrow.pk}, "an overdue dossier is too late for an apology"
    letter = drafted[due_tomorrow.pk]
    assert letter.new_due_date > letter.original_due_date and letter.drafted_by is None
    assert "không thể giải quyết" in letter.reason.lower()
    assert tasks.draft_apologies.delay().get() == 0, "a dossier gets one draft"

    client.force_login(staff[("commune_a", Role.LEADER)])
    page = client.get(f"/mot-cua/ho-so/{due_tomorrow.code}/").content.decode()
    assert "Ký phiếu xin lỗi" in page
    client.post(f"/mot-cua/ho-so/{due_tomorrow.code}/xin-loi/ky/")
    due_tomorrow.refresh_from_db()
    assert due_tomorrow.due_date == letter.new_due_date
    late.refresh_from_db()
    assert late.due_date == today - datetime.timedelta(days=3)


def test_the_admin_refuses_steps_that_do_not_share_out_the_whole_time(marriage):
    from django.forms import inlineformset_factory

    from motcua.catalog.admin import WorkflowStepFormSet
    from motcua.catalog.models import Procedure

    steps = inlineformset_factory(
        Procedure,
        WorkflowStep,
        formset=WorkflowStepFormSet,
        fields=["position", "kind", "share", "consulted_agency"],
        extra=0,
    )
    prefix = "workflow_steps"
    data = {f"{prefix}-TOTAL_FORMS": "2", f"{prefix}-INITIAL_FORMS": "0"}
    for index, (kind, share) in enumerate([("process", 70), ("approve", 20)]):
        data |= {f"{prefix}-{index}-kind": kind, f"{prefix}-{index}-share": str(share)}
        data[f"{prefix}-{index}-position"] = str(index)
    refused = steps(data, instance=marriage, prefix=prefix)
    assert not refused.is_valid() and "90" in str(refused.non_form_errors())
    data[f"{prefix}-1-share"] = "30"
    assert steps(data, instance=marriage, prefix=prefix).is_valid()
