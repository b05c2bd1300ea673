"""Patient self-report: tokens at rest, expiry, identity lockout, safety alert and crisis text, reuse, tablet."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone

from ketamine_trd.clinic.measurement.models import Alert, Assessment
from ketamine_trd.clinic.selfreport import services
from ketamine_trd.clinic.selfreport.models import PatientReport, ReportLink, SelfReportSettings
from ketamine_trd.clinic.selfreport.texts import US_988_CRISIS_TEXT
from ketamine_trd.clinic.selfreport.tokens import token_hash
from ketamine_trd.clinical.alert_vocabulary import AlertKind, AlertLevel
from ketamine_trd.errors import ConflictError, InputError
from tests.clinic.builders import PASSWORD, make_patient

pytestmark = pytest.mark.django_db

DOB = "1980-05-17"


def _phq9(q9: int = 0, rest: int = 1) -> dict[str, str]:
    data = {f"phq9__q{n}": str(rest) for n in range(1, 9)}
    data["phq9__q9"] = str(q9)
    return data


@pytest.fixture
def patient(people):  # type: ignore[no-untyped-def]
    return make_patient(people.clinic, email="alex@example.org")


def _issue(people, patient, *instruments: str, now=None):  # type: ignore[no-untyped-def]
    return services.issue_link(people.nurse, patient.pk, instruments or ("phq9",), now=now or timezone.now())


def _verified_client(token: str) -> Client:
    client = Client()
    response = client.post(f"/r/{token}/", {"date_of_birth": DOB})
    assert response.status_code == 302, response.content[:300]
    return client


def test_token_has_256_bits_and_only_its_hash_is_stored(people, patient) -> None:
    issued = _issue(people, patient)
    assert len(issued.token) >= 43
    link = ReportLink.objects.get(pk=issued.link.pk)
    assert link.token_hash == token_hash(issued.token) and issued.token not in link.token_hash
    stored = [str(v) for v in ReportLink.objects.filter(pk=link.pk).values().first().values()]
    assert not any(issued.token in v for v in stored)
    assert len({_issue(people, patient).token for _ in range(20)}) == 20
    # no patient data in the URL
    path = services.link_path(issued.token)
    for secret in (patient.mrn, patient.family_name, str(patient.pk) + "/", DOB):
        assert secret not in path


def test_expiry_default_72_hours_and_expired_link_says_so(people, patient) -> None:
    now = timezone.now() - dt.timedelta(hours=73)
    issued = _issue(people, patient, now=now)
    assert issued.link.expires_at - issued.link.created_at == dt.timedelta(hours=72)
    response = Client().get(f"/r/{issued.token}/")
    assert response.status_code == 410 and b"expired" in response.content and b"date of birth" not in response.content


def test_per_clinic_expiry(people, patient) -> None:
    SelfReportSettings.objects.create(clinic=people.clinic, review_text="y", link_hours=24)
    issued = _issue(people, patient)
    assert issued.link.expires_at - issued.link.created_at == dt.timedelta(hours=24)


def test_forged_and_malformed_tokens_open_nothing(people, patient) -> None:
    _issue(people, patient)
    for token in ("A" * 43, "short", "x" * 80, "%2e%2e"):
        response = Client().get(f"/r/{token}/")
        assert response.status_code == 404, token
        assert patient.family_name.encode() not in response.content


def test_nul_byte_refused_before_any_view(people, patient) -> None:
    issued = _issue(people, patient)
    response = Client().post(f"/r/{issued.token}/", {"date_of_birth": "1980-05-17\x00"})
    assert response.status_code == 422
    assert ReportLink.objects.get(pk=issued.link.pk).verified_at is None


def test_wrong_date_of_birth_locks_after_five_tries(people, patient) -> None:
    issued = _issue(people, patient)
    client = Client()
    for n in range(1, services.MAX_IDENTITY_CHECKS):
        response = client.post(f"/r/{issued.token}/", {"date_of_birth": "1981-01-01"})
        assert response.status_code == 422 and b"does not match" in response.content
        assert ReportLink.objects.get(pk=issued.link.pk).failed_checks == n
    response = client.post(f"/r/{issued.token}/", {"date_of_birth": "1981-01-01"})
    assert response.status_code == 410 and b"locked" in response.content
    # even the right date now opens nothing
    response = client.post(f"/r/{issued.token}/", {"date_of_birth": DOB})
    assert response.status_code == 410
    from ketamine_trd.clinic.audit.models import AuditEvent

    assert AuditEvent.objects.filter(outcome="denied", detail__contains="identity check failed").count() == 5


def test_questions_only_after_identity_check(people, patient) -> None:
    issued = _issue(people, patient)
    response = Client().get(f"/r/{issued.token}/answer/")
    assert response.status_code == 302 and response["Location"].endswith(f"/r/{issued.token}/")
    response = Client().post(f"/r/{issued.token}/answer/", _phq9())
    assert response.status_code == 302
    assert not Assessment.objects.filter(patient=patient).exists()


def test_page_shows_nothing_of_the_record(people, patient) -> None:
    issued = _issue(people, patient)
    client = _verified_client(issued.token)
    page = client.get(f"/r/{issued.token}/answer/").content.decode()
    for secret in (patient.mrn, patient.family_name, patient.given_name, DOB):
        assert secret not in page
    assert "Thoughts that you would be better off dead" in page
    assert "not monitored in real time" in page
    # the staff pages stay closed to the verified patient session
    assert client.get(f"/patients/{patient.pk}/measurement/").status_code == 302
    assert client.get(f"/patients/{patient.pk}/self-report/").status_code == 302


def test_item9_from_patient_raises_critical_alert_and_shows_crisis_text(people, patient) -> None:
    from ketamine_trd.clinic.site import settings_service
    from ketamine_trd.clinical.inputs.site import SiteSettingsInput

    SelfReportSettings.objects.create(clinic=people.clinic, review_text="During opening hours.")
    # one crisis text per clinic: the site settings' (the same words as the discharge instructions)
    values = {**settings_service.defaults_for(people.clinic), "crisis_text": US_988_CRISIS_TEXT}
    settings_service.save_settings(people.admin, SiteSettingsInput(**values), "crisis line", now=timezone.now())
    issued = _issue(people, patient)
    client = _verified_client(issued.token)
    response = client.post(f"/r/{issued.token}/answer/", _phq9(q9=2))
    assert response.status_code == 200
    page = response.content.decode()
    assert "988" in page and "During opening hours." in page
    assert not re.search(r"you are (fine|ok|okay)|nothing to worry", page, re.I)
    alert = Alert.objects.get(patient=patient, kind=AlertKind.SUICIDE_ITEM)
    assert alert.level == AlertLevel.CRITICAL
    assessment = Assessment.objects.get(patient=patient, instrument_id="phq9")
    assert assessment.entered_by is None and assessment.total == 10
    report = PatientReport.objects.get(assessment=assessment)
    assert report.channel == "link"
    # the same follow-up as a staff-entered score: a C-SSRS screener is due
    assert Alert.objects.filter(patient=patient, kind=AlertKind.ASSESSMENT_DUE,
                                data__due_instrument_id="cssrs-screener").exists()  # fmt: skip
    # replay of the submitted form: refused, nothing more saved
    again = client.post(f"/r/{issued.token}/answer/", _phq9(q9=2))
    assert again.status_code in (302, 410)
    replay = Client().post(f"/r/{issued.token}/", {"date_of_birth": DOB})
    assert replay.status_code == 410 and b"used already" in replay.content
    assert Assessment.objects.filter(patient=patient).count() == 1


def test_no_safety_answer_still_gives_help_and_no_reassurance(people, patient) -> None:
    issued = _issue(people, patient, "phq9", "gad7")
    client = _verified_client(issued.token)
    data = _phq9(q9=0) | {f"gad7__q{n}": "0" for n in range(1, 8)}
    page = client.post(f"/r/{issued.token}/answer/", data).content.decode()
    assert "Your answers were sent" in page and "emergency" in page
    assert not re.search(r"you are (fine|ok|okay)", page, re.I)
    assert Assessment.objects.filter(patient=patient).count() == 2


def test_missing_answer_is_named_and_nothing_saved(people, patient) -> None:
    issued = _issue(people, patient)
    client = _verified_client(issued.token)
    data = _phq9()
    del data["phq9__q4"]
    response = client.post(f"/r/{issued.token}/answer/", data)
    assert response.status_code == 422 and b"Choose one answer" in response.content
    data["phq9__q4"] = "7"
    assert client.post(f"/r/{issued.token}/answer/", data).status_code == 422
    assert not Assessment.objects.exists() and ReportLink.objects.get(pk=issued.link.pk).used_at is None


def test_second_submission_refused_by_service(people, patient) -> None:
    issued = _issue(people, patient)
    _verified_client(issued.token)
    answers = {"phq9": {f"q{n}": 1 for n in range(1, 10)}}
    services.submit(None, issued.link.pk, answers, now=timezone.now())
    with pytest.raises(ConflictError):
        services.submit(None, issued.link.pk, answers, now=timezone.now())
    assert PatientReport.objects.count() == 1


def test_database_guard_keeps_one_report_per_link_and_instrument(people, patient) -> None:
    from django.db import IntegrityError, transaction

    issued = _issue(people, patient)
    _verified_client(issued.token)
    answers = {"phq9": {f"q{n}": 1 for n in range(1, 10)}}
    done = services.submit(None, issued.link.pk, answers, now=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        PatientReport.objects.create(link=issued.link, assessment=Assessment.objects.create(
            patient=patient, instrument_id="phq9", instrument_version="x", administered_at=timezone.now(),
            created_at=timezone.now()), instrument_id="phq9", channel="link", submitted_at=timezone.now())  # fmt: skip
    assert len(done.assessments) == 1


def test_other_clinic_cannot_issue_revoke_or_view(people, patient) -> None:
    from ketamine_trd.errors import NotFoundError, PermissionDenied

    with pytest.raises((NotFoundError, PermissionDenied)):
        services.issue_link(people.outsider, patient.pk, ("phq9",), now=timezone.now())
    issued = _issue(people, patient)
    with pytest.raises(NotFoundError):
        services.revoke_link(people.outsider, issued.link.pk, now=timezone.now())
    client = Client()
    client.force_login(people.outsider)
    assert client.get(f"/patients/{patient.pk}/self-report/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.issue_link(people.front_desk, patient.pk, ("phq9",), now=timezone.now())


def test_licensed_instrument_offered_only_with_clinic_text(people, patient) -> None:
    with pytest.raises(InputError):
        services.issue_link(people.nurse, patient.pk, ("qids-sr16",), now=timezone.now())
    SelfReportSettings.objects.create(clinic=people.clinic, review_text="y", licensed_texts={
        "qids-sr16": {"title": "QIDS-SR16 (licensed)", "items": [f"text {n}" for n in range(1, 17)],
                      "options": [[0, "a"], [1, "b"], [2, "c"], [3, "d"]]}})  # fmt: skip
    issued = services.issue_link(people.nurse, patient.pk, ("qids-sr16",), now=timezone.now())
    page = _verified_client(issued.token).get(f"/r/{issued.token}/answer/").content.decode()
    assert "QIDS-SR16 (licensed)" in page and "text 16" in page


def test_staff_page_creates_emails_and_revokes(people, patient) -> None:
    client = people.client("nurse")
    response = client.post(f"/patients/{patient.pk}/self-report/", {"instruments": ["phq9", "gad7"],
                                                                    "email": "alex@example.org"})  # fmt: skip
    assert response.status_code == 200
    url = re.search(r'value="(http[^"]+/r/[^"]+/)"', response.content.decode()).group(1)
    assert len(mail.outbox) == 1 and url in mail.outbox[0].body
    assert patient.family_name not in mail.outbox[0].body and patient.mrn not in mail.outbox[0].body
    link = ReportLink.objects.get(patient=patient)
    assert link.sent_to == "alex@example.org"
    client.post(f"/patients/{patient.pk}/self-report/{link.pk}/revoke/")
    assert Client().get(url.split("testserver")[1]).status_code == 410


def test_tablet_unlock_answers_and_locks_again(people, patient) -> None:
    client = people.client("nurse")
    wrong = client.post(f"/patients/{patient.pk}/self-report/tablet/", {"instruments": ["phq9"], "password": "nope"})
    assert wrong.status_code == 422
    response = client.post(f"/patients/{patient.pk}/self-report/tablet/", {"instruments": ["phq9"],
                                                                           "password": PASSWORD})  # fmt: skip
    assert response.status_code == 302 and response["Location"] == "/tablet/"
    # the staff member is signed out on this device
    assert client.get(f"/patients/{patient.pk}/measurement/").status_code == 302
    page = client.get("/tablet/").content.decode()
    assert "Thoughts that you would be better off dead" in page and patient.family_name not in page
    done = client.post("/tablet/", _phq9(q9=1)).content.decode()
    assert "hand the tablet back" in done
    assert PatientReport.objects.get().channel == "tablet"
    assert Alert.objects.filter(patient=patient, kind=AlertKind.SUICIDE_ITEM).exists()
    locked = client.get("/tablet/").content.decode()
    assert "This tablet is locked" in locked and "better off dead" not in locked
    assert client.post("/tablet/", _phq9()).content.decode().count("locked") >= 1
    assert PatientReport.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_only_one_kept(people, patient) -> None:
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:memorydb", ":memory:")):
        pytest.skip("threads need a database file or PostgreSQL")
    issued = _issue(people, patient)
    _verified_client(issued.token)
    answers = {"phq9": {f"q{n}": 1 for n in range(1, 10)}}
    results: list[str] = []
    barrier = threading.Barrier(2)

    def go() -> None:
        barrier.wait()
        try:
            services.submit(None, issued.link.pk, answers, now=timezone.now())
            results.append("ok")
        except ConflictError:
            results.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "ok"]
    assert PatientReport.objects.count() == 1


def test_schedule_service_sends_due_links_and_reminds(people, patient) -> None:
    from ketamine_trd.clinic.records.models import Course
    from ketamine_trd.clinic.selfreport.schedule import send_due
    from tests.clinic.builders import make_course

    course = make_course(patient)
    Course.objects.filter(pk=course.pk).update(phase="maintenance")
    now = timezone.now()
    report = send_due(now=now, base_url="https://clinic.example")
    assert report.sent == 1 and len(mail.outbox) == 1 and "https://clinic.example/r/" in mail.outbox[0].body
    link = ReportLink.objects.get(patient=patient)
    assert link.reason == "schedule:maintenance_weekly" and link.course_id == course.pk
    assert send_due(now=now + dt.timedelta(hours=1), base_url="https://clinic.example").sent == 0
    later = send_due(now=now + dt.timedelta(hours=25), base_url="https://clinic.example")
    assert later.reminded == 1 and len(mail.outbox) == 2
    assert send_due(now=now + dt.timedelta(hours=26), base_url="https://clinic.example").reminded == 0


def test_tablet_page_without_unlock_is_locked_and_signs_nobody_out(people, patient) -> None:
    client = people.client("nurse")
    assert b"This tablet is locked" in client.get("/tablet/").content
    assert client.get(f"/patients/{patient.pk}/self-report/").status_code == 200
