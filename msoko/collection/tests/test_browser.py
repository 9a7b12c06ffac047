"""In Chromium: the department uploads ВПР files through the preview; a school fills a campaign form."""

from __future__ import annotations

import re

import pytest

from msoko.collection.models import Submission
from msoko.collection.tests.campaign_data import staffing_campaign
from msoko.collection.tests.files import VPR_HEADER, vpr_row, write_xlsx
from msoko.collection.tests.test_formats import FULL
from msoko.core.testing import browser_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = "2025/26"
LOW = [0] * 12  # 0 points → «2»


@pytest.fixture
def queued_imports(settings):
    """Imports go through the task queue (as on PostgreSQL with a worker), not inline."""
    settings.MSOKO_IMPORT_INLINE = False


def work_off_queue() -> None:
    """What `msoko db_worker` does in production: run the queued import tasks, then stop."""
    from django.core.management import call_command

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def login(page, username: str) -> None:
    browser_log_in(page, username)
    page.wait_for_url("**/")


def test_upload_with_mapping_fix_bad_rows_then_good_file_shows_indicators(world, page, tmp_path, queued_imports):
    from msoko.catalog.services import load_default_catalog

    load_default_catalog()
    odd = ["Шифр ОО" if h == "Код ОО" else h for h in VPR_HEADER]
    bad = write_xlsx(tmp_path / "vpr-bad.xlsx", [
        odd, vpr_row("OO-A", "P1", FULL, 5, 5, year=YEAR), vpr_row("NOPE", "P2", FULL, 5, 5, year=YEAR)])
    good = write_xlsx(tmp_path / "vpr-good.xlsx", [
        VPR_HEADER, *[vpr_row("OO-A", f"P{i}", FULL, 5, 5, year=YEAR) for i in range(1, 4)],
        vpr_row("OO-A", "P4", LOW, 2, 3, year=YEAR)])
    login(page, "department")

    page.goto("/data/upload/")
    page.get_by_label("Файл (xlsx или csv)").set_input_files(str(bad))
    page.get_by_label("Вид данных").select_option("vpr")
    page.get_by_role("button", name="Показать предпросмотр").click()
    main = page.locator("main")
    assert "нет обязательного столбца «Код ОО»" in main.inner_text()

    page.get_by_label("Шифр ОО", exact=True).select_option(label="Код ОО")
    page.get_by_role("button", name="Применить сопоставление").click()
    text = main.inner_text()
    assert "нет обязательного столбца «Код ОО»" not in text
    error = page.locator("table.problems tr", has_text="NOPE").inner_text()
    assert "vpr-bad.xlsx" in error and "\t3\t" in error, error  # file, sheet and row 3 of the unknown school

    page.get_by_role("button", name="Загрузить").click()
    assert page.locator("#job-label").inner_text() == "в очереди"
    assert page.locator("progress#job-progress").is_visible()
    work_off_queue()  # the page polls the status and reloads itself when the import is over
    page.wait_for_selector("#job-label:has-text('ошибки')")
    assert page.get_by_role("link", name="Скачать отчёт об ошибках (xlsx)").is_visible()

    page.goto("/data/upload/")
    page.get_by_label("Файл (xlsx или csv)").set_input_files(str(good))
    page.get_by_role("button", name="Показать предпросмотр").click()
    assert "Ошибок нет" in main.inner_text()
    page.get_by_role("button", name="Загрузить").click()
    work_off_queue()
    page.wait_for_selector("#job-label:has-text('загружено')")
    assert page.locator("#job-progress").get_attribute("value") == "100"

    page.goto("/organisations/OO-A/?year=2025")
    row = page.locator("tr", has_text="Доля участников ВПР, получивших отметку «2»")
    assert re.search(r"25([,.]0)?\s*%", row.inner_text()), row.inner_text()  # 1 of 4 participants


def test_school_fills_and_submits_then_the_department_accepts(world, page):
    campaign = staffing_campaign(world)
    form = Submission.objects.get(campaign=campaign, organisation=world.school_a)
    login(page, "school_a")
    page.goto("/data/forms/")
    page.get_by_role("link", name="Кадры 2025").click()
    page.get_by_label("Численность педагогических работников").fill("40")
    page.get_by_label("Педагоги высшей категории").fill("30")
    page.get_by_label("Педагоги первой категории").fill("12")
    page.get_by_label("Действует система наставничества").select_option("да")
    page.get_by_role("button", name="Отправить").click()
    assert "Не выполнено правило «Категорийные педагоги не больше всех педагогов»" in page.locator("main").inner_text()
    page.get_by_label("Педагоги высшей категории").fill("10")
    page.get_by_role("button", name="Отправить").click()
    assert page.locator("#form-status").inner_text() == "отправлено"
    page.get_by_role("button", name="Выйти").click()

    login(page, "department")
    page.goto(f"/data/campaigns/{campaign.pk}/")
    page.locator("tr", has_text="OO-A").get_by_role("link", name="Проверить").click()
    page.get_by_role("button", name="Принять").click()
    assert page.locator("#form-status").inner_text() == "принято"
    form.refresh_from_db()
    assert form.status == Submission.Status.ACCEPTED
