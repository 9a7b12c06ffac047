"""In a real browser: a school administrator asks for its report card as PDF, watches the progress
and downloads the file; the department opens a report page and downloads its tables as XLSX."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from msoko.core.testing import browser_log_in
from msoko.reports.models import ReportJob

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username: str) -> None:
    browser_log_in(page, username)


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


def test_the_static_export_opens_from_the_file_system_with_working_links(page, world, tmp_path):
    from django.core.files.base import ContentFile
    from django.core.management import call_command

    from msoko.catalog.services import load_default_catalog
    from msoko.cycle.models import CycleDocument

    version = load_default_catalog().version
    year = world.years[2024]
    year.catalog_version = version
    year.save(update_fields=["catalog_version"])
    published = CycleDocument(title="Аналитическая справка по ВПР", is_published=True, municipality=world.municipality,
                              direction_number=1, academic_year=year, position="analysis")
    published.file.save("spravka.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    out = tmp_path / "site"
    call_command("publish", out=str(out), year=2024)

    page.goto((out / "index.html").as_uri())  # no server: straight from the file system
    assert page.get_by_role("heading", name="Механизмы управления качеством образования").is_visible()
    page.locator("ol.static-directions a").first.click()
    page.wait_for_load_state()
    assert page.url == (out / "direction-1.html").as_uri()
    link = page.get_by_role("link", name="Аналитическая справка по ВПР")
    href = link.get_attribute("href")
    assert href.startswith("docs/")
    assert page.evaluate("url => new URL(url, document.baseURI).href", href) == (out / href).as_uri()
    assert (out / href).read_bytes() == b"%PDF-1.4 test"  # the link points at the copied file
    assert page.evaluate("() => getComputedStyle(document.querySelector('.static-top')).backgroundColor") \
        == "rgb(31, 78, 121)"  # style.css loaded through its relative link
    page.get_by_role("link", name="← К разделу").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Сводные показатели организаций и муниципалитета").click()
    page.wait_for_load_state()
    assert page.url == (out / "figures.html").as_uri()
    assert page.get_by_role("heading", level=1).is_visible()
