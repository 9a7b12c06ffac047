"""In a real browser: a school administrator asks for its report card as PDF, watches the progress
and downloads the file; the department opens a report page and downloads its tables as XLSX."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from msoko.core.testing import PASSWORD
from msoko.reports.models import ReportJob

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_load_state()


def test_a_school_downloads_its_report_card_from_the_ui(page, world, tmp_path, monkeypatch):
    # pytest-django forbids database access from other threads: generate inside the request here
    # (the page still polls the status and shows the progress bar and the link as in the demo)
    monkeypatch.setenv("MSOKO_REPORTS_INLINE", "1")
    log_in(page, "school_a")
    page.goto("/reports/?year=2024")
    form = page.locator("#form-card")
    form.get_by_label("Организация").select_option("OO-A")
    form.get_by_label("Учебный год (год начала)").fill("2024")
    form.get_by_role("button", name="PDF").click()
    link = page.locator("#report-download")
    link.wait_for(state="visible")
    assert page.locator("#report-progress").get_attribute("value") == "100"
    with page.expect_download() as info:
        link.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert info.value.suggested_filename == "card-OO-A-2024.pdf"
    assert path.read_bytes()[:5] == b"%PDF-"
    assert ReportJob.objects.get().created_by == world.school_a_admin


def test_the_department_downloads_a_pages_tables_as_xlsx(page, world, tmp_path):
    log_in(page, "department")
    page.goto("/reports/card/?org=OO-B&year=2024")
    assert page.get_by_role("heading", name="Информационная карта организации: Школа Б").is_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="Таблицы в XLSX").click()
    path = tmp_path / "tables.xlsx"
    info.value.save_as(path)
    book = load_workbook(io.BytesIO(path.read_bytes()))
    assert book.sheetnames[0] == "Содержание"
