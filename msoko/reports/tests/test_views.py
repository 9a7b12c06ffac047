"""Report pages and downloads: a school gets only its own report card, everything else is 404."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from msoko.core.models import AuditEntry
from msoko.reports.models import ReportJob

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def inline_jobs(monkeypatch):
    monkeypatch.setenv("MSOKO_REPORTS_INLINE", "1")


def request_card(client, code: str, fmt: str = "pdf"):
    return client.post("/reports/request/", {"kind": "card", "org": code, "format": fmt, "year": "2024"})


def test_a_school_generates_and_downloads_its_own_card(client_for, world):
    client = client_for("school_a")
    response = request_card(client, "OO-A")
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/jobs/{job.pk}/"
    assert job.status == ReportJob.Status.DONE and job.organisation == world.school_a
    status = client.get(f"/reports/jobs/{job.pk}/status/").json()
    assert status["progress"] == 100 and status["download"] == f"/reports/jobs/{job.pk}/download/"
    download = client.get(status["download"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content)[:5] == b"%PDF-"
    assert AuditEntry.objects.filter(action="reports.request").count() == 1
    assert AuditEntry.objects.filter(action="reports.generated").count() == 1


def test_a_school_cannot_request_or_see_another_schools_card(client_for, world):
    assert request_card(client_for("school_b"), "OO-A").status_code == 404
    request_card(client_for("school_a"), "OO-A")
    job = ReportJob.objects.get()
    other = client_for("school_b")
    assert other.get(f"/reports/jobs/{job.pk}/").status_code == 404
    assert other.get(f"/reports/jobs/{job.pk}/download/").status_code == 404
    assert other.get("/reports/card/?org=OO-A").status_code == 404


def test_a_school_cannot_request_municipal_reports(client_for, world):
    client = client_for("school_a")
    assert client.post("/reports/request/", {"kind": "annual", "format": "pdf"}).status_code == 404
    assert client.get("/reports/annual/").status_code == 404
    assert not ReportJob.objects.exists()


def test_the_department_sees_every_job_of_its_municipality(client_for, world):
    request_card(client_for("school_a"), "OO-A")
    job = ReportJob.objects.get()
    department = client_for("department")
    assert department.get(f"/reports/jobs/{job.pk}/download/").status_code == 200
    assert "Информационная карта организации" in department.get("/reports/").content.decode()


def test_a_bad_request_changes_nothing_and_says_why(client_for, world):
    client = client_for("department")
    response = client.post("/reports/request/", {"kind": "vpr", "format": "pdf"}, follow=True)
    assert "укажите: предмет, класс" in response.content.decode()
    response = client.post("/reports/request/", {"kind": "card", "org": "OO-A", "format": "exe"}, follow=True)
    assert "Формат «exe» не поддерживается" in response.content.decode()
    assert not ReportJob.objects.exists()


def test_a_failed_report_keeps_its_reason(client_for, world):
    client = client_for("department")
    client.post("/reports/request/", {"kind": "vpr", "subject": "ma", "grade": "5", "format": "pdf", "year": "2024"})
    job = ReportJob.objects.get()
    assert job.status == ReportJob.Status.FAILED
    assert "Нет результатов ВПР по предмету «Математика» в 5 классе за 2024/25" in job.error
    assert client.get(f"/reports/jobs/{job.pk}/download/").status_code == 404


def test_the_page_shows_the_report_and_exports_its_tables(client_for, world):
    client = client_for("department")
    page = client.get("/reports/card/?org=OO-B&year=2024").content.decode()
    assert "Информационная карта организации: Школа Б" in page
    assert "Таблицы в XLSX" in page
    response = client.get("/reports/card/xlsx/?org=OO-B&year=2024")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "Содержание"


def test_anonymous_users_are_sent_to_log_in(client, world):
    assert client.get("/reports/").status_code == 302
    assert client.get("/reports/public/TSK/").status_code == 200
